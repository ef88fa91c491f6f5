namespace Sweep.Grains.Storage;

/// <summary>Which split's predictions.</summary>
public enum PredictionSplit
{
    Test,
    Dev,
}
