using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Sweep.Model.Data;

namespace Sweep.Model.Networks;

/// <summary>
/// A parsed network architecture: a preset (<c>dnn</c>, <c>cnn</c>, <c>cnn2</c>) or a layer stack.
/// CONTRACT (owned by the engine work, issue 2): Parse, Text, HasConvolution, Describe.
/// </summary>
/// <remarks>
/// <para>Presets (the paper's networks):</para>
/// <list type="bullet">
/// <item><c>dnn</c> = <c>dense128-dense128-dense64</c></item>
/// <item><c>cnn</c> = <c>conv{F}k3s1p1-dense128-dense64</c>, F = filters, default 3</item>
/// <item><c>cnn2</c> = <c>conv{F}k5s1p2-pool2s2-conv3k3s1p1-pool2s2-dense128-dense64</c>, F default 5</item>
/// </list>
/// <para>Layer-stack grammar (case-insensitive, no spaces):</para>
/// <code>
/// stack := layer ( "-" layer )*
/// layer := "conv" F "k" K [ "s" S ] [ "p" P ]   F filters of K×K, stride S (default 1), zero padding P (default 0)
///        | "pool" K [ "s" S ]                     max-pool K×K window, stride S (default K)
///        | "dense" N                              N units
/// F, K, S, N ≥ 1; P ≥ 0 (decimal integers)
/// </code>
/// <para>Conv and hidden dense layers are followed by the run's activation (ReLU or ELU); pools are not. A dense
/// layer flattens its input. Conv and pool layers cannot follow a dense layer. The output layer (dense to the
/// dataset's classes, then softmax) is always appended and is not written in the stack. When
/// <c>filters</c> is given it sets the filter count of the first conv layer (presets and stacks alike); it is
/// ignored for stacks without convolution.</para>
/// </remarks>
public sealed partial class ArchitectureSpec
{
    /// <summary>Largest network the engine will build (parameters), far beyond the paper's.</summary>
    private const long MaxParameters = 1L << 28;

    private ArchitectureSpec(IReadOnlyList<LayerSpec> layers)
    {
        Layers = layers;
        Text = string.Join('-', layers.Select(l => l.Token));
    }

    /// <summary>Canonical layer-stack text of this architecture (presets expanded).</summary>
    public string Text { get; }

    /// <summary>Whether any layer is a convolution (so the grid's filter axis applies).</summary>
    public bool HasConvolution => Layers.Any(l => l.Kind == LayerKind.Convolution);

    internal IReadOnlyList<LayerSpec> Layers { get; }

    /// <summary>
    /// Parses a preset name or a layer stack. <paramref name="filters"/> is the filter count of the first conv
    /// layer (null = as written, or the preset's default). Throws <see cref="ArchitectureException"/>.
    /// </summary>
    public static ArchitectureSpec Parse(string text, int? filters = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (filters is <= 0)
        {
            throw new ArchitectureException($"Filter count {filters} is not usable: it must be at least 1.");
        }
        var trimmed = text.Trim().ToLowerInvariant();
        var stack = trimmed switch
        {
            "dnn" => "dense128-dense128-dense64",
            "cnn" => $"conv{filters ?? 3}k3s1p1-dense128-dense64",
            "cnn2" => $"conv{filters ?? 5}k5s1p2-pool2s2-conv3k3s1p1-pool2s2-dense128-dense64",
            _ => trimmed,
        };
        if (stack.Length == 0)
        {
            throw new ArchitectureException(
                "Architecture is empty: give a preset (dnn, cnn, cnn2) or a layer stack such as conv16k3p1-pool2-dense128.");
        }
        var tokens = stack.Split('-');
        var layers = new List<LayerSpec>(tokens.Length);
        var seenDense = false;
        for (var i = 0; i < tokens.Length; i++)
        {
            var layer = ParseToken(tokens[i], i + 1);
            if (layer.Kind != LayerKind.Dense && seenDense)
            {
                throw new ArchitectureException(
                    $"Layer {i + 1} '{tokens[i]}' ({layer.Summary}) follows a dense layer: conv and pool layers need a spatial input, so they must come before every dense layer.");
            }
            seenDense |= layer.Kind == LayerKind.Dense;
            layers.Add(layer);
        }
        if (filters is int f && stack == trimmed)
        {
            var first = layers.FindIndex(l => l.Kind == LayerKind.Convolution);
            if (first >= 0)
            {
                layers[first] = layers[first] with { Size = f };
            }
        }
        return new ArchitectureSpec(layers);
    }

