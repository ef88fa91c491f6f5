namespace Sweep.Grains.Grid;

/// <summary>One problem in a grid file: where (JSON path, e.g. <c>$.training.steps</c>) and what is allowed.</summary>
public sealed record GridError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}
