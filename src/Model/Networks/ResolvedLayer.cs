using Sweep.Model.Data;

namespace Sweep.Model.Networks;

/// <summary>A layer placed on a concrete input: its shapes and parameter count. <see cref="Spec"/> is null
/// for the output layer (dense to the classes, then softmax).</summary>
/// <param name="Index">1-based position in the stack.</param>
internal sealed record ResolvedLayer(int Index, LayerSpec? Spec, ImageShape Input, ImageShape Output, long Parameters);
