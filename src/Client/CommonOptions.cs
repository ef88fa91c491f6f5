using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage;
using Sweep.Grains.Contracts;
using Sweep.Grains.Storage.LocalDirectory;

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
        root.Options.Add(ClusterFile);
        root.Options.Add(TlsCertificate);
        root.Options.Add(TlsKey);
        root.Options.Add(TlsCa);
        root.Options.Add(Verbose);
        root.Options.Add(Telemetry);
        root.Options.Add(ResponseTimeout);
    }

    /// <summary>
    /// Host options from the common flags (cluster when --cluster, --cluster-file, $SWEEP_POSTGRES or
    /// $SWEEP_POSTGRES_FILE is set; TLS when --tls-* or $SWEEP_TLS_* are). Embedded, the store directory is checked
    /// first: one clear line naming it and suggesting --store DIR if it is a file, under a file or a system
    /// pseudo-filesystem, or — for a command that <paramref name="writes"/> — cannot be written.
    /// </summary>
    public static SweepHostOptions HostOptions(ParseResult parse, bool writes = true)
    {
        var options = new SweepHostOptions
        {
            StoreDirectory = SweepHosting.ResolveStoreDirectory(parse.GetValue(Store)),
            PostgresConnectionString = ConnectionString(parse),
            Tls = ClusterTlsFiles.Resolve(parse.GetValue(TlsCertificate), parse.GetValue(TlsKey), parse.GetValue(TlsCa)),
            Verbose = parse.GetValue(Verbose),
            TelemetryConsole = parse.GetValue(Telemetry) == "console",
            ResponseTimeout = Seconds(parse, ResponseTimeout, ClusterTimeouts.ResponseRange),
        };
        if (!options.IsCluster)
        {
            LocalDirectorySweepStore.CheckDirectory(options.StoreDirectory, writes);
        }
        return options;
    }

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

    /// <summary>
    /// The connection string if Npgsql can parse it; a one-line user error naming the fix otherwise. The parser's
    /// own message is not repeated: the keyword it quotes can be a piece of a password that holds a ';'.
    /// </summary>
    public static string? Checked(string? connectionString) => connectionString is null ? null : Parsed(connectionString);

    // Apart from Checked so that a command on the local store never loads Npgsql (a method's types are resolved when
    // it first runs): about 10 ms of every local query command's start.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static string Parsed(string connectionString)
    {
        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
            return connectionString;
        }
        catch (ArgumentException)
        {
            // Npgsql's message quotes the part it choked on, which can be a piece of the password: not repeated.
            // Only a keyword Npgsql knows is named, never a value.
            var what = BadValueKeyword(connectionString) is { } keyword
                ? $"the value of {keyword} does not fit it"
                : "it has a malformed part, an unknown keyword or a value that does not fit its keyword";
            throw new CliException(
                $"not a PostgreSQL connection string: {what}; " +
                "expected e.g. \"Host=db;Port=5432;Database=sweep;Username=sweep;Password=...\" (put a value holding ';' in double quotes)",
                "the connection string",
                "Key=value pairs separated by ';' with Npgsql's keywords");
        }
    }

    /// <summary>A keyword Npgsql knows whose value it refuses (say Port=abc), as Npgsql spells it; null if none is.</summary>
    private static string? BadValueKeyword(string connectionString)
    {
        foreach (var part in connectionString.Split(';'))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                continue;
            }
            var key = part[..equals].Trim();
            try
            {
                // Clearing a keyword throws only when Npgsql does not know it.
                new Npgsql.NpgsqlConnectionStringBuilder()[key] = null;
            }
            catch (Exception ex) when (ex is ArgumentException or KeyNotFoundException)
            {
                continue;
            }
            try
            {
                _ = new Npgsql.NpgsqlConnectionStringBuilder { [key] = part[(equals + 1)..].Trim() };
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                return key;
            }
        }
        return null;
    }

    /// <summary>The store the flags name; for reads, an embedded store must already exist.</summary>
    public static ISweepStore OpenStore(ParseResult parse, bool mustExist = true, bool writes = false)
    {
        var options = HostOptions(parse, writes);
        if (!options.IsCluster && mustExist && !Directory.Exists(options.StoreDirectory))
        {
            throw new CliException($"no Sweep store at {options.StoreDirectory}; submit a sweep first, or point --store / ${SweepHosting.HomeVariable} at an existing one");
        }
        return SweepHosting.OpenStore(options, StoreRetry(Console.Error));
    }

    /// <summary>
    /// A command rides out a database restart for up to two minutes, and says once on stderr what it waits for
    /// (and once that the database is back), so a silent pause is never mistaken for a hang; a database it has not
    /// reached at all is given five seconds (a restart), then reported as not reachable.
    /// </summary>
    public static StoreRetryPolicy StoreRetry(TextWriter error) => new()
    {
        Patience = TimeSpan.FromMinutes(2),
        // A database this command never reached is most likely a wrong --cluster: a few seconds, then the error.
        FirstContactPatience = TimeSpan.FromSeconds(5),
        Report = message => error.WriteLine($"sweep: {message}"),
    };

    /// <summary>
    /// The sweep <paramref name="sweepId"/>, or a one-line error: its stored definition is damaged (naming the file
    /// and how to rebuild it), or there is no such sweep.
    /// </summary>
    public static async Task<Sweep.Grains.Contracts.SweepDefinition> RequireSweepAsync(ISweepStore store, string sweepId, CancellationToken cancellationToken)
    {
        if (await store.GetSweepAsync(sweepId, cancellationToken) is { } sweep)
        {
            return sweep;
        }
        if ((await store.GetDamageAsync(sweepId, cancellationToken)).FirstOrDefault(d => d.Kind == StoreDamageKind.Sweep) is { } damage)
        {
            throw new StoreException(
                $"sweep '{sweepId}' cannot be read: {damage.Location} is damaged ({damage.Reason}); submit its grid again to rebuild it",
                damage.Location,
                "submit the sweep's grid again");
        }
        throw new CliException($"no sweep named '{sweepId}' (list them with 'sweep status')", sweepId, "a sweep id that 'sweep status' lists");
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

    /// <summary>
    /// An id argument (sweep, trial, dataset) that refuses option-like values, so a mistyped option
    /// (<c>status --bogus</c>) is an unknown option, not an id.
    /// </summary>
    public static Argument<string?> Id(string name, string description, bool optional = false)
    {
        var argument = new Argument<string?>(name) { Description = description, Arity = optional ? ArgumentArity.ZeroOrOne : ArgumentArity.ExactlyOne };
        argument.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var value }] && value.StartsWith('-'))
            {
                result.AddError($"unknown option '{value}'");
            }
        });
        return argument;
    }

    /// <summary>A whole-number option of at least <paramref name="min"/>; anything else is a usage error naming the option and the value.</summary>
    public static Option<int?> WholeNumber(string name, string helpName, string description, int min)
    {
        var option = new Option<int?>(name) { HelpName = helpName, Description = description };
        option.CustomParser = result => ParseWhole(result, name, min);
        return option;
    }

    /// <summary>As <see cref="WholeNumber(string, string, string, int)"/>, with a default when the option is absent.</summary>
    public static Option<int> WholeNumber(string name, string helpName, string description, int min, int defaultValue)
    {
        var option = new Option<int>(name) { HelpName = helpName, Description = description, DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result => ParseWhole(result, name, min) ?? defaultValue;
        return option;
    }

    private static int? ParseWhole(ArgumentResult result, string name, int min)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }
        var text = result.Tokens[^1].Value;
        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
            {
                result.AddError($"{name}: {text} is out of range; expected a whole number from {min} to {int.MaxValue}");
                return null;
            }
            result.AddError($"{name}: '{text}' is not a whole number; expected a whole number of at least {min}");
            return null;
        }
        if (value < min)
        {
            result.AddError($"{name}: {value} is too small; expected a whole number of at least {min}");
            return null;
        }
        return value;
    }
}
