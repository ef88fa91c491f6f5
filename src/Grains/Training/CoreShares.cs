using Sweep.Grains.Coordinator;

namespace Sweep.Grains.Training;

/// <summary>
/// The silo's cores, shared by the trials training on it. Each trial trains with the threads its grid asks for
/// (<c>training.threads</c>, default 1); the cores no trial asked for — there are some whenever fewer trials train
/// than the silo has cores, as at the end of a sweep — go to the running trials, evenly, the remainder to the
/// earliest started. A trial reads its share before every step, so a trial that ends gives its cores to the others
/// within a step. A trial's result does not depend on its thread count: this changes only how soon trials end.
/// </summary>
public sealed class CoreShares(SweepRuntimeOptions options)
{
    private readonly object _gate = new();
    private readonly List<Share> _running = [];

    /// <summary>The cores this silo's trials share.</summary>
    public int Cores => Math.Max(1, options.Cores);

    /// <summary>A trial starts training with <paramref name="threads"/> threads of its own; dispose the share when it stops.</summary>
    public Share Join(string trialId, int threads)
    {
        var share = new Share(this, trialId, Math.Max(1, threads));
        lock (_gate)
        {
            _running.Add(share);
            Rebalance();
        }
        return share;
    }

    /// <summary>The running trials and the threads each trains with now, earliest started first.</summary>
    public IReadOnlyList<(string TrialId, int Threads)> Snapshot()
    {
        lock (_gate)
        {
            return [.. _running.Select(s => (s.TrialId, s.Threads))];
        }
    }

    private void Leave(Share share)
    {
        lock (_gate)
        {
            if (_running.Remove(share))
            {
                Rebalance();
            }
        }
    }

    private void Rebalance()
    {
        var idle = Cores - _running.Sum(s => s.Asked);
        for (var i = 0; i < _running.Count; i++)
        {
            var extra = idle <= 0 ? 0 : idle / _running.Count + (i < idle % _running.Count ? 1 : 0);
            _running[i].Threads = _running[i].Asked + extra;
        }
    }

    /// <summary>One training trial's part of the cores.</summary>
    public sealed class Share : IDisposable
    {
        private readonly CoreShares _owner;
        private volatile int _threads;

        internal Share(CoreShares owner, string trialId, int asked)
        {
            _owner = owner;
            TrialId = trialId;
            Asked = asked;
            _threads = asked;
        }

        public string TrialId { get; }

        /// <summary>The threads the trial's grid asked for.</summary>
        public int Asked { get; }

        /// <summary>The threads to train the next step with.</summary>
        public int Threads
        {
            get => _threads;
            internal set => _threads = value;
        }

        public void Dispose() => _owner.Leave(this);
    }
}
