using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using Sweep.Grains.Contracts;

namespace Sweep.Grains.Grid;

/// <summary>The <c>studies</c> block, or the studies inferred when it is absent.</summary>
internal sealed partial class GridReader
{
    private StudyPlan ReadStudies(JsonElement element, ImmutableArray<GridArchitecture> architectures, ImmutableArray<int> filterAxis)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error("$.studies", $"expected an object with {string.Join(", ", GridNames.StudyFields)}; found {Found(element)}");
            return new StudyPlan();
        }

        var fields = Fields(element, "$.studies", GridNames.StudyFields);
        var denseVsConv = fields.TryGetValue("denseVsConv", out var dvc)
            ? ReadStudyPair(dvc, "$.studies.denseVsConv", architectures, new StudyPair("dnn", "cnn"), baselineHasConvolution: false)
            : null;
        var extra = fields.TryGetValue("extraConvLayer", out var ecl)
            ? ReadStudyPair(ecl, "$.studies.extraConvLayer", architectures, new StudyPair("cnn", "cnn2"), baselineHasConvolution: true)
            : null;
        var filters = false;
        if (fields.TryGetValue("filters", out var filtersElement))
        {
            if (filtersElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                Error("$.studies.filters", $"expected true or false; found {Found(filtersElement)}");
            }
            else if (filtersElement.ValueKind == JsonValueKind.True)
            {
                filters = true;
                if (filterAxis.Length < 2 || !architectures.Any(a => a.HasConvolution))
                {
                    Error("$.studies.filters", $"the filter-count study needs a convolutional architecture and at least two filter counts in $.filters; it has {(filterAxis.IsEmpty ? "none" : filterAxis.Length.ToString(CultureInfo.InvariantCulture))}");
                }
            }
        }

        return new StudyPlan { DenseVsConv = denseVsConv, Filters = filters, ExtraConvLayer = extra };
    }

    /// <summary>
    /// A study pair: <c>["baseline", "candidate"]</c>, <c>true</c> for the default pair, or <c>false</c> for none.
    /// </summary>
    private StudyPair? ReadStudyPair(
        JsonElement element,
        string path,
        ImmutableArray<GridArchitecture> architectures,
        StudyPair defaultPair,
        bool baselineHasConvolution)
    {
        StudyPair pair;
        var shape = $"expected [\"baseline\", \"candidate\"] (two architecture names of this grid), true (= [\"{defaultPair.Baseline}\", \"{defaultPair.Candidate}\"]) or false";
        switch (element.ValueKind)
        {
            case JsonValueKind.False:
                return null;
            case JsonValueKind.True:
                pair = defaultPair;
                break;
            case JsonValueKind.Array when element.GetArrayLength() == 2
                && element.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                pair = new StudyPair(element[0].GetString()!, element[1].GetString()!);
                break;
            default:
                Error(path, $"{shape}; found {Found(element)}");
                return null;
        }

        if (pair.Baseline == pair.Candidate)
        {
            Error(path, $"a study compares two different architectures; both are '{pair.Baseline}'");
            return null;
        }

        var baseline = architectures.FirstOrDefault(a => a.Name == pair.Baseline);
        var candidate = architectures.FirstOrDefault(a => a.Name == pair.Candidate);
        if (!baselineHasConvolution && baseline is { HasConvolution: true } && candidate is { HasConvolution: false })
        {
            Error(path, $"the pair is reversed: the baseline '{pair.Baseline}' has a convolution and the candidate '{pair.Candidate}' has none; write [\"{pair.Candidate}\", \"{pair.Baseline}\"]");
            return null;
        }

        var problems = new List<string>();
        foreach (var (role, name) in new[] { ("baseline", pair.Baseline), ("candidate", pair.Candidate) })
        {
            var architecture = architectures.FirstOrDefault(a => a.Name == name);
            if (architecture is null)
            {
                problems.Add($"the {role} '{name}' is not an architecture of this grid{GridNames.Suggestion(name, architectures.Select(a => a.Name))}; the grid has {string.Join(", ", architectures.Select(a => a.Name))}");
            }
            else if (role == "candidate" && !architecture.HasConvolution)
            {
                problems.Add($"the candidate '{name}' has no convolution; this study's candidate must be convolutional");
            }
            else if (role == "baseline" && architecture.HasConvolution != baselineHasConvolution)
            {
                problems.Add(baselineHasConvolution
                    ? $"the baseline '{name}' has no convolution; the extra-conv-layer study compares two convolutional architectures"
                    : $"the baseline '{name}' has a convolution; the dense-vs-conv baseline must be a dense architecture");
            }
        }

        if (problems.Count > 0)
        {
            Error(path, string.Join(". ", problems));
            return null;
        }

        return pair;
    }

    /// <summary>Studies when the grid has no <c>studies</c> block (README, "Grid format").</summary>
    private static StudyPlan InferStudies(ImmutableArray<GridArchitecture> architectures, ImmutableArray<int> filterAxis)
    {
        bool Has(string name) => architectures.Any(a => a.Name == name);
        return new StudyPlan
        {
            DenseVsConv = Has("dnn") && Has("cnn") ? new StudyPair("dnn", "cnn") : null,
            Filters = filterAxis.Length >= 2 && architectures.Any(a => a.HasConvolution),
            ExtraConvLayer = Has("cnn") && Has("cnn2") ? new StudyPair("cnn", "cnn2") : null,
        };
    }
}
