using Npgsql;

namespace Sweep.Grains.Storage.Postgres;

/// <summary>Naming a database in messages without leaking passwords.</summary>
internal static class ConnectionStrings
{
    public static string DatabaseName(this string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString).Database ?? "(default)";
}
