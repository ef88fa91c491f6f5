using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Contracts;

public sealed class TrialLifecycleTests
{
    private static readonly TrialStatus[] Finished =
        [TrialStatus.Completed, TrialStatus.Diverged, TrialStatus.Failed, TrialStatus.Cancelled, TrialStatus.Pruned];

    /// <summary>Every allowed move, written out (not derived from the implementation).</summary>
    private static readonly (TrialStatus From, TrialStatus To)[] Allowed =
    [
        (TrialStatus.Pending, TrialStatus.Running),
        (TrialStatus.Pending, TrialStatus.Completed),
        (TrialStatus.Pending, TrialStatus.Diverged),
        (TrialStatus.Pending, TrialStatus.Failed),
        (TrialStatus.Pending, TrialStatus.Cancelled),
        (TrialStatus.Running, TrialStatus.Pending),
        (TrialStatus.Running, TrialStatus.Completed),
        (TrialStatus.Running, TrialStatus.Diverged),
        (TrialStatus.Running, TrialStatus.Failed),
        (TrialStatus.Running, TrialStatus.Cancelled),
        (TrialStatus.Running, TrialStatus.Pruned),
        (TrialStatus.Running, TrialStatus.Paused),
        (TrialStatus.Paused, TrialStatus.Running),
        (TrialStatus.Paused, TrialStatus.Pruned),
        (TrialStatus.Paused, TrialStatus.Cancelled),
    ];

    public static TheoryData<TrialStatus, TrialStatus, bool> EveryPair()
    {
        var data = new TheoryData<TrialStatus, TrialStatus, bool>();
        foreach (var from in Enum.GetValues<TrialStatus>())
        {
            foreach (var to in Enum.GetValues<TrialStatus>())
            {
                data.Add(from, to, Allowed.Contains((from, to)));
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void EveryMove_IsAllowedExactlyWhenTheLifecycleSaysSo(TrialStatus from, TrialStatus to, bool allowed)
    {
        Assert.Equal(allowed, TrialLifecycle.Allows(from, to));
        if (allowed)
        {
            Assert.Equal(to, TrialLifecycle.Move("t", from, to));
        }
        else
        {
            var ex = Assert.Throws<InvalidOperationException>(() => TrialLifecycle.Move("t", from, to));
            Assert.Contains($"{from} -> {to}", ex.Message);
        }
    }

    [Fact]
    public void FinishedTrials_NeverMoveAgain()
    {
        foreach (var from in Finished)
        {
            Assert.All(Enum.GetValues<TrialStatus>(), to => Assert.False(TrialLifecycle.Allows(from, to)));
        }
    }

    [Fact]
    public void APausedTrial_IsNotFinished_AndAPrunedOneIs()
    {
        Assert.False(TrialStatus.Paused.IsFinished());
        Assert.True(TrialStatus.Pruned.IsFinished());
    }

    [Fact]
    public void APendingTrial_CannotBePruned_OnlyATrialThatReachedARung()
    {
        Assert.Throws<InvalidOperationException>(() => TrialLifecycle.Move("t", TrialStatus.Pending, TrialStatus.Pruned));
    }
}
