using System.Globalization;
using System.Text;

namespace Sweep.Client.Output;

/// <summary>Plain-text tables and CSV from one header and rows of already formatted cells.</summary>
public sealed class Table(params string[] header)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object?[] cells) => _rows.Add(cells.Select(Format).ToArray());

    public void WriteText(TextWriter writer)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        writer.WriteLine(Line(header, widths));
        writer.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            writer.WriteLine(Line(row, widths));
        }
    }

    public void WriteCsv(TextWriter writer)
    {
        writer.WriteLine(string.Join(',', header.Select(Escape)));
        foreach (var row in _rows)
        {
            writer.WriteLine(string.Join(',', row.Select(Escape)));
        }
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        double d when double.IsNaN(d) => "",
        double d => d.ToString("0.####", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Line(string[] cells, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            line.Append(i == 0 ? "" : "  ").Append(cells[i].PadRight(widths[i]));
        }
        return line.ToString().TrimEnd();
    }

    private static string Escape(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"") + "\"" : cell;
}
