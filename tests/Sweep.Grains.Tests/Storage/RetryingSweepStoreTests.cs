using Npgsql;
using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Grains.Tests.Storage;

/// <summary>The retrying store against a real local store behind injected outages (timing-free: patience vs. outage length).</summary>
public sealed class RetryingSweepStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sweep-retry-").FullName;
    private readonly List<string> _reports = [];

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task OutageShorterThanPatience_CallSucceeds_AndTheWaitIsReportedOnceWithItsCause()
    {
        var faults = new StoreFaults();
        faults.OutageOnFirst("ListSweepsAsync", TimeSpan.FromMilliseconds(300),
            () => new PostgresException("the database system is starting up", "FATAL", "FATAL", "57P03"));
        var store = Retrying(faults, TimeSpan.FromSeconds(30), quietFor: TimeSpan.Zero);

        var sweeps = await store.ListSweepsAsync(TestContext.Current.CancellationToken);

        Assert.Empty(sweeps);
        Assert.True(faults.Injected >= 1);
        Assert.Equal(2, _reports.Count);
        Assert.Contains("57P03: the database system is starting up", _reports[0]);
        Assert.Contains("answers again", _reports[1]);
    }

    [Fact]
    public async Task OutageShorterThanTheQuietTime_IsRiddenOutSilently()
    {
        var faults = new StoreFaults();
        faults.OutageOnFirst("ListSweepsAsync", TimeSpan.FromMilliseconds(30),
            () => new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"));
        var store = Retrying(faults, TimeSpan.FromSeconds(30), quietFor: TimeSpan.FromMinutes(1));

        await store.ListSweepsAsync(TestContext.Current.CancellationToken);

        Assert.True(faults.Injected >= 1);
        Assert.Empty(_reports);
    }

    [Fact]
    public async Task OutageLongerThanPatience_ThrowsStoreUnavailable_NamingWhatItTriedToDo()
    {
        var faults = new StoreFaults();
        faults.OutageOnFirst("GetSweepAsync", TimeSpan.FromMinutes(5),
            () => new NpgsqlException("Exception while reading from stream", new IOException("Connection reset by peer")));
        var store = Retrying(faults, TimeSpan.FromMilliseconds(300));

        var ex = await Assert.ThrowsAsync<StoreUnavailableException>(() => store.GetSweepAsync("x", TestContext.Current.CancellationToken));

        Assert.Contains("read the sweep", ex.Message);
        Assert.Contains("Connection reset by peer", ex.Message);
        Assert.True(faults.Injected >= 2, $"retried {faults.Injected} time(s)");
    }

    [Fact]
    public async Task StoreNeverReached_IsReportedAsItIs_AfterTheFirstContactPatience_WithoutAWaitingLine()
    {
        var faults = new StoreFaults();
        faults.OutageOnFirst("ListSweepsAsync", TimeSpan.FromMinutes(5),
            () => new NpgsqlException("Failed to connect to 127.0.0.1:1", new System.Net.Sockets.SocketException(111)));
        var store = Retrying(faults, TimeSpan.FromMinutes(5), firstContact: TimeSpan.FromMilliseconds(200));

        var ex = await Assert.ThrowsAsync<NpgsqlException>(() => store.ListSweepsAsync(TestContext.Current.CancellationToken));

        Assert.Contains("127.0.0.1:1", ex.Message);
        Assert.True(faults.Injected >= 2, $"tried {faults.Injected} time(s)");
        Assert.Empty(_reports);
    }

    [Fact]
    public async Task ErrorThatIsAnAnswer_IsNotRetried()
    {
        var faults = new StoreFaults();
        faults.OutageOnFirst("GetSweepAsync", TimeSpan.FromMinutes(5),
            () => new PostgresException("permission denied for table sweeps", "ERROR", "ERROR", "42501"));
        var store = Retrying(faults, TimeSpan.FromMinutes(5));

        await Assert.ThrowsAsync<PostgresException>(() => store.GetSweepAsync("x", TestContext.Current.CancellationToken));

        Assert.Equal(1, faults.Injected);
        Assert.Empty(_reports);
    }

    [Theory]
    [InlineData("57P01", true)]
    [InlineData("57P02", true)]
    [InlineData("57P03", true)]
    [InlineData("08006", true)]
    [InlineData("53300", true)]
    [InlineData("40001", true)]
    [InlineData("23505", false)]
    [InlineData("42P01", false)]
    public void PostgresErrors_AreTransientOnlyWhenTheyPassByThemselves(string sqlState, bool transient) =>
        Assert.Equal(transient, PostgresTransience.IsTransient(new PostgresException("m", "FATAL", "FATAL", sqlState)));

    private RetryingSweepStore Retrying(StoreFaults faults, TimeSpan patience, TimeSpan? quietFor = null, TimeSpan? firstContact = null) => new(
        new FaultyStore(new LocalDirectorySweepStore(_root), faults), PostgresTransience.IsTransient, PostgresTransience.Describe,
        new StoreRetryPolicy
        {
            Patience = patience, FirstDelay = TimeSpan.FromMilliseconds(10), MaxDelay = TimeSpan.FromMilliseconds(50),
            QuietFor = quietFor ?? TimeSpan.Zero, FirstContactPatience = firstContact, Report = _reports.Add,
        },
        "PostgreSQL");
}
