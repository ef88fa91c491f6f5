using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sweep.Grains.Contracts;
using Sweep.Model.Data;
using Sweep.Model.Networks;

namespace Sweep.Grains.Grid;

/// <summary>The <c>architectures</c> array, checked by parsing every architecture at every filter count.</summary>
internal sealed partial class GridReader
{
    private ImmutableArray<GridArchitecture> ReadArchitectures(
        Dictionary<string, JsonElement> fields, ImmutableArray<int> filterAxis, ImmutableArray<GridDataset> datasets)
    {
        if (Required(fields, "architectures", "$", "a non-empty array of architectures") is not { } element
            || !NonEmptyArray(element, "$.architectures", $"architectures (presets {string.Join(", ", GridNames.Presets)} or {{\"name\", \"spec\"}} objects)"))
        {
            return [];
        }

        var architectures = ImmutableArray.CreateBuilder<GridArchitecture>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in element.EnumerateArray())
        {
            var path = $"$.architectures[{index++}]";
            if (ReadArchitecture(item, path) is not var (name, spec, specPath))
            {
                continue;
            }

            if (seen.TryGetValue(name, out var firstPath))
            {
                Error(path, $"duplicate architecture name '{name}' (also {firstPath}); names must be unique because they are part of trial ids");
                continue;
            }

            seen[name] = path;
            if (CompileArchitecture(name, spec, specPath, filterAxis, datasets) is { } architecture)
            {
                architectures.Add(architecture);
            }
        }

        return architectures.ToImmutable();
    }

    private (string Name, string Spec, string SpecPath)? ReadArchitecture(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            var text = element.GetString()!;
            if (GridNames.Presets.Contains(text))
            {
                return (text, text, path);
            }

            Error(path, $"unknown preset '{text}'{GridNames.Suggestion(text, GridNames.Presets)}; presets are {string.Join(", ", GridNames.Presets)}; a custom stack is an object {{\"name\": \"…\", \"spec\": \"…\"}}");
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"expected a preset name ({string.Join(", ", GridNames.Presets)}) or an object {{\"name\", \"spec\"}}; found {Found(element)}");
            return null;
        }

        var fields = Fields(element, path, GridNames.ArchitectureFields);
        var name = Required(fields, "name", path, "the architecture name") is { } nameElement
            ? ReadName(nameElement, path + ".name", "architecture name")
            : null;
        if (name is not null && GridNames.Presets.Contains(name))
        {
            Error(path + ".name", $"'{name}' is a preset name; give the custom architecture another name, or list the preset as the string \"{name}\"");
            name = null;
        }

        string? spec = null;
        if (Required(fields, "spec", path, "the layer stack") is { } specElement)
        {
            spec = specElement.ValueKind == JsonValueKind.String ? specElement.GetString()!.Trim() : null;
            if (spec is null || spec.Length == 0 || spec.Length > MaxSpecLength)
            {
                Error(path + ".spec", $"expected a preset name or layer stack, 1 to {MaxSpecLength} characters; found {Found(specElement)}");
                spec = null;
            }
        }

        return name is null || spec is null ? null : (name, spec, path + ".spec");
    }

    /// <summary>
    /// Parses the architecture at every filter count it will run with, and checks it fits the image size of
    /// every dataset whose size is known before loading it.
    /// </summary>
    private GridArchitecture? CompileArchitecture(
        string name, string spec, string specPath, ImmutableArray<int> filterAxis, ImmutableArray<GridDataset> datasets)
    {
        ArchitectureSpec parsed;
        try
        {
            parsed = ArchitectureSpec.Parse(spec);
        }
        catch (ArchitectureException e)
        {
            Error(specPath, $"'{spec}' is not a valid architecture: {e.Message}");
            return null;
        }

        // A custom stack is kept in the engine's canonical spelling, so that specs written differently but
        // meaning the same network give the same grid hash; a preset keeps its name (its filters vary).
        var text = GridNames.Presets.Contains(spec) ? spec : parsed.Text;
        if (!parsed.HasConvolution)
        {
            CheckFitsDatasets(name, parsed, specPath, datasets);
            return new GridArchitecture(name, text, HasConvolution: false, [0]);
        }

        if (filterAxis.IsEmpty)
        {
            CheckFitsDatasets(name, parsed, specPath, datasets);
            return new GridArchitecture(name, text, HasConvolution: true, [FirstConvFilters(parsed)]);
        }

        var valid = true;
        foreach (var filters in filterAxis)
        {
            try
            {
                parsed = ArchitectureSpec.Parse(spec, filters);
            }
            catch (ArchitectureException e)
            {
                Error(specPath, $"'{spec}' with {filters} filters is not a valid architecture: {e.Message}");
                valid = false;
            }
        }

        if (valid)
        {
            CheckFitsDatasets(name, parsed, specPath, datasets);
        }

        return valid ? new GridArchitecture(name, text, HasConvolution: true, filterAxis) : null;
    }

    private void CheckFitsDatasets(string name, ArchitectureSpec parsed, string specPath, ImmutableArray<GridDataset> datasets)
    {
        foreach (var dataset in datasets)
        {
            // Files are only read by the trial itself; their image size is unknown here. Synthetic images are
            // square; the channel count does not change which sizes fit.
            ImageShape? shape = dataset.Ref.Kind switch
            {
                DatasetKind.Catalog when CatalogFacts.TryGetValue(dataset.Ref.Name, out var facts) => facts.Shape,
                DatasetKind.Synthetic => new ImageShape(3, dataset.Ref.ImageSize, dataset.Ref.ImageSize),
                _ => null,
            };
            if (shape is not { } input)
            {
                continue;
            }

            try
            {
                parsed.Describe(input, 10);
            }
            catch (ArchitectureException e)
            {
                Error(specPath, $"architecture '{name}' cannot run on dataset '{dataset.Ref.Name}' ({input.Height}x{input.Width} images): {e.Message}");
            }
        }
    }

    /// <summary>
    /// The filter count a conv architecture runs with when the grid has no filter axis: that of its first conv
    /// layer, read from the canonical text (<c>conv{F}k{K}s{S}p{P}</c>, ArchitectureSpec).
    /// </summary>
    private static int FirstConvFilters(ArchitectureSpec parsed)
    {
        var first = FirstConvLayer().Match(parsed.Text);
        return first.Success
            ? int.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"Architecture '{parsed.Text}' has a convolution but no conv layer in its text.");
    }

    [GeneratedRegex(@"(?:^|-)conv(\d+)k")]
    private static partial Regex FirstConvLayer();
}
