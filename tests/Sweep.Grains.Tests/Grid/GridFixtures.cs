using Sweep.Grains.Contracts;
using Sweep.Grains.Grid;

namespace Sweep.Grains.Tests.Grid;

/// <summary>Shared helpers for the grid tests: a fixed grid file location and error extraction.</summary>
internal static class GridFixtures
{
    /// <summary>Where the grids under test pretend to live; relative dataset paths resolve against its directory.</summary>
    public static readonly string FileName = Path.Combine(Path.GetTempPath(), "sweep-grid-tests", "grids", "grid.json");

    public static SweepDefinition Compile(string json) => GridCompiler.Compile(json, FileName);

    public static IReadOnlyList<GridError> Errors(string json)
    {
        var exception = Assert.Throws<GridException>(() => GridCompiler.Compile(json, FileName));
        Assert.Equal(FileName, exception.FileName);
        Assert.NotEmpty(exception.Errors);
        return exception.Errors;
    }

    /// <summary>The single error at <paramref name="path"/>; fails listing every error when there is not exactly one there.</summary>
    public static GridError ErrorAt(string json, string path)
    {
        var errors = Errors(json);
        var matching = errors.Where(e => e.Path == path).ToList();
        Assert.True(matching.Count == 1, $"expected one error at {path}; got:{Environment.NewLine}{string.Join(Environment.NewLine, errors)}");
        return matching[0];
    }

    /// <summary>The repository root (holds Sweep.sln), found upwards from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sweep.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Sweep.sln not found above {AppContext.BaseDirectory}; the grid and quickstart tests need the repository's examples/.");
    }
}
