using Sweep.Grains.Contracts;
using Sweep.Grains.Lifecycle;

namespace Sweep.Grains.Storage;

/// <summary>Checks a result against the trial it claims to belong to, the same way in both backends.</summary>
internal static class ResultValidation
{
    public static void Validate(TrialResultRecord result)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(result.Row);
        ArgumentNullException.ThrowIfNull(result.Curve);
        StorageCodec.ValidateId(result.Row.TrialId, "trial id");
        if (!result.Row.Status.IsFinished())
        {
            throw new ArgumentException(
                $"Result of trial '{result.Row.TrialId}' has status {result.Row.Status}; a result needs a finished status (Completed, Diverged, Failed, Cancelled or Pruned).",
                nameof(result));
        }

        if (result.Error is not null && result.Row.Status != TrialStatus.Failed)
        {
            throw new ArgumentException(
                $"Result of trial '{result.Row.TrialId}' has status {result.Row.Status} and an error; only a Failed result carries an error.",
                nameof(result));
        }

        StorageCodec.ValidatePredictions(result.DevPredictions, $"Dev predictions of trial '{result.Row.TrialId}'");
        StorageCodec.ValidatePredictions(result.TestPredictions, $"Test predictions of trial '{result.Row.TrialId}'");
    }

    /// <summary>Throws if the row's configuration columns disagree with the stored trial.</summary>
    public static void MatchesTrial(LeaderboardRow row, string sweepId, string dataset, string architecture, int filters, double learningRate, int seed)
    {
        var mismatches = new List<string>();
        Check(row.SweepId, sweepId, "sweepId");
        Check(row.Dataset, dataset, "dataset");
        Check(row.Architecture, architecture, "architecture");
        Check(row.Filters, filters, "filters");
        Check(row.Seed, seed, "seed");
        if (BitConverter.DoubleToInt64Bits(row.LearningRate) != BitConverter.DoubleToInt64Bits(learningRate))
        {
            mismatches.Add($"learningRate {row.LearningRate:R} (stored {learningRate:R})");
        }

        if (mismatches.Count > 0)
        {
            throw new ArgumentException(
                $"Result row of trial '{row.TrialId}' disagrees with the stored trial: {string.Join(", ", mismatches)}.", nameof(row));
        }

        void Check<T>(T given, T stored, string name)
        {
            if (!EqualityComparer<T>.Default.Equals(given, stored))
            {
                mismatches.Add($"{name} '{given}' (stored '{stored}')");
            }
        }
    }
}
