using System.Text;
using Sweep.Grains.Storage;
using Sweep.Grains.Studies;

namespace Sweep.Client.Reports;

/// <summary>Writes a report as md, json or csv: to stdout, or into a directory with its charts.</summary>
public static class StudyReportWriter
{
    /// <summary>The formats <see cref="WriteAsync"/> takes.</summary>
    public static readonly IReadOnlyList<string> Formats = ["md", "json", "csv"];

    /// <summary>
    /// Without <paramref name="outDir"/>: prints the report (Markdown without chart links) to
    /// <paramref name="stdout"/>. With it: creates the directory, writes <c>report.{format}</c> and, for md, the
    /// PNGs of <see cref="StudyPlots.Plan"/> beside it (each file via a temporary file and a rename, the PNGs
    /// before the report that links them), then prints the report's path.
    /// </summary>
    /// <param name="results">The sweep's results, for the learning curves (only read for md with an outDir).</param>
    public static async Task WriteAsync(StudyReport report, IReadOnlyList<TrialResultRecord> results, string format, string? outDir, TextWriter stdout, CancellationToken cancellationToken = default)
    {
        if (!Formats.Contains(format))
        {
            throw new ArgumentException($"Unknown study format '{format}'; valid formats: {string.Join(", ", Formats)}.", nameof(format));
        }

        if (outDir is null)
        {
            await stdout.WriteAsync(Render(report, format, withImages: false));
            await stdout.FlushAsync(cancellationToken);
            return;
        }

        Directory.CreateDirectory(outDir);
        if (format == "md")
        {
            foreach (var (fileName, png) in StudyPlots.Render(report, results))
            {
                await WriteAtomicallyAsync(Path.Combine(outDir, fileName), png, cancellationToken);
            }
        }

        var path = Path.Combine(outDir, $"report.{format}");
        await WriteAtomicallyAsync(path, Encoding.UTF8.GetBytes(Render(report, format, withImages: true)), cancellationToken);
        await stdout.WriteLineAsync(Path.GetFullPath(path));
        await stdout.FlushAsync(cancellationToken);
    }

    private static string Render(StudyReport report, string format, bool withImages) => format switch
    {
        "md" => StudyMarkdown.Render(report, withImages),
        "json" => report.ToJson() + "\n",
        _ => StudyCsv.Render(report),
    };

    /// <summary>Writes to a temporary file in the same directory, flushes it to disk, then renames it over the target.</summary>
    private static async Task WriteAtomicallyAsync(string path, byte[] bytes, CancellationToken cancellationToken)
    {
        var temp = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await stream.WriteAsync(bytes, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }
}
