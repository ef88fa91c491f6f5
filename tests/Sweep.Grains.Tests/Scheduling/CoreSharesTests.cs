using Sweep.Grains.Coordinator;
using Sweep.Grains.Training;

namespace Sweep.Grains.Tests.Scheduling;

public sealed class CoreSharesTests
{
    private static CoreShares Shares(int cores) => new(new SweepRuntimeOptions { Cores = cores });

    private static int[] Threads(CoreShares shares) => [.. shares.Snapshot().Select(s => s.Threads)];

    [Fact]
    public void IdleCores_GoToTheRunningTrials_EvenlyWithTheRemainderToTheEarliest()
    {
        var shares = Shares(4);
        using var a = shares.Join("a", 1);
        Assert.Equal([4], Threads(shares));
        using var b = shares.Join("b", 1);
        Assert.Equal([2, 2], Threads(shares));
        using var c = shares.Join("c", 1);
        Assert.Equal([2, 1, 1], Threads(shares));
        Assert.Equal((2, 1, 1), (a.Threads, b.Threads, c.Threads));
    }

    [Fact]
    public void ATrialThatStops_GivesItsCoresToTheOthers()
    {
        var shares = Shares(4);
        var a = shares.Join("a", 1);
        using var b = shares.Join("b", 1);
        using var c = shares.Join("c", 1);
        using var d = shares.Join("d", 1);
        Assert.Equal([1, 1, 1, 1], Threads(shares));
        a.Dispose();
        Assert.Equal([2, 1, 1], Threads(shares));
        c.Dispose();
        Assert.Equal([2, 2], Threads(shares));
        Assert.Equal(["b", "d"], shares.Snapshot().Select(s => s.TrialId));
        a.Dispose();
        Assert.Equal([2, 2], Threads(shares));
    }

    [Fact]
    public void MoreTrialsThanCores_EachKeepsWhatItsGridAskedFor()
    {
        var shares = Shares(2);
        using var a = shares.Join("a", 3);
        using var b = shares.Join("b", 1);
        using var c = shares.Join("c", 0);
        Assert.Equal([3, 1, 1], Threads(shares));
    }

    [Fact]
    public void AGridThatAsksForSeveralThreads_KeepsThemAndSharesTheRest()
    {
        var shares = Shares(8);
        using var a = shares.Join("a", 4);
        using var b = shares.Join("b", 1);
        Assert.Equal([6, 2], Threads(shares));
    }
}
