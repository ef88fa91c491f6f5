using Sweep.Grains.Storage;

namespace Sweep.Grains.Tests.Storage;

/// <summary>
/// Tests that each run on a fresh, empty store: the concrete subclass names the backend, the store is created
/// before every test and disposed after it.
/// </summary>
public abstract class FreshStoreTests : IAsyncLifetime
{
    private ISweepStore? _store;

    /// <summary>The running test's cancellation token.</summary>
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected ISweepStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    public async ValueTask InitializeAsync() => _store = await CreateStoreAsync();

    public virtual async ValueTask DisposeAsync()
    {
        if (_store is IAsyncDisposable disposable)
        {
            await disposable.DisposeAsync();
        }
    }

    /// <summary>A fresh, empty store.</summary>
    protected abstract Task<ISweepStore> CreateStoreAsync();
}
