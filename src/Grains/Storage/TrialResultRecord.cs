using Sweep.Grains.Contracts;
using Sweep.Model.Metrics;
using Sweep.Model.Training;

namespace Sweep.Grains.Storage;

/// <summary>Everything a finished trial leaves behind; written once, atomically, never changed.</summary>
public sealed record TrialResultRecord(
    LeaderboardRow Row,
    IReadOnlyList<CurvePoint> Curve,
    Evaluation? Train,
    Evaluation? Dev,
    Evaluation? Test,
    Predictions? DevPredictions,
    Predictions? TestPredictions);
