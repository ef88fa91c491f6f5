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

    public static readonly Option<double?> ResponseTimeout = new("--response-timeout")
    {
        HelpName = "seconds",
        Description = "Cluster: how long a call to a silo waits for its answer before it is retried or fails (default 10)",
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
        root.Options.Add(Verbose);
        root.Options.Add(Telemetry);
        root.Options.Add(ResponseTimeout);
    }

    /// <summary>Host options from the common flags (cluster when --cluster or SWEEP_POSTGRES is set).</summary>
    public static SweepHostOptions HostOptions(ParseResult parse) => new()
    {
        StoreDirectory = SweepHosting.ResolveStoreDirectory(parse.GetValue(Store)),
        PostgresConnectionString = Checked(SweepHosting.ResolvePostgres(parse.GetValue(Cluster))),
        Verbose = parse.GetValue(Verbose),
        TelemetryConsole = parse.GetValue(Telemetry) == "console",
        ResponseTimeout = Seconds(parse, ResponseTimeout, ClusterTimeouts.ResponseRange),
    };

    /// <summary>A seconds option's value within its range, or a one-line user error naming the option.</summary>
    public static TimeSpan? Seconds(ParseResult parse, Option<double?> option, (double Min, double Max) range)
    {
        if (parse.GetValue(option) is not { } seconds)
        {
            return null;
        }
        try
        {
            return ClusterTimeouts.Seconds(option.Name, seconds, range);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    /// <summary>The connection string if Npgsql can parse it; a one-line user error naming the fix otherwise.</summary>
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
        catch (ArgumentException ex)
        {
            throw new CliException($"not a PostgreSQL connection string ({ex.Message}); expected e.g. \"Host=db;Port=5432;Database=sweep;Username=sweep;Password=...\"");
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
        return SweepHosting.OpenStore(options, StoreRetry(Console.Error));
    }

    /// <summary>
    /// A command rides out a database restart for up to two minutes, and says once on stderr what it waits for
    /// (and once that the database is back), so a silent pause is never mistaken for a hang.
    /// </summary>
    public static StoreRetryPolicy StoreRetry(TextWriter error) => new()
    {
        Patience = TimeSpan.FromMinutes(2),
        Report = message => error.WriteLine($"sweep: {message}"),
    };

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
