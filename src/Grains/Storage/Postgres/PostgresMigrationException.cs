using Sweep.Model;

namespace Sweep.Grains.Storage.Postgres;

/// <summary>The database cannot be brought to this build's schema; the message says why and what to do.</summary>
public sealed class PostgresMigrationException : SweepUserException
{
    public PostgresMigrationException(string message)
        : base(message)
    {
    }

    public PostgresMigrationException(string message, Exception innerException)
        : base(message, inner: innerException)
    {
    }
}
