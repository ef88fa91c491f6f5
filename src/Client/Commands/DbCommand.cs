using System.CommandLine;
using Sweep.Grains.Hosting;
using Sweep.Grains.Storage.Postgres;

namespace Sweep.Client.Commands;

/// <summary><c>sweep db migrate --postgres cs</c>: applies the schema migrations (silos also run them at start).</summary>
internal static class DbCommand
{
    public static Command Create(CliConsole console)
    {
        var postgres = new Option<string?>("--postgres") { HelpName = "connection-string", Description = $"PostgreSQL connection string (default: --cluster or ${SweepHosting.PostgresVariable})" };
        var postgresFile = new Option<string?>("--postgres-file") { HelpName = "file", Description = $"File holding the connection string (default: --cluster-file or ${ConnectionStringSource.FileVariable})" };
        var migrate = new Command("migrate", "Create or upgrade Sweep's and Orleans' tables; safe to run again") { postgres, postgresFile };
        migrate.SetAction(async (parse, ct) =>
        {
            var cs = CommonOptions.ConnectionString(parse, postgres, postgresFile)
                ?? throw new CliException($"no database given: pass --postgres-file FILE or --postgres \"Host=...;Database=...;Username=...\", or set ${ConnectionStringSource.FileVariable} or ${SweepHosting.PostgresVariable}");
            await PostgresMigrator.MigrateAsync(cs, ct);
            await console.Out.WriteLineAsync("database is up to date");
            return 0;
        });
        return new Command("db", "Database administration") { migrate };
    }
}
