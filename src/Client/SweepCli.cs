using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Sweep.Client.Commands;
using Sweep.Grains.Grid;
using Sweep.Grains.Storage;
using Sweep.Model;

namespace Sweep.Client;

/// <summary>
/// The <c>sweep</c> command line. Exit codes: 0 success, 1 failure, 2 usage error. Failures print one line on
/// stderr (a grid prints each of its problems on its own line); stack traces only with --verbose.
/// </summary>
public static class SweepCli
{
    public static RootCommand Build(CliConsole console)
    {
        var root = new RootCommand("Sweep: hyperparameter sweeps of small image classifiers, on one machine or an Orleans cluster.");
        CommonOptions.AddTo(root);
        root.Subcommands.Add(SubmitCommand.Create(console));
        root.Subcommands.Add(StatusCommand.Create(console));
        root.Subcommands.Add(TrialsCommand.Create(console));
        root.Subcommands.Add(LeaderboardCommand.Create(console));
        root.Subcommands.Add(StudyCommand.Create(console));
        root.Subcommands.Add(PredictionsCommand.Create(console));
        root.Subcommands.Add(CancelCommand.Create(console));
        root.Subcommands.Add(DataCommand.Create(console));
        root.Subcommands.Add(DbCommand.Create(console));
        root.Subcommands.Add(SiloCommand.Create(console));
        root.Subcommands.Add(HealthCommand.Create(console));
        root.Subcommands.Add(DashboardCommand.Create(console));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken = default)
    {
        var root = Build(console);
        var parse = root.Parse(args);
        if (parse.Action is ParseErrorAction || (parse.Errors.Count > 0 && parse.Action is null))
        {
            var path = new List<string>();
            for (var result = parse.CommandResult; result.Command is not RootCommand; result = (CommandResult)result.Parent!)
            {
                path.Insert(0, result.Command.Name);
            }
            path.Add("--help");
            await console.Error.WriteLineAsync($"sweep: {UsageProblem(parse)} (see 'sweep {string.Join(' ', path)}')");
            return 2;
        }
        var verbose = parse.GetValue(CommonOptions.Verbose);
        using var repairs = StoreRepairs.To(console.Error);
        try
        {
            return await parse.InvokeAsync(
                new InvocationConfiguration
                {
                    Output = console.Out,
                    Error = console.Error,
                    EnableDefaultExceptionHandler = false,
                    // A silo needs time to hand its trials back on Ctrl+C / SIGTERM.
                    ProcessTerminationTimeout = TimeSpan.FromSeconds(30),
                },
                cancellationToken);
        }
        catch (GridException ex) when (ex.Errors is [{ Path: "$" } whole])
        {
            // A problem with the file as a whole (missing, too big, not JSON) is the one line the contract asks for.
            await console.Error.WriteLineAsync($"sweep: {ex.FileName}: {OneLine(whole.Message)}");
            return 1;
        }
        catch (GridException ex) when (ex.Errors is [var only])
        {
            await console.Error.WriteLineAsync($"sweep: {ex.FileName}: {OneLine(only.ToString())}");
            return 1;
        }
        catch (GridException ex)
        {
            await console.Error.WriteLineAsync($"sweep: {ex.FileName}: {ex.Errors.Count} problem(s) in the grid:");
            foreach (var error in ex.Errors)
            {
                await console.Error.WriteLineAsync($"  {error}");
            }
            return 1;
        }
        catch (Sweep.Grains.Storage.StoreUnavailableException ex)
        {
            // The database was reached before, or may be restarting: the configuration is not to blame.
            await console.Error.WriteLineAsync($"sweep: {OneLine(ex.Message)}; try again when the database is back");
            return 1;
        }
        catch (Exception ex) when (UserError(ex) is { } user)
        {
            await console.Error.WriteLineAsync($"sweep: {OneLine(user.Message)}");
            return 1;
        }
        catch (Npgsql.PostgresException ex) when (ex.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            // Pointed at a database that was never migrated (or the wrong one): a user error with a known fix.
            await console.Error.WriteLineAsync(
                $"sweep: PostgreSQL: the database has no Sweep tables ({OneLine(ex.MessageText)}); run 'sweep db migrate --postgres \"<connection string>\"' (silos migrate when they start), or check the Database= of --cluster, --postgres or ${Sweep.Grains.Hosting.SweepHosting.PostgresVariable}");
            return 1;
        }
        catch (Exception ex) when (ConnectionProblem(ex) is { } problem)
        {
            // "Failed to connect to host:port" says where; the socket error under it says why (refused, unreachable, …).
            var why = problem.GetBaseException() is { } cause && cause != problem ? $": {cause.Message}" : "";
            await console.Error.WriteLineAsync($"sweep: PostgreSQL: {OneLine(problem.Message.TrimEnd('.') + why)} (check --cluster, --cluster-file, --postgres or ${Sweep.Grains.Hosting.SweepHosting.PostgresVariable})");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("sweep: interrupted");
            return 130;
        }
        catch (Exception ex)
        {
            // Everything a user can cause derives from SweepUserException: anything else is a bug, whatever its type.
            await console.Error.WriteLineAsync($"sweep: internal error: {OneLine(ex.Message)} (a bug in Sweep; {(verbose ? "the trace follows" : "run with --verbose for the trace")})");
            if (verbose)
            {
                await console.Error.WriteLineAsync(ex.ToString());
            }
            return 1;
        }
    }

