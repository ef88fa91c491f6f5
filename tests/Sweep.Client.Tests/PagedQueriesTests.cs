using System.Text.Json;
using Sweep.Client.Tests.BadInput;

namespace Sweep.Client.Tests;

/// <summary>
/// The limited, store-side forms of the read commands answer what the whole forms did: a page of <c>trials</c> is a
/// slice of the whole listing, <c>leaderboard --top</c> the head of the whole board, and <c>status</c> from the
/// store's counts what <c>status --verify</c> reads from every trial's files.
/// </summary>
public sealed class PagedQueriesTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 2)]
    [InlineData(3, 5)]
    [InlineData(9, 2)]
    public async Task ATrialsPage_IsThatSliceOfTheWholeListing(int skip, int top)
    {
        using var workspace = new BadInputWorkspace();
        var store = await workspace.FinishedStoreAsync();

        var whole = await CliRun.RunAsync("trials", FinishedStore.SweepId, "--format", "json", "--store", store);
        var page = await CliRun.RunAsync("trials", FinishedStore.SweepId, "--skip", $"{skip}", "--top", $"{top}", "--format", "json", "--store", store);

        Assert.Equal((0, 0, "", ""), (whole.ExitCode, page.ExitCode, whole.Error, page.Error));
        var all = Rows(whole.Out);
        Assert.Equal(4, all.Count);
        Assert.Equal(all.Skip(skip).Take(top), Rows(page.Out));
    }

    [Fact]
    public async Task LeaderboardTop_IsTheHeadOfTheWholeBoard()
    {
        using var workspace = new BadInputWorkspace();
        var store = await workspace.FinishedStoreAsync();

        var whole = await CliRun.RunAsync("leaderboard", "--sweep", FinishedStore.SweepId, "--format", "json", "--store", store);
        var top = await CliRun.RunAsync("leaderboard", "--sweep", FinishedStore.SweepId, "--top", "2", "--format", "json", "--store", store);

        Assert.Equal((0, 0), (whole.ExitCode, top.ExitCode));
        Assert.Equal(Rows(whole.Out).Take(2), Rows(top.Out));
    }

    [Fact]
    public async Task StatusFromTheCounts_IsWhatEveryFileSays()
    {
        using var workspace = new BadInputWorkspace();
        var store = await workspace.FinishedStoreAsync();

        var counted = await CliRun.RunAsync("status", "--format", "json", "--store", store);
        var verified = await CliRun.RunAsync("status", "--verify", "--format", "json", "--store", store);

        Assert.Equal((0, 0, "", ""), (counted.ExitCode, verified.ExitCode, counted.Error, verified.Error));
        Assert.Equal(verified.Out, counted.Out);
        Assert.Contains("\"completed\": 4", counted.Out);
    }

    /// <summary>Each row of a JSON array as its raw text, so equal rows compare equal field by field.</summary>
    private static List<string> Rows(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().Select(r => r.GetRawText())];
    }
}
