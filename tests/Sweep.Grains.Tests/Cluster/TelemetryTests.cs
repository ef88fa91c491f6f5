using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Sweep.Grains.Contracts;
using Sweep.Grains.Telemetry;

namespace Sweep.Grains.Tests.Cluster;

[Collection(ClusterCollection.Name)]
public sealed class TelemetryTests(ClusterFixture fixture)
{
    [Fact]
    public async Task EveryTrial_HasATraceWithTrainCheckpointAndResultSpans_AndCountsInTheMeter()
    {
        var sweep = TestSweeps.Create("telemetry", seeds: 1, TestSweeps.Settings(steps: 40, checkpointEvery: 10));
        var spans = new ConcurrentBag<Activity>();
        using var activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name == SweepTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => spans.Add(a),
        };
        ActivitySource.AddActivityListener(activities);
        var completed = 0;
        long checkpointBytes = 0;
        using var meters = new MeterListener
        {
            InstrumentPublished = (i, l) =>
            {
                if (i.Meter.Name == SweepTelemetry.Name)
                {
                    l.EnableMeasurementEvents(i);
                }
            },
        };
        meters.SetMeasurementEventCallback<int>((i, v, _, _) =>
        {
            if (i.Name == "sweep.trials.completed")
            {
                Interlocked.Add(ref completed, v);
            }
        });
        meters.SetMeasurementEventCallback<long>((i, v, _, _) =>
        {
            if (i.Name == "sweep.checkpoint.size")
            {
                Interlocked.Add(ref checkpointBytes, v);
            }
        });
        meters.Start();
        var coordinator = fixture.Sweep.Grains.GetGrain<ISweepGrain>(sweep.SweepId);

        await coordinator.SubmitAsync(sweep);
        await Eventually.WaitAsync(async () => (await coordinator.GetSummaryAsync()).IsFinished, TimeSpan.FromSeconds(60), "the sweep finishes");
        await Eventually.WaitAsync(() => Task.FromResult(spans.Count(s => s.OperationName == "trial" && Equals(s.GetTagItem("sweep.id"), sweep.SweepId)) == sweep.Trials.Length),
            TimeSpan.FromSeconds(10), "every trial span ends");

        foreach (var trial in spans.Where(s => s.OperationName == "trial" && Equals(s.GetTagItem("sweep.id"), sweep.SweepId)))
        {
            var children = spans.Where(s => s.ParentSpanId == trial.SpanId).Select(s => s.OperationName).ToHashSet();
            Assert.Contains("train", children);
            Assert.Contains("result", children);
            Assert.Contains(trial.Events, e => e.Name == "lease");
            Assert.Contains(spans, s => s.OperationName == "checkpoint" && s.TraceId == trial.TraceId);
        }
        Assert.True(Volatile.Read(ref completed) >= sweep.Trials.Length, $"completed counter: {completed}");
        Assert.True(Interlocked.Read(ref checkpointBytes) > 0);
    }
}
