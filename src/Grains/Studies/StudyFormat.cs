using System.Globalization;
using Sweep.Grains.Studies.Statistics;

namespace Sweep.Grains.Studies;

/// <summary>Number formatting shared by the Markdown and CSV renderers (invariant culture).</summary>
public static class StudyFormat
{
    public static string Num(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);

    public static string Signed(double value) => value.ToString("+0.0000;-0.0000;0.0000", CultureInfo.InvariantCulture);

    public static string Raw(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Lr(double? learningRate) =>
        learningRate is { } lr ? lr.ToString("G6", CultureInfo.InvariantCulture) : "—";

    public static string P(double? p) => p switch
    {
        null => "—",
        < 1e-300 => "< 1E-300",
        < 1e-4 => p.Value.ToString("0.0E+0", CultureInfo.InvariantCulture),
        _ => p.Value.ToString("0.0000", CultureInfo.InvariantCulture),
    };

    /// <summary>"0.5202 ± 0.0031 (n=3)", "0.5202 (n=1)", or "—".</summary>
    public static string Stat(SummaryStat? stat, string format = "0.0000")
    {
        if (stat is null)
        {
            return "—";
        }

        var mean = stat.Mean.ToString(format, CultureInfo.InvariantCulture);
        return stat.Sd is { } sd
            ? $"{mean} ± {sd.ToString(format, CultureInfo.InvariantCulture)} (n={stat.N})"
            : $"{mean} (n={stat.N})";
    }

    public static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);
}
