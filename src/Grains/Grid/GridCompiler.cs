using Sweep.Grains.Contracts;

namespace Sweep.Grains.Grid;

/// <summary>
/// grid.json → validated, expanded <see cref="SweepDefinition"/>. CONTRACT (owned by the grid work, issue 3).
/// </summary>
public static class GridCompiler
{
    /// <summary>Parses, validates (every problem at once) and expands a grid. Throws <see cref="GridException"/>.</summary>
    /// <param name="fileName">Named in error messages.</param>
    public static SweepDefinition Compile(string json, string fileName) => throw new NotImplementedException("issue 3");
}
