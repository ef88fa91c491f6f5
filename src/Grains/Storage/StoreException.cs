using Sweep.Model;

namespace Sweep.Grains.Storage;

/// <summary>
/// A store the user pointed at cannot be used as asked: an id with path characters, a store directory that is a
/// file or cannot be written, a damaged file that cannot be repaired here. The message names the path or id and
/// the fix.
/// </summary>
public sealed class StoreException(string message, string? input = null, string? valid = null, Exception? inner = null)
    : SweepUserException(message, input, valid, inner);
