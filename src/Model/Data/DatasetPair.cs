namespace Sweep.Model.Data;

/// <summary>The training and test sets of one dataset, as the files provide them (the dev split is the trainer's).</summary>
public sealed record DatasetPair(Dataset Train, Dataset Test);
