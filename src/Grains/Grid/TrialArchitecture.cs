using Sweep.Grains.Contracts;
using Sweep.Model.Networks;

namespace Sweep.Grains.Grid;

/// <summary>The network a trial trains, built exactly as the grid compiler validated it.</summary>
public static class TrialArchitecture
{
    /// <summary>
    /// <c>ArchitectureSpec.Parse(ArchitectureText, Filters)</c>, with Filters 0 (no convolution) passed as "as
    /// written". Throws <see cref="ArchitectureException"/> only for a trial that did not come from the compiler.
    /// </summary>
    public static ArchitectureSpec Parse(TrialSpec trial)
    {
        ArgumentNullException.ThrowIfNull(trial);
        return ArchitectureSpec.Parse(trial.ArchitectureText, trial.Filters > 0 ? trial.Filters : null);
    }
}
