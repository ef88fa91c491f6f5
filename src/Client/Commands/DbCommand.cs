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
        var migrate = new Command("migrate", "Create or upgrade Sweep's and Orleans' tables; safe to run again") { postgres };
        migrate.SetAction(async (parse, ct) =>
        {
            var cs = CommonOptions.Checked(SweepHosting.ResolvePostgres(parse.GetValue(postgres) ?? parse.GetValue(CommonOptions.Cluster)))
                ?? throw new CliException($"no database given: pass --postgres \"Host=...;Database=...;Username=...\" or set ${SweepHosting.PostgresVariable}");
            await PostgresMigrator.MigrateAsync(cs, ct);
            await console.Out.WriteLineAsync("database is up to date");
            return 0;
        });
        return new Command("db", "Database administration") { migrate };
    }
}
