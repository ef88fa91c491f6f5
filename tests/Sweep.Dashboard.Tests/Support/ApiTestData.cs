using Sweep.Grains.Contracts;
using Sweep.Grains.Storage;
using Sweep.Grains.Tests.Storage;
using Sweep.Model.Data;
using Sweep.Model.Networks;
using Sweep.Model.Training;
using Sweep.Grains.Lifecycle;

namespace Sweep.Dashboard.Tests.Support;

/// <summary>
/// One sweep "api" of six trials in every state a page shows: three completed, one failed (with an error), one
/// running (with a real checkpoint, so its curve comes from the checkpoint), one pending.
/// </summary>
internal static class ApiTestData
{
    public const string SweepId = "api";
    public const string Error = "training raised <b>boom</b> & stopped";

    public static SweepDefinition Sweep { get; } = StoreTestData.Sweep(SweepId, trials: 6);

    public static TrialSpec Completed => Sweep.Trials[0];

    public static TrialSpec Failed => Sweep.Trials[3];

    public static TrialSpec Running => Sweep.Trials[4];

    public static TrialSpec Pending => Sweep.Trials[5];

    /// <summary>Checkpoint bytes of a real 30-step run and the curve they hold.</summary>
    public static (byte[] Bytes, IReadOnlyList<CurvePoint> Curve) Checkpoint { get; } = MakeCheckpoint();

    public static async Task PopulateAsync(ISweepStore store, CancellationToken cancellationToken)
    {
        await store.CreateSweepAsync(Sweep, cancellationToken);
        for (var i = 0; i < 3; i++)
        {
            await store.SaveResultAsync(StoreTestData.Result(Sweep.Trials[i], seed: 10 + i), cancellationToken);
        }
        await store.SaveResultAsync(StoreTestData.Result(Failed, seed: 13, status: TrialStatus.Failed) with { Error = Error }, cancellationToken);
        await store.SetTrialStatusAsync(Running.TrialId, TrialStatus.Running, 30, cancellationToken);
        await store.SaveCheckpointAsync(Running.TrialId, 30, Checkpoint.Bytes, cancellationToken);
    }

    private static (byte[], IReadOnlyList<CurvePoint>) MakeCheckpoint()
    {
        var data = SyntheticDatasets.Generate(new SyntheticDatasetSource("gauss", "gaussian", 200, 50, 8, 1));
        var options = new TrainingOptions { Seed = 1, BatchSize = 8, Steps = 30, EvalEvery = 10, DevSize = 40 };
        byte[]? last = null;
        var result = TrainingSession.Create(ArchitectureSpec.Parse("dense8"), options, data)
            .Run(new TrainingCallbacks { Checkpoint = (_, bytes) => last = bytes }, CancellationToken.None);
        return (last!, result.Curve);
    }
}
