using Sweep.Grains.Contracts;
using Sweep.Model.Metrics;
using Sweep.Grains.Lifecycle;
using Sweep.Grains.Search;

namespace Sweep.Grains.Storage;

/// <summary>
/// What sweeps and trials write: definitions, trial status, checkpoints, results, predictions, study reports and the
/// search's rung decisions.
/// Two backends (PostgreSQL, local directory) with the same semantics, held together by one conformance suite.
/// Every write is atomic: after a crash a reader sees the old value or the new one, never a mix.
/// </summary>
public interface ISweepStore
{
    /// <summary>
    /// Stores a new sweep and its trials (all Pending). If the id exists with the same <c>GridHash</c> the stored
    /// definition is returned unchanged; with another hash it throws <see cref="SweepConflictException"/>.
    /// </summary>
    Task<SweepDefinition> CreateSweepAsync(SweepDefinition sweep, CancellationToken cancellationToken = default);

    /// <summary>The sweep; null if there is none or its stored definition is damaged (see <see cref="GetDamageAsync"/>).</summary>
    Task<SweepDefinition?> GetSweepAsync(string sweepId, CancellationToken cancellationToken = default);

    /// <summary>All sweeps, newest first.</summary>
    Task<IReadOnlyList<SweepDefinition>> ListSweepsAsync(CancellationToken cancellationToken = default);

    /// <summary>Records a non-final status (Pending, Running or Paused, with steps done). Ignored once the trial has a result.</summary>
    Task SetTrialStatusAsync(string trialId, TrialStatus status, int steps, CancellationToken cancellationToken = default);

    /// <summary>Status and steps of every trial of a sweep, keyed by trial id.</summary>
    Task<IReadOnlyDictionary<string, (TrialStatus Status, int Steps)>> GetTrialStatusesAsync(string sweepId, CancellationToken cancellationToken = default);

    /// <summary>Stores checkpoint bytes with a checksum, atomically; keeps the newest two per trial.</summary>
    Task SaveCheckpointAsync(string trialId, int step, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>The newest checkpoint whose checksum verifies (falls back to the older one); null if none.</summary>
    Task<StoredCheckpoint?> LoadCheckpointAsync(string trialId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records a finished trial exactly once, with its curve, metrics and predictions, in one atomic write, and
    /// sets its status to <c>Row.Status</c>. Returns false and changes nothing if the trial already has a result.
    /// </summary>
    Task<bool> SaveResultAsync(TrialResultRecord result, CancellationToken cancellationToken = default);

    /// <summary>The trial's result; null if it has none or its result is damaged (see <see cref="GetDamageAsync"/>).</summary>
    Task<TrialResultRecord?> GetResultAsync(string trialId, CancellationToken cancellationToken = default);

    /// <summary>Every finished trial of a sweep (with curves and evaluations; predictions included).</summary>
    Task<IReadOnlyList<TrialResultRecord>> GetResultsAsync(string sweepId, CancellationToken cancellationToken = default);

    /// <summary>The recorded error of every finished trial of a sweep that has one (Failed trials), keyed by trial id.</summary>
    Task<IReadOnlyDictionary<string, string>> GetTrialErrorsAsync(string sweepId, CancellationToken cancellationToken = default);

    /// <summary>Finished trials only, filtered and sorted per the query.</summary>
    Task<IReadOnlyList<LeaderboardRow>> QueryLeaderboardAsync(LeaderboardQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every sweep (newest first), or only <paramref name="sweepId"/> (none if it does not exist), with its trials
    /// counted by status from an aggregate: the cost does not grow with the number of trials read one by one. The
    /// damage listed is what the store knows of: a local store counts a result damaged behind its back (on disk,
    /// after it was written) as finished until a read that verifies it (<see cref="VerifyResultsAsync"/>,
    /// <see cref="GetTrialPageAsync"/>, <see cref="GetTrialStatusesAsync"/>, <see cref="GetDamageAsync"/>) finds it.
    /// </summary>
    Task<SweepOverview> GetSweepCountsAsync(string? sweepId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The sweep's trials in the order of its definition, leaving out the first <paramref name="skip"/>, at most
    /// <paramref name="take"/> (null: all the rest), each with status, steps, and its leaderboard row and error once
    /// finished; the results of the trials listed are verified, so a damaged one is listed as damaged. Null if there
    /// is no such sweep; throws <see cref="StoreException"/> if its definition is damaged.
    /// </summary>
    Task<TrialPage?> GetTrialPageAsync(string sweepId, int skip, int? take, CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks end to end the stored results behind <paramref name="rows"/> (checksums of every section) and returns
    /// those that are damaged; the store remembers them, so counts show them as damaged from then on. Cost: the rows
    /// given, not the store.
    /// </summary>
    Task<IReadOnlyList<StoreDamage>> VerifyResultsAsync(IReadOnlyList<LeaderboardRow> rows, CancellationToken cancellationToken = default);

    Task<Predictions?> GetPredictionsAsync(string trialId, PredictionSplit split, CancellationToken cancellationToken = default);

    /// <summary>Stores (replaces) the study report of a sweep as JSON.</summary>
    Task SaveStudyAsync(string sweepId, string studyJson, CancellationToken cancellationToken = default);

    Task<string?> GetStudyAsync(string sweepId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records one decision of the search at a rung, keyed by (<c>call.TrialId</c>, <c>call.Rung</c>), atomically.
    /// With no decision stored for the key it is stored. A stored <see cref="RungVerdict.Pause"/> is replaced by a
    /// <see cref="RungVerdict.Continue"/> or <see cref="RungVerdict.Prune"/> (the rung closed), keeping its place in
    /// the order of <see cref="GetRungsAsync"/>. Otherwise the stored decision stands and the call changes nothing, so
    /// a coordinator may replay its calls after a fault. Throws <see cref="KeyNotFoundException"/> if the trial is
    /// not one of the sweep's.
    /// </summary>
    Task RecordRungAsync(string sweepId, RungCall call, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every decision stored for the sweep, by rung, then in the order they were first recorded; metrics and
    /// standings exactly as recorded (NaN included). Empty for an unknown sweep.
    /// </summary>
    Task<IReadOnlyList<RungCall>> GetRungsAsync(string sweepId, CancellationToken cancellationToken = default);

    /// <summary>
    /// What is damaged in one sweep (or, with null, in every sweep): definitions, studies, trial statuses, results and
    /// rung decisions that fail their checksum or cannot be decoded. Every other read skips such an entry — a damaged result reads as
    /// no result, so the trial counts as pending and reruns from its newest good checkpoint; a damaged status is
    /// rebuilt from the result and checkpoints; a damaged study reads as none, a damaged rung decision as not made — and says so on stderr
    /// (<see cref="StoreRepairs"/>) when it repairs something.
    /// </summary>
    Task<IReadOnlyList<StoreDamage>> GetDamageAsync(string? sweepId, CancellationToken cancellationToken = default);

}
