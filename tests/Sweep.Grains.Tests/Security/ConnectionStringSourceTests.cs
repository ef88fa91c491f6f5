using Sweep.Grains.Hosting;
using Sweep.Grains.Tests.Support;

namespace Sweep.Grains.Tests.Security;

/// <summary>Where the connection string comes from, in order: flag, flag's file, $SWEEP_POSTGRES, $SWEEP_POSTGRES_FILE.</summary>
public sealed class ConnectionStringSourceTests : IDisposable
{
    private const string Secret = "Host=db;Database=sweep;Username=sweep;Password=s3cret";
    private readonly TemporaryDirectory _directory = new("sweep-cs-source");
    private readonly Dictionary<string, string?> _environment = [];

    public ConnectionStringSourceTests() => Directory.CreateDirectory(_directory.Path);

    [Fact]
    public void Nothing_MeansEmbedded() => Assert.Null(Resolve(null, null));

    [Fact]
    public void FileFlag_IsRead_WithoutItsTrailingNewline() => Assert.Equal(Secret, Resolve(null, WriteFile(Secret + "\n")));

    [Fact]
    public void Flags_WinOverTheEnvironment()
    {
        _environment[SweepHosting.PostgresVariable] = "Host=env";
        Assert.Equal("Host=flag", Resolve("Host=flag", null));
        Assert.Equal(Secret, Resolve(null, WriteFile(Secret)));
        Assert.Equal("Host=env", Resolve(null, null));
    }

    [Fact]
    public void EnvironmentFile_IsRead()
    {
        _environment[ConnectionStringSource.FileVariable] = WriteFile(Secret);
        Assert.Equal(Secret, Resolve(null, null));
    }

    [Fact]
    public void ValueAndFileTogether_AreRefused()
    {
        var error = Assert.Throws<SweepConfigurationException>(() => Resolve("Host=flag", WriteFile(Secret)));
        Assert.Equal("--cluster and --cluster-file both name the database; give one of them", error.Message);
        _environment[SweepHosting.PostgresVariable] = "Host=env";
        _environment[ConnectionStringSource.FileVariable] = WriteFile(Secret);
        error = Assert.Throws<SweepConfigurationException>(() => Resolve(null, null));
        Assert.Equal("$SWEEP_POSTGRES and $SWEEP_POSTGRES_FILE are both set; unset one of them", error.Message);
    }

    [Fact]
    public void MissingEmptyOrMultiLineFile_IsNamed_WithoutItsContent()
    {
        var missing = Path.Combine(_directory.Path, "absent");
        Assert.Equal($"--cluster-file {missing}: no such file", Assert.Throws<SweepConfigurationException>(() => Resolve(null, missing)).Message);
        var empty = WriteFile(" \n");
        Assert.StartsWith($"--cluster-file {empty} is empty;", Assert.Throws<SweepConfigurationException>(() => Resolve(null, empty)).Message);
        var twoLines = WriteFile(Secret + "\n" + Secret);
        var error = Assert.Throws<SweepConfigurationException>(() => Resolve(null, twoLines));
        Assert.StartsWith($"--cluster-file {twoLines} has more than one line", error.Message);
        Assert.DoesNotContain("s3cret", error.Message);
    }

    private string? Resolve(string? value, string? file) =>
        ConnectionStringSource.Resolve(value, file, "--cluster", "--cluster-file", n => _environment.GetValueOrDefault(n));

    private string WriteFile(string text)
    {
        var path = Path.Combine(_directory.Path, Guid.NewGuid().ToString("N"));
        File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => _directory.Dispose();
}
