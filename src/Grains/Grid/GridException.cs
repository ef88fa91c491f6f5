using Sweep.Model;

namespace Sweep.Grains.Grid;

/// <summary>A grid file that cannot be run; <see cref="Errors"/> lists every problem found, not just the first.</summary>
public sealed class GridException(string fileName, IReadOnlyList<GridError> errors)
    : SweepUserException($"{fileName}: {errors.Count} problem(s):{Environment.NewLine}" + string.Join(Environment.NewLine, errors.Select(e => "  " + e)), fileName, "a grid as the README's 'The grid file' describes")
{
    public string FileName { get; } = fileName;

    public IReadOnlyList<GridError> Errors { get; } = errors;
}
