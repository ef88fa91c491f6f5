namespace Sweep.Model.Training;

/// <summary>Hidden-layer activation.</summary>
public enum Activation
{
    Relu,
    Elu,
}
