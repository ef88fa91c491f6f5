using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;
using Sweep.Grains.Hosting;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage.LocalDirectory;
using Sweep.Grains.Training;

namespace Sweep.Client.Commands;

/// <summary>
/// <c>sweep submit grid.json</c>: validates the grid and hands it to the sweep's coordinator. Embedded (no
/// cluster configured) it hosts a silo in this process and runs the sweep to the end; on a cluster it returns
/// once the sweep is accepted, or follows it with --wait.
/// </summary>
internal static class SubmitCommand
{
    public static Command Create(CliConsole console)
    {
        var grid = new Argument<FileInfo>("grid") { Description = "The grid file (JSON; see the README for its format)" };
        var wait = new Option<bool>("--wait") { Description = "Follow the sweep until it ends (always on when embedded)" };
        var slots = new Option<int?>("--slots") { HelpName = "n", Description = "Embedded: trials trained at once (default: the machine's cores)" };
        var cores = CommonOptions.WholeNumber("--cores", "n", "Embedded: cores the trials share; idle ones speed up running trials (default: the machine's cores)", min: 1);
        var command = new Command("submit", "Submit a sweep; embedded, run it to the end") { grid, wait, slots, cores };
        command.SetAction((parse, ct) => RunAsync(console, parse, parse.GetValue(grid)!, parse.GetValue(wait), parse.GetValue(slots), parse.GetValue(cores), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, ParseResult parse, FileInfo gridFile, bool wait, int? slots, int? cores, CancellationToken cancellationToken)
    {
        if (Directory.Exists(gridFile.FullName))
        {
            throw new CliException($"{gridFile.FullName} is a directory; give the grid file inside it (a .json file)");
        }
        if (gridFile is { Exists: true, Length: 0 })
        {
            throw new CliException($"{gridFile.FullName} is empty; a grid is a JSON object (see examples/quickstart.json)");
        }
        var sweep = GridCompiler.CompileFile(gridFile.FullName);
        var options = CommonOptions.HostOptions(parse) with { TrainerSlots = slots, Cores = cores };
        if (slots is <= 0)
        {
            throw new CliException($"--slots must be at least 1, not {slots}");
        }
        if (options.IsCluster)
        {
            using var client = await SweepHosting.StartClientAsync(options, cancellationToken);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            await SubmitAsync(console, grains, sweep, "cluster");
            if (wait)
            {
                await new ProgressView(console, grains, SweepHosting.OpenStore(options, CommonOptions.StoreRetry(console.Error)), sweep.SweepId).RunAsync(cancellationToken);
            }
            var code = await Finish(console, grains, sweep.SweepId, wait);
            await client.StopAsync(CancellationToken.None);
            return code;
        }
        Directory.CreateDirectory(options.StoreDirectory);
        using var silo = await SweepHosting.StartSiloAsync(options, cancellationToken);
        try
        {
            var grains = silo.Services.GetRequiredService<IGrainFactory>();
            var store = SweepHosting.OpenStore(options);
            await SubmitPreflight.CheckAsync(sweep, store, silo.Services.GetRequiredService<DatasetCache>(), cancellationToken);
            await SubmitAsync(console, grains, sweep, options.StoreDirectory);
            await new ProgressView(console, grains, store, sweep.SweepId, embedded: true).RunAsync(cancellationToken);
            return await Finish(console, grains, sweep.SweepId, true);
        }
        catch (OperationCanceledException)
        {
            await console.Error.WriteLineAsync("sweep: interrupted; run the same command again to resume from the checkpoints");
            return 130;
        }
        finally
        {
            await silo.StopAsync(CancellationToken.None);
        }
    }

    private static async Task SubmitAsync(CliConsole console, IGrainFactory grains, SweepDefinition sweep, string where)
    {
        var outcome = await ClusterCalls.RetryAsync(console, $"submit sweep {sweep.SweepId}",
            () => grains.GetGrain<ISweepGrain>(sweep.SweepId).SubmitAsync(sweep));
        if (outcome.Error is not null)
        {
            throw new CliException(outcome.Error);
        }
        var state = !outcome.AlreadyExisted ? (outcome.Trials == 1 ? "1 trial" : $"{outcome.Trials} trials")
            : outcome.Finished == outcome.Trials ? $"already submitted, {outcome.Finished} of {outcome.Trials} trials finished: nothing left to run"
            : $"already submitted, {outcome.Finished} of {outcome.Trials} trials finished; running the rest (finished trials are kept)";
        await console.Out.WriteLineAsync($"sweep {sweep.SweepId}: {state} ({where})");
    }

    private static async Task<int> Finish(CliConsole console, IGrainFactory grains, string sweepId, bool waited)
    {
        if (!waited)
        {
            await console.Out.WriteLineAsync($"follow it with: sweep status {sweepId}");
            return 0;
        }
        var coordinator = grains.GetGrain<ISweepGrain>(sweepId);
        var summary = await ClusterCalls.RetryAsync(console, $"read sweep {sweepId}", coordinator.GetSummaryAsync);
        // Pruned is named only in a sweep that pruned, so a grid sweep's line stays as scripts know it.
        var pruned = summary.Pruned > 0 ? $", {summary.Pruned} pruned" : string.Empty;
        await console.Out.WriteLineAsync(
            $"sweep {sweepId} finished: {summary.Completed} completed{pruned}, {summary.Diverged} diverged, {summary.Failed} failed, {summary.Cancelled} cancelled");
        if (summary.Failed > 0)
        {
            // The coordinator reads each failed trial's stored error, so this holds for trials failed by an earlier run too.
            foreach (var trial in (await ClusterCalls.RetryAsync(console, $"read sweep {sweepId}", coordinator.GetTrialsAsync)).Where(t => t.Status == TrialStatus.Failed))
            {
                await console.Out.WriteLineAsync($"  {trial.TrialId} failed: {(trial.Error is null ? "(no error recorded)" : SweepCli.OneLine(trial.Error))}");
            }
        }
        await console.Out.WriteLineAsync($"see: sweep leaderboard --sweep {sweepId}   and   sweep study {sweepId}");
        if (summary.Failed > 0)
        {
            // A failed trial keeps its result: the same grid under the same name never reruns it.
            await console.Error.WriteLineAsync(
                $"sweep: {summary.Failed} trial(s) failed (their errors are listed above); resubmitting does not rerun them: fix the cause and give the grid a new name");
            return 1;
        }
        return 0;
    }
}
