using System.Diagnostics;
using System.Text.Json;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Storage.LocalDirectory;
namespace Sweep.Client.Tests;

/// <summary>
/// The embedded store's disk fills up mid-sweep (a real, small tmpfs): submit must not spin on a store that refuses
/// every write, but stop with one line naming the cause, and the same command must finish the sweep once there
/// is space, with the results of an undisturbed run.
/// </summary>
public sealed class DiskFullProcessTests
{
    private const string Grid = """
        {
          "name": "diskfull",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 300, "testSize": 100, "imageSize": 16, "seed": 1 } ],
          "architectures": ["cnn"],
          "filters": [8],
          "learningRates": [0.01],
          "seeds": [1, 2],
          "training": { "batchSize": 16, "steps": 3000, "evalEvery": 100, "devSize": 50, "checkpointEvery": 100 }
        }
        """;

    [Fact]
    public async Task StoreDiskFullMidSweep_SubmitStopsWithALineNamingIt_AndTheSameCommandFinishesOnceThereIsSpace()
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test mounts a small tmpfs as the store's disk and needs root (./test.sh runs as root in CI)");
        var ct = TestContext.Current.CancellationToken;
        var timeout = TimeSpan.FromMinutes(3);
        using var dir = new TempDirectory();
        var grid = dir.File("diskfull.json", Grid);
        var disk = Path.Combine(dir.Path, "disk");
        Directory.CreateDirectory(disk);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", disk);
        try
        {
            var storeDirectory = Path.Combine(disk, "store");
            var store = new LocalDirectorySweepStore(storeDirectory);
            CliRun stopped;
            using (var first = SweepProcess.Start(dir.Path, "submit", grid, "--store", storeDirectory, "--slots", "1"))
            {
                var stdout = first.StandardOutput.ReadToEndAsync(ct);
                var stderr = first.StandardError.ReadToEndAsync(ct);
                var deadline = DateTime.UtcNow + timeout;
                // The store shows a running trial's step once its checkpoint is written.
                while (!await CheckpointedAsync(store))
                {
                    Assert.True(DateTime.UtcNow < deadline && !first.HasExited, $"no checkpoint before the disk filled: {(first.HasExited ? await stderr : "")}");
                    await Task.Delay(50, ct);
                }
                Fill(Path.Combine(disk, "filler"));
                using var exit = CancellationTokenSource.CreateLinkedTokenSource(ct);
                exit.CancelAfter(timeout);
                await first.WaitForExitAsync(exit.Token);
                stopped = new CliRun(first.ExitCode, await stdout, await stderr);
            }
            File.Delete(Path.Combine(disk, "filler"));
            var resumed = await SweepProcess.RunAsync(dir.Path, timeout, "submit", grid, "--store", storeDirectory, "--slots", "1");
            var clean = await SweepProcess.RunAsync(dir.Path, timeout, "submit", grid, "--store", Path.Combine(dir.Path, "clean"), "--slots", "1");

            Assert.Equal(1, stopped.ExitCode);
            var last = stopped.ErrorLines.Last();
            Assert.Contains("sweep diskfull stopped: the store refuses writes", last);
            Assert.Contains("run the same command again", last);
            Assert.DoesNotContain("Exception", stopped.Error);
            Assert.True(resumed.ExitCode == 0, resumed.Error);
            Assert.True(clean.ExitCode == 0, clean.Error);
            Assert.Equal(await MetricsAsync(dir.Path, Path.Combine(dir.Path, "clean")), await MetricsAsync(dir.Path, storeDirectory));
        }
        finally
        {
            await RunAsync("umount", disk);
        }
    }

    private static async Task<bool> CheckpointedAsync(LocalDirectorySweepStore store)
    {
        if (await store.GetSweepAsync("diskfull", TestContext.Current.CancellationToken) is null)
        {
            return false;
        }
        return (await store.GetTrialStatusesAsync("diskfull", TestContext.Current.CancellationToken)).Values
            .Any(s => s is { Status: Sweep.Grains.Lifecycle.TrialStatus.Running, Steps: > 0 });
    }

    /// <summary>Writes until the file system says it is full.</summary>
    private static void Fill(string path)
    {
        var chunk = new byte[1 << 16];
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            while (true)
            {
                file.Write(chunk);
                file.Flush(flushToDisk: true);
            }
        }
        catch (IOException)
        {
            // Full: what the test wants.
        }
    }

    /// <summary>Every trial's metrics, without the wall-clock seconds, from the leaderboard's JSON.</summary>
    private static async Task<string> MetricsAsync(string workingDirectory, string store)
    {
        var board = await SweepProcess.RunAsync(workingDirectory, TimeSpan.FromMinutes(1), "leaderboard", "--store", store, "--format", "json");
        Assert.True(board.ExitCode == 0, board.Error);
        var rows = JsonDocument.Parse(board.Out).RootElement.EnumerateArray()
            .Select(r => string.Join(' ', r.EnumerateObject().Where(p => p.Name != "wallSeconds").Select(p => $"{p.Name}={p.Value}")))
            .Order(StringComparer.Ordinal);
        return string.Join('\n', rows);
    }

    private static async Task RunAsync(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, UseShellExecute = false })!;
        var error = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)}: exit {process.ExitCode}: {error}");
    }
}
