using Sweep.Grains.Hosting;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Grains.Tests.Storage;

public sealed class StoreLockTests
{
    [Fact]
    public void ASecondLockOnTheSameStore_FailsNamingTheStoreAndTheHolder_UntilTheFirstIsReleased()
    {
        using var root = new TemporaryDirectory("store-lock");
        var store = Path.Combine(root.Path, "store");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var first = StoreLock.Acquire(store);
        var error = Assert.Throws<StoreInUseException>(() => StoreLock.Acquire(store));
        first.Dispose();
        using var again = StoreLock.Acquire(store);

        Assert.Equal(Path.GetFullPath(store), error.StoreDirectory);
        Assert.Equal(Environment.ProcessId, error.Pid);
        Assert.InRange(error.Since!.Value, before, DateTimeOffset.UtcNow);
        Assert.StartsWith($"the store '{Path.GetFullPath(store)}' is in use by another sweep process (pid {Environment.ProcessId}, since ", error.Message);
        Assert.EndsWith("); wait for it, or use --store DIR", error.Message);
    }

    [Fact]
    public void LocksOnDifferentStores_AreIndependent()
    {
        using var root = new TemporaryDirectory("store-lock");

        using var a = StoreLock.Acquire(Path.Combine(root.Path, "a"));
        using var b = StoreLock.Acquire(Path.Combine(root.Path, "b"));

        Assert.Throws<StoreInUseException>(() => StoreLock.Acquire(Path.Combine(root.Path, "a")));
        Assert.Throws<StoreInUseException>(() => StoreLock.Acquire(Path.Combine(root.Path, "b")));
    }
}
