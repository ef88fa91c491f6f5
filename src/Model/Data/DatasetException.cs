namespace Sweep.Model.Data;

/// <summary>
/// A dataset could not be loaded or generated because of its input (a missing, truncated or corrupt file, a bad
/// generator setting). The message names the file, the offset or field, and what was expected.
/// </summary>
public sealed class DatasetException(string message, Exception? inner = null) : SweepUserException(message, inner: inner);
