using System.Text;
using System.Text.Json;
using Sweep.Grains.Contracts;
using Sweep.Grains.Search;

namespace Sweep.Grains.Grid;

/// <summary>
/// grid.json → validated, expanded <see cref="SweepDefinition"/>. CONTRACT (owned by the grid work, issue 3).
/// The file format is documented in the README ("Grid format").
/// </summary>
public static class GridCompiler
{
    private static readonly JsonDocumentOptions ParseOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    /// <summary>Parses, validates (every problem at once) and expands a grid. Throws <see cref="GridException"/>.</summary>
    /// <param name="fileName">Named in error messages; relative dataset paths resolve against its directory.</param>
    public static SweepDefinition Compile(string json, string fileName)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        var bytes = Encoding.UTF8.GetByteCount(json);
        if (bytes > GridLimits.MaxFileBytes)
        {
            throw Fail(fileName, "$", $"the grid is {bytes} bytes; at most {GridLimits.MaxFileBytes} (1 MiB) are allowed");
        }

        JsonDocument document;
        try
        {
            // A byte-order mark is not JSON but editors write one; it carries no meaning.
            document = JsonDocument.Parse(json.AsMemory().TrimStart('\uFEFF'), ParseOptions);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" at line {line + 1}, column {e.BytePositionInLine + 1}" : string.Empty;
            throw Fail(fileName, e.Path ?? "$", $"not valid JSON{where}: {FirstSentence(e.Message)}");
        }

        using (document)
        {
            var baseDirectory = Path.GetDirectoryName(Path.GetFullPath(fileName)) ?? Directory.GetCurrentDirectory();
            var reader = new GridReader(baseDirectory);
            var grid = reader.Read(document.RootElement);
            if (grid is null)
            {
                throw new GridException(fileName, reader.Errors);
            }

            var canonical = GridCanonicalForm.Write(grid);
            return new SweepDefinition(
                grid.Name,
                GridCanonicalForm.Hash(canonical),
                canonical,
                grid.Search.IsRandom ? RandomConfigurations.Trials(grid) : GridExpansion.Trials(grid),
                grid.Studies,
                DateTimeOffset.UtcNow)
            {
                GridHashBeforeAutoCheckpoints = GridCanonicalForm.WriteBeforeAutoCheckpoints(grid) is { } before ? GridCanonicalForm.Hash(before) : null,
            };
        }
    }

    /// <summary>
    /// The search of a compiled sweep, read back from its canonical grid (<see cref="SweepDefinition.GridJson"/>):
    /// <see cref="SearchSpec.Grid"/> when the grid has no <c>search</c> field.
    /// </summary>
    public static SearchSpec SearchOf(SweepDefinition sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        using var document = JsonDocument.Parse(sweep.GridJson);
        if (!document.RootElement.TryGetProperty("search", out var element))
        {
            return SearchSpec.Grid;
        }

        // The canonical form was written by the compiler from a valid search, so a problem here is a bug.
        var reader = new GridReader(Directory.GetCurrentDirectory());
        return reader.ReadSearch(element)
            ?? throw new InvalidOperationException($"Sweep {sweep.SweepId} has an invalid search in its canonical grid: {string.Join("; ", reader.Errors)}");
    }

    /// <summary>Reads and compiles a grid file; a missing, unreadable or oversized file is a <see cref="GridException"/>.</summary>
    public static SweepDefinition CompileFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string json;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw Fail(path, "$", $"no such file (looked for {info.FullName})");
            }

            // Checked before reading so a huge file is never loaded into memory.
            if (info.Length > GridLimits.MaxFileBytes)
            {
                throw Fail(path, "$", $"the grid is {info.Length} bytes; at most {GridLimits.MaxFileBytes} (1 MiB) are allowed");
            }

            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail(path, "$", $"cannot read the file: {e.Message}");
        }

        return Compile(json, path);
    }

    private static GridException Fail(string fileName, string path, string message) =>
        new(fileName, [new GridError(path, message)]);

    /// <summary>System.Text.Json appends "LineNumber: … | BytePositionInLine: …" which we already give in words.</summary>
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return (cut < 0 ? message : message[..cut]).TrimEnd();
    }
}
