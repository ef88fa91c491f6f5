using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Sweep.Client.Commands;
using Sweep.Grains.Grid;
using Sweep.Grains.Storage;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;

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
        catch (Npgsql.NpgsqlException ex)
        {
            await console.Error.WriteLineAsync($"sweep: PostgreSQL: {OneLine(ex.Message)} (check --cluster, --postgres or ${Sweep.Grains.Hosting.SweepHosting.PostgresVariable})");
            return 1;
        }
        catch (Exception ex) when (IsUserError(ex))
        {
            await console.Error.WriteLineAsync($"sweep: {OneLine(ex.Message)}");
            return 1;
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("sweep: interrupted");
            return 130;
        }
        catch (Exception ex)
        {
            await console.Error.WriteLineAsync($"sweep: unexpected {ex.GetType().Name}: {OneLine(ex.Message)}{(verbose ? "" : " (run with --verbose for details)")}");
            if (verbose)
            {
                await console.Error.WriteLineAsync(ex.ToString());
            }
            return 1;
        }
    }

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
        return OneLine(parse.Errors[0].Message);
    }

    private static bool IsUserError(Exception ex) => ex is CliException or SweepConflictException or DatasetException
        or ArchitectureException or CheckpointException or KeyNotFoundException or FileNotFoundException
        or DirectoryNotFoundException or UnauthorizedAccessException or Sweep.Grains.Storage.Postgres.PostgresMigrationException
        or Sweep.Grains.Hosting.StoreInUseException;

    /// <summary>A message on one line: line breaks and runs of blanks become single spaces.</summary>
    internal static string OneLine(string message) =>
        string.Join(' ', message.ReplaceLineEndings(" ").Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries));
}
