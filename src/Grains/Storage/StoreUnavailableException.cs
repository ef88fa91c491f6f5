namespace Sweep.Grains.Storage;

/// <summary>
/// The store could not be reached for longer than the caller was willing to wait (PostgreSQL restarting, a
/// network fault). Nothing was decided: the operation may be tried again later, and a caller must never take this
/// for a failure of the trial it was recording.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception inner) : Exception(message, inner);
