using Sweep.Grains.Contracts;

namespace Sweep.Grains.Grid;

/// <summary>A validated dataset entry with the training settings its trials use (the grid's, plus its overrides).</summary>
internal sealed record GridDataset(DatasetRef Ref, TrainingSettings Training);
