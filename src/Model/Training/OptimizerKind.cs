namespace Sweep.Model.Training;

/// <summary>Parameter update rule.</summary>
public enum OptimizerKind
{
    /// <summary>ADAM with bias correction (paper eqs. 34–36).</summary>
    Adam,

    /// <summary>Plain stochastic gradient descent.</summary>
    Sgd,
}
