using System.Collections.Immutable;
using System.Text.Json;
using Sweep.Client.Commands;
using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;
using Sweep.Grains.Tests.Studies;
using Sweep.Grains.Views;
using static Sweep.Grains.Tests.Studies.StudyFixtures;

namespace Sweep.Client.Tests;

/// <summary>Paused and pruned trials in status, trials, leaderboard and submit's live view, on <see cref="StudyFixtures.SearchSweep"/>.</summary>
public sealed class SearchViewsTests
{
    private static readonly SearchSpec Asha = new(null, null, SearchAsha);

    [Fact]
    public void StatusRow_CountsPausedAndPruned_AndASweepWithAPausedTrialIsNotFinished()
    {
        var (sweep, _, statuses) = SearchSweep();

        var row = SweepStatusRow.From(sweep, statuses, new HashSet<string>());
        var json = JsonDocument.Parse(JsonSerializer.Serialize(row, ViewJson.Options)).RootElement;

        Assert.Equal((5, 2, 2, 1, 0, 0), (row.Total, row.Completed, row.Pruned, row.Paused, row.Running, row.Pending));
        Assert.Equal("paused", row.State);
        Assert.Equal(1, json.GetProperty("paused").GetInt32());
        Assert.Equal(2, json.GetProperty("pruned").GetInt32());
        Assert.Equal("paused", json.GetProperty("state").GetString());
    }

    [Fact]
    public void StatusRow_OfASweepWhosePausedTrialWasPruned_IsFinished()
    {
        var (sweep, _, statuses) = SearchSweep();
        var paused = statuses.Single(kv => kv.Value.Status == TrialStatus.Paused).Key;
        statuses[paused] = (TrialStatus.Pruned, 100);

        var row = SweepStatusRow.From(sweep, statuses, new HashSet<string>());

        Assert.Equal("finished", row.State);
        Assert.Equal(3, row.Pruned);
    }

    [Fact]
    public void Summary_WithAPausedTrial_IsNotFinished()
    {
        var paused = new SweepSummary("asha", default, 5, 0, 0, 2, 0, 0, 0, null, [], Paused: 1, Pruned: 2);

        Assert.False(paused.IsFinished);
        Assert.True((paused with { Paused = 0, Pruned = 3 }).IsFinished);
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(99, null)]
    [InlineData(100, 100)]
    [InlineData(299, 100)]
    [InlineData(300, 300)]
    [InlineData(1000, 900)]
    public void RungOf_IsTheHighestRungAtOrBelowTheSteps(int steps, int? rung)
    {
        Assert.Equal(rung, SweepSearch.RungOf(SweepSearch.Rungs(Asha), steps));
    }

    [Fact]
    public void TrialRows_OfAGridSweep_HaveNoRung_AndOfASearch_TheirRung()
    {
        var (sweep, results, _) = SearchSweep();
        var pruned = TrialRow.From(results.Single(r => r.Row.Steps == 300).Row, null);

        Assert.Null(pruned.OnRungs(SweepSearch.Rungs(SearchSpec.Grid)).Rung);
        Assert.Equal(300, pruned.OnRungs(SweepSearch.Rungs(Asha)).Rung);
        Assert.Equal("pruned", pruned.Status);
        Assert.Equal("paused", TrialRow.Unfinished(sweep.Trials[3], TrialStatus.Paused, 100).Status);
    }

    [Fact]
    public void Leaderboard_RanksPrunedTrialsApart_AndTopCutsTheMainRankingOnly()
    {
        var (_, results, _) = SearchSweep();
        // The store's order by test accuracy: the pruned seed 3 (0.85) first, the pruned seed 5 (0.45) last.
        var rows = results.Select(r => r.Row).OrderByDescending(r => r.TestAccuracy).ToList();

        var board = RankedLeaderboard.Of(rows, top: 1);

        Assert.Equal(["asha.blobs.dnn.f0.lr0_001.s2"], board.Ranked.Select(r => r.TrialId));
        Assert.Equal(["asha.blobs.dnn.f0.lr0_001.s3", "asha.blobs.dnn.f0.lr0_001.s5"], board.Pruned.Select(r => r.TrialId));
        Assert.Equal([.. board.Ranked, .. board.Pruned], board.Rows);
    }

