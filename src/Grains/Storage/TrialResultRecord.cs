using Sweep.Grains.Contracts;
using Sweep.Model.Metrics;
using Sweep.Model.Training;

namespace Sweep.Grains.Storage;

/// <summary>Everything a finished trial leaves behind; written once, atomically, never changed.</summary>
/// <param name="Error">Why a Failed trial failed (the exception's message), so the reason outlives the process that ran it; null otherwise.</param>
public sealed record TrialResultRecord(
    LeaderboardRow Row,
    IReadOnlyList<CurvePoint> Curve,
    Evaluation? Train,
    Evaluation? Dev,
    Evaluation? Test,
    Predictions? DevPredictions,
    Predictions? TestPredictions,
    string? Error = null);
