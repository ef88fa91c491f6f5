namespace Sweep.Model.Training;

/// <summary>
/// One point of the learning curve (paper Figs. 8–16): the batch cost and accuracy of a step, and the dev
/// accuracy where the dev set was evaluated at that step (NaN otherwise).
/// </summary>
public readonly record struct CurvePoint(int Step, double BatchCost, double BatchAccuracy, double DevAccuracy);
