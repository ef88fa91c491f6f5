using Sweep.Grains.Search;

namespace Sweep.Grains.Storage;

/// <summary>Checks a rung decision before either backend stores it, and names its verdicts as both store them.</summary>
internal static class RungValidation
{
    public static void Validate(string sweepId, RungCall call)
    {
        StorageCodec.ValidateId(sweepId, "sweep id");
        ArgumentNullException.ThrowIfNull(call);
        StorageCodec.ValidateId(call.TrialId, "trial id");
        ArgumentOutOfRangeException.ThrowIfNegative(call.Rung);
        ArgumentOutOfRangeException.ThrowIfNegative(call.Step);
        ArgumentOutOfRangeException.ThrowIfNegative(call.Promotable);
        if (!Enum.IsDefined(call.Verdict))
        {
            throw new ArgumentException($"Rung decision for trial '{call.TrialId}' has verdict {(int)call.Verdict}, which is not a RungVerdict.", nameof(call));
        }

        if (call.Standings.IsDefault || call.Standings.Any(s => s is null || s.TrialId is null))
        {
            throw new ArgumentException($"Rung decision for trial '{call.TrialId}' at rung {call.Rung} has no standings array or a standing without a trial id.", nameof(call));
        }
    }

    /// <summary>Whether a decision may take the place of the stored one: only a pause is replaced, and only by an outcome.</summary>
    public static bool Replaces(RungVerdict stored, RungVerdict incoming) =>
        stored == RungVerdict.Pause && incoming != RungVerdict.Pause;

    public static string Name(RungVerdict verdict) => verdict switch
    {
        RungVerdict.Continue => "continue",
        RungVerdict.Pause => "pause",
        RungVerdict.Prune => "prune",
        _ => throw new ArgumentOutOfRangeException(nameof(verdict), verdict, "Not a RungVerdict."),
    };

    public static RungVerdict Parse(string name) => name switch
    {
        "continue" => RungVerdict.Continue,
        "pause" => RungVerdict.Pause,
        "prune" => RungVerdict.Prune,
        _ => throw new InvalidDataException($"Stored rung verdict '{name}' is not continue, pause or prune."),
    };
}
