using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Tests.Contracts;

public sealed class TrialLifecycleTests
{
    private static readonly TrialStatus[] Finished =
        [TrialStatus.Completed, TrialStatus.Diverged, TrialStatus.Failed, TrialStatus.Cancelled];

    public static TheoryData<TrialStatus, TrialStatus, bool> EveryPair()
    {
        var data = new TheoryData<TrialStatus, TrialStatus, bool>();
        foreach (var from in Enum.GetValues<TrialStatus>())
        {
            foreach (var to in Enum.GetValues<TrialStatus>())
            {
                // Written out, not derived from the implementation: lease, lose the lease, end once.
                var allowed = (from, to) is (TrialStatus.Pending, TrialStatus.Running) or (TrialStatus.Running, TrialStatus.Pending)
                    || (from is TrialStatus.Pending or TrialStatus.Running && Finished.Contains(to));
                data.Add(from, to, allowed);
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
}
