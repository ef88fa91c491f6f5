using Sweep.Grains.Contracts;

namespace Sweep.Grains.Storage;

/// <summary>Checks on sweep definitions shared by both backends.</summary>
internal static class SweepValidation
{
    /// <summary>Throws unless the sweep and all its trial ids are safe, unique and consistent.</summary>
    public static void Validate(SweepDefinition sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        StorageCodec.ValidateId(sweep.SweepId, "sweep id");
        if (string.IsNullOrWhiteSpace(sweep.GridHash))
        {
            throw new ArgumentException($"Sweep '{sweep.SweepId}' has no grid hash.", nameof(sweep));
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trial in sweep.Trials)
        {
            StorageCodec.ValidateId(trial.TrialId, "trial id");
            if (trial.SweepId != sweep.SweepId)
            {
                throw new ArgumentException($"Trial '{trial.TrialId}' names sweep '{trial.SweepId}' but is part of sweep '{sweep.SweepId}'.", nameof(sweep));
            }

            if (!seen.Add(trial.TrialId))
            {
                throw new ArgumentException($"Sweep '{sweep.SweepId}' lists trial '{trial.TrialId}' twice.", nameof(sweep));
            }
        }
    }

    /// <summary>The stored sweep if it has the submitted grid; otherwise a <see cref="SweepConflictException"/>.</summary>
    public static SweepDefinition SameOrConflict(SweepDefinition stored, SweepDefinition submitted) =>
        submitted.HasGridOf(stored)
            ? stored
            : throw new SweepConflictException(
                $"Sweep '{submitted.SweepId}' already exists with a different grid (stored grid hash {stored.GridHash}, submitted {submitted.GridHash}). " +
                "Submit it under another name, or resubmit the original grid.");
}