    /// <summary>The user error <paramref name="ex"/> is or wraps (an aggregate, a type initializer), if any.</summary>
    private static SweepUserException? UserError(Exception ex) => ex switch
    {
        SweepUserException user => user,
        AggregateException { InnerExceptions: [var only] } => UserError(only),
        { InnerException: { } inner } when ex is AggregateException or TypeInitializationException or System.Reflection.TargetInvocationException => UserError(inner),
        _ => null,
    };

    /// <summary>
    /// A database the user pointed at that cannot be reached or used (network, authentication, missing database,
    /// privileges, server not ready) — not a query the server rejected, which is a bug.
    /// </summary>
    private static Npgsql.NpgsqlException? ConnectionProblem(Exception ex) => ex switch
    {
        Npgsql.PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("28", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || pg.SqlState is "3D000" or "42501" => pg,
        Npgsql.PostgresException => null,
        Npgsql.NpgsqlException npgsql => npgsql,
        AggregateException { InnerExceptions: [var only] } => ConnectionProblem(only),
        _ => null,
    };

    /// <summary>
    /// The parse error worth reading first: a mistyped word explains a "required command was not provided" that
    /// follows from it; a missing command lists the ones there are.
    /// </summary>
    private static string UsageProblem(ParseResult parse)
    {
        if (parse.UnmatchedTokens is [var first, ..])
        {
            return $"unknown command or argument '{first}'";
        }
        var command = parse.CommandResult.Command;
        if (command.Subcommands.Count > 0 && parse.Errors.Count > 0 && command.Action is null)
        {
            var name = command is RootCommand ? "sweep" : command.Name;
            return $"'{name}' needs a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}";
        }
        var error = parse.Errors[0];
        if (error.Message.Contains("expected type", StringComparison.Ordinal) && error.SymbolResult is ArgumentResult or OptionResult)
        {
            // The parser's own conversion message names a .NET type; say what the option takes instead.
            var (name, type, tokens) = error.SymbolResult switch
            {
                OptionResult o => (o.Option.Name, o.Option.ValueType, o.Tokens),
                ArgumentResult a => (a.Argument.Name, a.Argument.ValueType, a.Tokens),
                _ => throw new InvalidOperationException("unreachable: checked above"),
            };
            var value = tokens.Count > 0 ? tokens[^1].Value : "";
            return $"{name}: '{value}' is not {Expected(Nullable.GetUnderlyingType(type) ?? type)}";
        }
        return OneLine(error.Message);
    }

    private static string Expected(Type type) =>
        type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) || type == typeof(float) ? "a number"
        : type == typeof(bool) ? "true or false"
        : type == typeof(FileInfo) ? "a file path"
        : "a valid value (see --help)";

    /// <summary>A message on one line: line breaks and runs of blanks become single spaces.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.ReplaceLineEndings(" ").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