    /// <summary>Layer shapes and parameter counts for an input shape; throws <see cref="ArchitectureException"/>
    /// when a size shrinks below 1.</summary>
    public string Describe(ImageShape input, int classes)
    {
        var resolved = Resolve(input, classes);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"#",-3} {"layer",-16} {"",-40} {"output",-12} {"params",12}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"",-3} {"input",-16} {"",-40} {input,-12} {0,12}");
        foreach (var layer in resolved)
        {
            var token = layer.Spec?.Token ?? "output";
            var summary = layer.Spec?.Summary ?? $"dense {classes} + softmax";
            text.AppendLine(CultureInfo.InvariantCulture, $"{layer.Index,-3} {token,-16} {summary,-40} {Format(layer.Output),-12} {layer.Parameters,12}");
        }
        text.Append(CultureInfo.InvariantCulture, $"total parameters: {resolved.Sum(l => l.Parameters)}");
        return text.ToString();
    }

    /// <summary>Places every layer on <paramref name="input"/>; throws <see cref="ArchitectureException"/> when
    /// a spatial size would shrink below 1 or the network is too large.</summary>
    internal IReadOnlyList<ResolvedLayer> Resolve(ImageShape input, int classes)
    {
        if (input.Channels < 1 || input.Height < 1 || input.Width < 1)
        {
            throw new ArchitectureException($"Input shape {input} is not usable: channels, height and width must all be at least 1.");
        }
        if (classes < 2)
        {
            throw new ArchitectureException($"Class count {classes} is not usable: a classifier needs at least 2 classes.");
        }
        var result = new List<ResolvedLayer>(Layers.Count + 1);
        var shape = input;
        long total = 0;
        for (var i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            ImageShape output;
            long parameters;
            switch (layer.Kind)
            {
                case LayerKind.Convolution:
                    if (shape.Height + 2 * layer.Padding < layer.Kernel || shape.Width + 2 * layer.Padding < layer.Kernel)
                    {
                        throw Shrinks(i + 1, layer, shape, $"the {layer.Kernel}x{layer.Kernel} filter is larger than the {shape.Height}x{shape.Width} input plus padding {layer.Padding}");
                    }
                    output = new ImageShape(layer.Size, (shape.Height - layer.Kernel + 2 * layer.Padding) / layer.Stride + 1, (shape.Width - layer.Kernel + 2 * layer.Padding) / layer.Stride + 1);
                    parameters = (long)layer.Size * shape.Channels * layer.Kernel * layer.Kernel + layer.Size;
                    break;
                case LayerKind.MaxPool:
                    if (shape.Height < layer.Size || shape.Width < layer.Size)
                    {
                        throw Shrinks(i + 1, layer, shape, $"the {layer.Size}x{layer.Size} window is larger than the {shape.Height}x{shape.Width} input");
                    }
                    output = new ImageShape(shape.Channels, (shape.Height - layer.Size) / layer.Stride + 1, (shape.Width - layer.Size) / layer.Stride + 1);
                    parameters = 0;
                    break;
                default:
                    output = new ImageShape(layer.Size, 1, 1);
                    parameters = (long)shape.Size * layer.Size + layer.Size;
                    break;
            }
            total += parameters;
            CheckSize(i + 1, layer.Token, output, total);
            result.Add(new ResolvedLayer(i + 1, layer, shape, output, parameters));
            shape = output;
        }
        var outputParameters = (long)shape.Size * classes + classes;
        total += outputParameters;
        CheckSize(Layers.Count + 1, "output", new ImageShape(classes, 1, 1), total);
        result.Add(new ResolvedLayer(Layers.Count + 1, null, shape, new ImageShape(classes, 1, 1), outputParameters));
        return result;
    }

    /// <inheritdoc />
    public override string ToString() => Text;

    private static string Format(ImageShape shape) => shape is { Height: 1, Width: 1 } ? shape.Channels.ToString(CultureInfo.InvariantCulture) : shape.ToString();

    private static ArchitectureException Shrinks(int index, LayerSpec layer, ImageShape input, string why) =>
        new($"Layer {index} '{layer.Token}' ({layer.Summary}) on input {input}: {why}, so the output would be smaller than 1x1. Use a smaller filter or window, more padding, or fewer pooling layers before it.");

    private static void CheckSize(int index, string token, ImageShape output, long total)
    {
        if ((long)output.Channels * output.Height * output.Width > int.MaxValue / 1024 || total > MaxParameters)
        {
            throw new ArchitectureException(
                $"Layer {index} '{token}' makes the network too large (output {output}, {total} parameters so far); the engine builds at most {MaxParameters} parameters.");
        }
    }

    private static LayerSpec ParseToken(string token, int index)
    {
        var conv = ConvPattern().Match(token);
        if (conv.Success)
        {
            var filters = Number(conv.Groups[1], "filter count", token, index, 1);
            var kernel = Number(conv.Groups[2], "filter size k", token, index, 1);
            var stride = conv.Groups[3].Success ? Number(conv.Groups[3], "stride s", token, index, 1) : 1;
            var padding = conv.Groups[4].Success ? Number(conv.Groups[4], "padding p", token, index, 0) : 0;
            return new LayerSpec(LayerKind.Convolution, filters, kernel, stride, padding);
        }
        var pool = PoolPattern().Match(token);
        if (pool.Success)
        {
            var window = Number(pool.Groups[1], "window", token, index, 1);
            var stride = pool.Groups[2].Success ? Number(pool.Groups[2], "stride s", token, index, 1) : window;
            return new LayerSpec(LayerKind.MaxPool, window, 0, stride, 0);
        }
        var dense = DensePattern().Match(token);
        if (dense.Success)
        {
            return new LayerSpec(LayerKind.Dense, Number(dense.Groups[1], "unit count", token, index, 1), 0, 0, 0);
        }
        throw new ArchitectureException(
            $"Layer {index} '{token}' is not a known layer: expected conv<F>k<K>[s<S>][p<P>] (e.g. conv16k3s1p1), pool<K>[s<S>] (e.g. pool2s2) or dense<N> (e.g. dense128), joined by '-', or a preset: dnn, cnn, cnn2.");
    }

    private static int Number(Group group, string what, string token, int index, int minimum)
    {
        if (!int.TryParse(group.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > 1_000_000)
        {
            throw new ArchitectureException($"Layer {index} '{token}': {what} {group.Value} is too large (at most 1000000).");
        }
        if (value < minimum)
        {
            throw new ArchitectureException($"Layer {index} '{token}': {what} is {value}, but it must be at least {minimum}.");
        }
        return value;
    }

    [GeneratedRegex(@"^conv(\d+)k(\d+)(?:s(\d+))?(?:p(\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ConvPattern();

    [GeneratedRegex(@"^pool(\d+)(?:s(\d+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex PoolPattern();

    [GeneratedRegex(@"^dense(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex DensePattern();
}
