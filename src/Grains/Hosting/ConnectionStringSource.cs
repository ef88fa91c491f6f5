namespace Sweep.Grains.Hosting;

/// <summary>
/// Where a cluster's PostgreSQL connection string comes from. The first that is set wins: a flag's value, a flag
/// naming a file, <c>$SWEEP_POSTGRES</c>, a file named by <c>$SWEEP_POSTGRES_FILE</c>. A file or the environment keeps
/// the password out of the process list, where every local user could read a flag's value.
/// </summary>
public static class ConnectionStringSource
{
    /// <summary>Environment variable naming a file that holds the connection string.</summary>
    public const string FileVariable = "SWEEP_POSTGRES_FILE";

    /// <summary>
    /// The connection string the settings name, else null (embedded). <paramref name="valueName"/> and
    /// <paramref name="fileName"/> are the flags' names, for messages.
    /// </summary>
    /// <exception cref="SweepConfigurationException">Two sources at one level, or a file that cannot be read or is empty.</exception>
    public static string? Resolve(string? value, string? file, string valueName = "--cluster", string fileName = "--cluster-file") =>
        Resolve(value, file, valueName, fileName, Environment.GetEnvironmentVariable);

    internal static string? Resolve(string? value, string? file, string valueName, string fileName, Func<string, string?> environment)
    {
        if (IsSet(value) && IsSet(file))
        {
            throw new SweepConfigurationException($"{valueName} and {fileName} both name the database; give one of them");
        }
        if (IsSet(value))
        {
            return value;
        }
        if (IsSet(file))
        {
            return ReadFile(file!, fileName);
        }
        var environmentValue = environment(SweepHosting.PostgresVariable);
        var environmentFile = environment(FileVariable);
        if (IsSet(environmentValue) && IsSet(environmentFile))
        {
            throw new SweepConfigurationException($"${SweepHosting.PostgresVariable} and ${FileVariable} are both set; unset one of them");
        }
        return IsSet(environmentValue) ? environmentValue
            : IsSet(environmentFile) ? ReadFile(environmentFile!, "$" + FileVariable)
            : null;
    }

    /// <summary>The file's text without surrounding blanks: one connection string on one line.</summary>
    private static string ReadFile(string path, string name)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new SweepConfigurationException($"{name} {path}: no such file");
        }
        catch (UnauthorizedAccessException)
        {
            throw new SweepConfigurationException($"{name} {path}: this user may not read it (it should be readable by the user running sweep, and by no one else)");
        }
        catch (IOException ex)
        {
            throw new SweepConfigurationException($"{name} {path}: cannot be read ({ex.Message})");
        }
        var connectionString = text.Trim();
        if (connectionString.Length == 0)
        {
            throw new SweepConfigurationException($"{name} {path} is empty; it should hold one PostgreSQL connection string, e.g. Host=db;Database=sweep;Username=sweep;Password=...");
        }
        if (connectionString.Contains('\n', StringComparison.Ordinal))
        {
            throw new SweepConfigurationException($"{name} {path} has more than one line; it should hold one PostgreSQL connection string on one line");
        }
        return connectionString;
    }

    private static bool IsSet(string? text) => !string.IsNullOrWhiteSpace(text);
}
