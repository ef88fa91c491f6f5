using Sweep.Grains.Storage;

namespace Sweep.Client.Commands;

/// <summary>
/// What listings say about damaged store entries: one stderr line per entry naming the file and the reason, so
/// the rest of the listing stands (stdout keeps its format; tables and CSV also show the trial as <c>damaged</c>).
/// </summary>
internal static class DamageLines
{
    public const string Status = Sweep.Grains.Views.TrialRow.DamagedStatus;

    public static async Task WriteAsync(CliConsole console, IEnumerable<StoreDamage> damage)
    {
        foreach (var entry in damage)
        {
            await console.Error.WriteLineAsync($"sweep: {SweepCli.OneLine(entry.Describe())}");
        }
    }
}
