using System.Globalization;

namespace Sweep.Hosts.Tests;

/// <summary>What one fault cost, as measured by its test (the README's scale-out table has one row per fault).</summary>
public sealed class FaultReport(string fault)
{
    public string Fault { get; } = fault;

    /// <summary>Trials running where the fault struck.</summary>
    public int TrialsAffected { get; set; }

    /// <summary>Seconds from the strike until every affected trial ran again (elsewhere, or on after the database came back).</summary>
    public double? SecondsToResume { get; set; }

    /// <summary>Sum over the affected trials of (last reported step before the strike − newest stored checkpoint then): at least this much was redone.</summary>
    public int StepsRedone { get; set; }

    public int ResultsLost { get; set; }

    public int ResultsDuplicated { get; set; }

    public int WronglyFailed { get; set; }

    public double SweepSeconds { get; set; }

    public string Notes { get; set; } = "";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"| {Fault} | {TrialsAffected} | {(SecondsToResume is { } s ? s.ToString("0.0", CultureInfo.InvariantCulture) : "—")} | {StepsRedone} | {ResultsLost} | {ResultsDuplicated} | {WronglyFailed} | {SweepSeconds:0} | {Notes} |");
}