    [Fact]
    public void LeaderboardTable_ListsPrunedTrialsUnderTheirOwnHeading_WithTheirStep()
    {
        var (_, results, _) = SearchSweep();
        var board = RankedLeaderboard.Of(results.Select(r => r.Row).OrderByDescending(r => r.TestAccuracy), top: null);
        using var stdout = new StringWriter();

        LeaderboardCommand.Write(new CliConsole(stdout, TextWriter.Null, IsTerminal: false), board, "table", []);

        var lines = stdout.ToString().Split('\n');
        var heading = Array.FindIndex(lines, l => l.StartsWith("pruned at a rung (2", StringComparison.Ordinal));
        Assert.True(heading > 0, stdout.ToString());
        var main = lines[..heading];
        Assert.Contains(main, l => l.StartsWith("asha.blobs.dnn.f0.lr0_001.s2", StringComparison.Ordinal));
        Assert.DoesNotContain(main, l => l.Contains("pruned", StringComparison.Ordinal) && l.StartsWith("asha", StringComparison.Ordinal));
        var prunedRows = lines[heading..].Where(l => l.StartsWith("asha", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, prunedRows.Count);
        Assert.StartsWith("asha.blobs.dnn.f0.lr0_001.s3  100", prunedRows[0]);
        Assert.StartsWith("asha.blobs.dnn.f0.lr0_001.s5  300", prunedRows[1]);
    }

    [Fact]
    public void LeaderboardJson_IsOneArray_RankedRowsThenPrunedRowsMarkedPruned()
    {
        var (_, results, _) = SearchSweep();
        var board = RankedLeaderboard.Of(results.Select(r => r.Row).OrderByDescending(r => r.TestAccuracy), top: null);
        using var stdout = new StringWriter();

        LeaderboardCommand.Write(new CliConsole(stdout, TextWriter.Null, IsTerminal: false), board, "json", []);

        var rows = JsonDocument.Parse(stdout.ToString()).RootElement.EnumerateArray().ToList();
        Assert.Equal(["completed", "completed", "pruned", "pruned"], rows.Select(r => r.GetProperty("status").GetString()));
        Assert.Equal([0.65, 0.55, 0.85, 0.45], rows.Select(r => r.GetProperty("testAccuracy").GetDouble()));
        Assert.Equal(100, rows[2].GetProperty("steps").GetInt32());
    }

    [Fact]
    public void ProgressLine_CountsPausedAndPruned_AndPausedTrialsAreNotDone()
    {
        var summary = new SweepSummary("asha", default, 20, 3, 4, 2, 0, 0, 0, 70, [], Paused: 9, Pruned: 2);

        Assert.Equal("4/20 trials done, 4 running, 9 paused, 2 pruned, 3 pending, ETA 0:01:10", ProgressView.OverallLine(summary));
        Assert.Equal("2/4 trials done, 0 running, 2 pending, ETA estimating",
            ProgressView.OverallLine(new SweepSummary("grid", default, 4, 2, 0, 2, 0, 0, 0, null, [])));
    }

    [Fact]
    public void ProgressRungLines_SayHowManyReachedAndWentPastEachRung()
    {
        var trials = new[]
        {
            Snapshot("a", TrialStatus.Running, 350),
            Snapshot("b", TrialStatus.Paused, 300),
            Snapshot("c", TrialStatus.Pruned, 100),
            Snapshot("d", TrialStatus.Running, 40),
        };

        var lines = ProgressView.RungLines(SweepSearch.Rungs(Asha), trials).ToList();

        Assert.Equal(["rung 100: 3 reached, 2 promoted, 0 paused, 1 pruned", "rung 300: 2 reached, 1 promoted, 1 paused, 0 pruned"], lines);
    }

    private static TrialSnapshot Snapshot(string id, TrialStatus status, int step) =>
        new(id, "blobs", "dnn", 0, 0.001, 1, status, step, 1000, null, 1, 0, null, null, null);
}
