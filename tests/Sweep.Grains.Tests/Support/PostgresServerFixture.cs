using Sweep.Grains.Tests.Support;

// One PostgreSQL server for the whole assembly; the class itself is shared with other test projects.
[assembly: AssemblyFixture(typeof(PostgresServer))]
