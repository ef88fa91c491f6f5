namespace Sweep.Model.Training;

/// <summary>A progress report raised on the training thread.</summary>
public sealed record TrainingProgress(
    int Step,
    int TotalSteps,
    double BatchCost,
    double BatchAccuracy,
    double LastDevAccuracy,
    double ImagesPerSecond);
