namespace Sweep.Grains.Tests.Support;

/// <summary>
/// A fault plan for <see cref="FaultyStore"/>: an outage of the whole store that begins with the first call to a
/// given operation (say, the first result saved — a database restarting just as a trial finishes) and lasts a
/// given time; every call during it throws the error a real PostgreSQL client would see. Or a single failure
/// (<see cref="FailFirst"/>): the first call to one operation throws, nothing else does.
/// </summary>
public sealed class StoreFaults
{
    private readonly Lock _lock = new();
    private string? _trigger;
    private TimeSpan _length;
    private Func<Exception>? _error;
    private DateTime? _outageEnds;
    private int _injected;
    private string? _failFirst;
    private Func<Exception>? _failFirstError;

    /// <summary>Every trial status the silos asked the store to record, in the order asked (failed calls included).</summary>
    public System.Collections.Concurrent.ConcurrentQueue<(string TrialId, Sweep.Grains.Lifecycle.TrialStatus Status, int Steps)> StatusWrites { get; } = new();

    /// <summary>Calls that failed because of this plan.</summary>
    public int Injected => Volatile.Read(ref _injected);

    /// <summary>Whether the outage has begun.</summary>
    public bool Started
    {
        get
        {
            lock (_lock)
            {
                return _outageEnds is not null;
            }
        }
    }

    /// <summary>The first call to <paramref name="operation"/> throws <paramref name="error"/>; no other call fails.</summary>
    public void FailFirst(string operation, Func<Exception> error)
    {
        lock (_lock)
        {
            _failFirst = operation;
            _failFirstError = error;
        }
    }

    public void OutageOnFirst(string operation, TimeSpan length, Func<Exception> error)
    {
        lock (_lock)
        {
            _trigger = operation;
            _length = length;
            _error = error;
            _outageEnds = null;
        }
    }

    /// <summary>Throws when <paramref name="operation"/> falls in the outage.</summary>
    public void Check(string operation)
    {
        Exception? fault = null;
        lock (_lock)
        {
            if (operation == _failFirst)
            {
                _failFirst = null;
                fault = _failFirstError!();
            }
            else if (_outageEnds is null && operation == _trigger)
            {
                _outageEnds = DateTime.UtcNow + _length;
            }
            if (_outageEnds is { } ends && DateTime.UtcNow < ends)
            {
                fault = _error!();
            }
        }
        if (fault is not null)
        {
            Interlocked.Increment(ref _injected);
            throw fault;
        }
    }
}
