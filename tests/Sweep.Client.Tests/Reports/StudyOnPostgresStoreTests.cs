using Sweep.Grains.Storage;
using Sweep.Grains.Storage.Postgres;
using Sweep.Grains.Tests.Support;
using Sweep.Grains.Tests.Studies;

namespace Sweep.Client.Tests.Reports;

/// <summary>The study commands on a <see cref="PostgresSweepStore"/>, on a fresh migrated database.</summary>
public sealed class StudyOnPostgresStoreTests(PostgresServer server) : StudyOnStoreTests
{
    protected override async Task<ISweepStore> CreateStoreAsync() =>
        new PostgresSweepStore(await server.CreateMigratedDatabaseAsync(Ct));
}
