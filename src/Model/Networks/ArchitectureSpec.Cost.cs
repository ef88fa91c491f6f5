using Sweep.Model.Data;

namespace Sweep.Model.Networks;

public sealed partial class ArchitectureSpec
{
    /// <summary>
    /// Floating-point operations per image, 2 per multiply-add of the convolution and dense layers (pooling,
    /// activations and softmax are not counted): the forward pass, and a training step's forward pass, weight
    /// gradient and input gradient (the first layer has no input gradient).
    /// </summary>
    public (long Forward, long Train) FlopsPerImage(ImageShape input, int classes)
    {
        long forward = 0, train = 0;
        var first = true;
        foreach (var layer in Resolve(input, classes))
        {
            var kind = layer.Spec?.Kind ?? LayerKind.Dense;
            var flops = kind switch
            {
                LayerKind.Convolution => 2L * layer.Output.Size * layer.Input.Channels * layer.Spec!.Kernel * layer.Spec.Kernel,
                LayerKind.Dense => 2L * layer.Input.Size * layer.Output.Size,
                _ => 0L,
            };
            forward += flops;
            train += (first ? 2 : 3) * flops;
            first = false;
        }
        return (forward, train);
    }

    /// <summary>Weights and biases of the network on <paramref name="input"/>. A checkpoint holds three floats for
    /// each: the parameter and the optimiser's two moments.</summary>
    public long ParameterCount(ImageShape input, int classes) => Resolve(input, classes).Sum(l => l.Parameters);
}
