using System.CommandLine;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage;

namespace Sweep.Client;

/// <summary>Options every command accepts, and how they resolve to a store or a cluster.</summary>
internal static class CommonOptions
{
    public static readonly Option<string?> Store = new("--store")
    {
        HelpName = "dir",
        Description = $"Embedded store directory (default: ${SweepHosting.HomeVariable}, else ./.sweep)",
        Recursive = true,
    };

    public static readonly Option<string?> Cluster = new("--cluster")
    {
        HelpName = "connection-string",
        Description = $"PostgreSQL connection string of a Sweep cluster (default: ${SweepHosting.PostgresVariable}); without it Sweep runs embedded",
        Recursive = true,
    };

    public static readonly Option<string?> ClusterFile = new("--cluster-file")
    {
        HelpName = "file",
        Description = $"File holding the connection string, so it stays out of the process list (default: ${ConnectionStringSource.FileVariable})",
        Recursive = true,
    };

    public static readonly Option<string?> TlsCertificate = new("--tls-cert")
    {
        HelpName = "file",
        Description = $"PEM certificate this process shows the cluster; turns on mutual TLS (default: ${ClusterTlsFiles.CertificateVariable})",
        Recursive = true,
    };

    public static readonly Option<string?> TlsKey = new("--tls-key")
    {
        HelpName = "file",
        Description = $"PEM private key of --tls-cert, unencrypted (default: ${ClusterTlsFiles.KeyVariable})",
        Recursive = true,
    };

    public static readonly Option<string?> TlsCa = new("--tls-ca")
    {
        HelpName = "file",
        Description = $"PEM certificate(s) of the cluster's CA; peers must be signed by one (default: ${ClusterTlsFiles.CaVariable})",
        Recursive = true,
    };

    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show Orleans and host logs on stderr",
        Recursive = true,
    };

    public static readonly Option<string?> Telemetry = new("--telemetry")
    {
        Description = "Export traces and metrics: 'console'",
        Recursive = true,
    };

    static CommonOptions()
    {
        Telemetry.AcceptOnlyFromAmong("console");
    }

    public static void AddTo(RootCommand root)
    {
        root.Options.Add(Store);
        root.Options.Add(Cluster);
        root.Options.Add(ClusterFile);
        root.Options.Add(TlsCertificate);
        root.Options.Add(TlsKey);
        root.Options.Add(TlsCa);
        root.Options.Add(Verbose);
        root.Options.Add(Telemetry);
    }

    /// <summary>
    /// Host options from the common flags (cluster when --cluster, --cluster-file, $SWEEP_POSTGRES or
    /// $SWEEP_POSTGRES_FILE is set; TLS when --tls-* or $SWEEP_TLS_* are).
    /// </summary>
    public static SweepHostOptions HostOptions(ParseResult parse) => new()
    {
        StoreDirectory = SweepHosting.ResolveStoreDirectory(parse.GetValue(Store)),
        PostgresConnectionString = ConnectionString(parse),
        Tls = ClusterTlsFiles.Resolve(parse.GetValue(TlsCertificate), parse.GetValue(TlsKey), parse.GetValue(TlsCa)),
        Verbose = parse.GetValue(Verbose),
        TelemetryConsole = parse.GetValue(Telemetry) == "console",
    };

    /// <summary>
    /// The connection string a command's own <paramref name="value"/>/<paramref name="file"/> options name, else
    /// --cluster/--cluster-file, else the environment (see <see cref="ConnectionStringSource"/>); null: embedded.
    /// </summary>
    public static string? ConnectionString(ParseResult parse, Option<string?>? value = null, Option<string?>? file = null)
    {
        var valueOption = value is not null && parse.GetValue(value) is not null ? value : Cluster;
        var fileOption = file is not null && parse.GetValue(file) is not null ? file : ClusterFile;
        return Checked(ConnectionStringSource.Resolve(parse.GetValue(valueOption), parse.GetValue(fileOption), valueOption.Name, fileOption.Name));
    }

    /// <summary>
    /// The connection string if Npgsql can parse it; a one-line user error naming the fix otherwise. The parser's
    /// own message is not repeated: the keyword it quotes can be a piece of a password that holds a ';'.
    /// </summary>
    public static string? Checked(string? connectionString)
    {
        if (connectionString is null)
        {
            return null;
        }
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return connectionString;
        }
        catch (ArgumentException)
        {
            throw new CliException(
                "not a PostgreSQL connection string: it has a malformed part, an unknown keyword or a value that does not fit its keyword; " +
                "expected e.g. \"Host=db;Port=5432;Database=sweep;Username=sweep;Password=...\" (put a value holding ';' in double quotes)");
        }
    }

    /// <summary>The store the flags name; for reads, an embedded store must already exist.</summary>
    public static ISweepStore OpenStore(ParseResult parse, bool mustExist = true)
    {
        var options = HostOptions(parse);
        if (!options.IsCluster && mustExist && !Directory.Exists(options.StoreDirectory))
        {
            throw new CliException($"no Sweep store at {options.StoreDirectory}; submit a sweep first, or point --store / ${SweepHosting.HomeVariable} at an existing one");
        }
        return SweepHosting.OpenStore(options);
    }

    public static Option<string> Format(string description, params string[] formats)
    {
        var option = new Option<string>("--format")
        {
            Description = $"{description}: {string.Join('|', formats)}",
            DefaultValueFactory = _ => formats[0],
        };
        option.AcceptOnlyFromAmong(formats);
        return option;
    }
}
