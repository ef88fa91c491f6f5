using Sweep.Grains.Studies.Paper;

namespace Sweep.Grains.Studies;

/// <summary>Everything the report says about one dataset.</summary>
/// <param name="Notes">Why a planned study has nothing to show (e.g. an architecture not in the grid).</param>
/// <param name="Paper">The paper's numbers, for mnist, cifar10 and svhn only.</param>
public sealed record DatasetStudy(
    string Dataset,
    IReadOnlyList<ModelSummary> Models,
    IReadOnlyList<FilterStudy> FilterStudies,
    IReadOnlyList<ComparisonResult> DenseVsConv,
    IReadOnlyList<ComparisonResult> ExtraConvLayer,
    IReadOnlyList<string> Notes,
    PaperReference? Paper);
