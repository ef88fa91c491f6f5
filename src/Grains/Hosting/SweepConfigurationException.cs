namespace Sweep.Grains.Hosting;

/// <summary>
/// A setting the user gave is wrong or does not fit the cluster: a flag, an environment variable, or a file one of
/// them names. The message is one line that names the setting and what would be valid; it never holds a secret.
/// </summary>
public sealed class SweepConfigurationException : Sweep.Model.SweepUserException
{
    public SweepConfigurationException(string message)
        : base(message)
    {
    }

    public SweepConfigurationException(string message, Exception innerException)
        : base(message, inner: innerException)
    {
    }
}
