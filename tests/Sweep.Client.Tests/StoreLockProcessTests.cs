using System.Diagnostics;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage.LocalDirectory;
namespace Sweep.Client.Tests;

/// <summary>One embedded host per store: a second submit on a busy store stops at once; readers are never locked out.</summary>
public sealed class StoreLockProcessTests
{
    /// <summary>One trial long enough to still be training when the test is done with it.</summary>
    private const string LongGrid = """
        {
          "name": "long",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 300, "testSize": 100, "imageSize": 8, "seed": 1 } ],
          "architectures": ["dnn"],
          "learningRates": [0.01],
          "seeds": [1],
          "training": { "batchSize": 16, "steps": 10000000, "evalEvery": 1000, "devSize": 50, "checkpointEvery": 1000 }
        }
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task ASecondSubmitOnABusyStore_ExitsOneWithOneLine_ReadersStillWork_AndAfterSigintANewSubmitRuns()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var longGrid = dir.File("long.json", LongGrid);
        var tiny = dir.File("tiny.json", TinyGrids.Valid);
        var storeDirectory = Path.Combine(dir.Path, ".sweep");
        CliRun second, status, trials, interrupted;
        using (var first = SweepProcess.Start(dir.Path, "submit", longGrid, "--slots", "1"))
        {
            var stdout = first.StandardOutput.ReadToEndAsync(ct);
            var stderr = first.StandardError.ReadToEndAsync(ct);
            await WaitTrainingAsync(first, storeDirectory, stderr, ct);

            second = await SweepProcess.RunAsync(dir.Path, Timeout, "submit", tiny);
            status = await SweepProcess.RunAsync(dir.Path, Timeout, "status");
            trials = await SweepProcess.RunAsync(dir.Path, Timeout, "trials", "long", "--format", "json");

            PosixSignals.Send(first.Id, PosixSignals.Interrupt);
            await WaitExitAsync(first, ct);
            interrupted = new CliRun(first.ExitCode, await stdout, await stderr);

            Assert.Equal(1, second.ExitCode);
            Assert.Equal(
                $"sweep: the store '{storeDirectory}' is in use by another sweep process (pid {first.Id}, since ",
                Assert.Single(second.ErrorLines)[..^"2026-01-01T00:00:00Z); wait for it, or use --store DIR".Length]);
            Assert.EndsWith("Z); wait for it, or use --store DIR", second.ErrorLines[0]);
            Assert.Empty(second.Out);
        }
        var after = await SweepProcess.RunAsync(dir.Path, Timeout, "submit", tiny);

        Assert.True(status.ExitCode == 0, status.Error);
        Assert.Contains("long", status.Out);
        Assert.True(trials.ExitCode == 0, trials.Error);
        Assert.Contains("\"running\"", trials.Out);
        Assert.Equal(130, interrupted.ExitCode);
        Assert.True(after.ExitCode == 0, after.Error);
        Assert.Contains("sweep tiny finished: 4 completed", after.Out);
    }

    [Fact]
    public async Task AHostKilledWithSigkill_ReleasesTheStore()
    {
        var ct = TestContext.Current.CancellationToken;
        using var dir = new TempDirectory();
        var longGrid = dir.File("long.json", LongGrid);
        var tiny = dir.File("tiny.json", TinyGrids.Valid);
        using (var first = SweepProcess.Start(dir.Path, "submit", longGrid, "--slots", "1"))
        {
            var stderr = first.StandardError.ReadToEndAsync(ct);
            _ = first.StandardOutput.ReadToEndAsync(ct);
            await WaitTrainingAsync(first, Path.Combine(dir.Path, ".sweep"), stderr, ct);

            first.Kill();
            await WaitExitAsync(first, ct);
        }

        var after = await SweepProcess.RunAsync(dir.Path, Timeout, "submit", tiny);

        Assert.True(after.ExitCode == 0, after.Error);
        Assert.Contains("sweep tiny finished: 4 completed", after.Out);
    }

    /// <summary>Until the long trial is Running in the store (the host holds the lock from before it leases).</summary>
    private static async Task WaitTrainingAsync(Process first, string storeDirectory, Task<string> stderr, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            if (Directory.Exists(Path.Combine(storeDirectory, "sweeps", "long")))
            {
                var statuses = await new LocalDirectorySweepStore(storeDirectory).GetTrialStatusesAsync("long", ct);
                if (statuses.Values.Any(s => s.Status == TrialStatus.Running))
                {
                    return;
                }
            }
            if (first.HasExited)
            {
                Assert.Fail($"the long sweep ended before it was seen training: {await stderr}");
            }
            Assert.True(DateTime.UtcNow < deadline, "the long sweep was not seen training within the deadline");
            await Task.Delay(50, ct);
        }
    }

    private static async Task WaitExitAsync(Process process, CancellationToken ct)
    {
        using var exit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        exit.CancelAfter(Timeout);
        await process.WaitForExitAsync(exit.Token);
    }
}
