namespace Sweep.Grains.Studies.Paper;

/// <summary>A study the paper reports only as an approximate accuracy gain (Sec. 5.10, Keras, CIFAR-10).</summary>
/// <param name="Study">filters or extra-conv-layer.</param>
public sealed record PaperStudyNote(string Study, string Description, double ApproximateGain);
