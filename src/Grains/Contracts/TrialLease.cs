namespace Sweep.Grains.Contracts;

/// <summary>A trial handed to one trainer slot until <paramref name="ExpiresAt"/> (renewed by progress reports).</summary>
/// <param name="Steps">Steps of the checkpoint the trial resumes from, as the coordinator knew it when leasing.</param>
/// <param name="LeaseId">
/// Names this lease among every lease of the trial, across coordinator activations: reports carrying another
/// lease's id come from an attempt the coordinator has already given up on.
/// </param>
/// <param name="StopAt">
/// The rung step the trial pauses at to be judged (<see cref="ISweepGrain.ReportRungAsync"/>); null to train to the end.
/// </param>
[GenerateSerializer, Immutable]
public sealed record TrialLease(
    [property: Id(0)] TrialSpec Spec,
    [property: Id(1)] string Silo,
    [property: Id(2)] int Attempt,
    [property: Id(3)] DateTimeOffset ExpiresAt,
    [property: Id(4)] int Steps = 0,
    [property: Id(5)] Guid LeaseId = default,
    [property: Id(6)] int? StopAt = null);
