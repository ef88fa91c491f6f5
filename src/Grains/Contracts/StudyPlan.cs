namespace Sweep.Grains.Contracts;

/// <summary>
/// The grid's <c>studies</c> block: which comparisons the coordinator reports. Architecture names refer to the
/// grid's <c>architectures</c>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StudyPlan
{
    /// <summary>DNN vs CNN: (baseline, candidate), e.g. ("dnn", "cnn").</summary>
    [Id(0)] public StudyPair? DenseVsConv { get; init; }

    /// <summary>Filter-count study over every conv architecture in the grid.</summary>
    [Id(1)] public bool Filters { get; init; }

    /// <summary>Extra conv layer: (baseline, candidate), e.g. ("cnn", "cnn2").</summary>
    [Id(2)] public StudyPair? ExtraConvLayer { get; init; }
}

/// <summary>Two architectures compared at equal learning rate and seed.</summary>
[GenerateSerializer, Immutable]
public sealed record StudyPair([property: Id(0)] string Baseline, [property: Id(1)] string Candidate);
