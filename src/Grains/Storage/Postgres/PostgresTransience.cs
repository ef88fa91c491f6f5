using System.Net.Sockets;
using Npgsql;

namespace Sweep.Grains.Storage.Postgres;

/// <summary>
/// Which PostgreSQL errors pass by themselves: the server restarting or shutting down, a dropped or refused
/// connection, too many connections, a serialization failure or deadlock. Anything else (a constraint, bad SQL,
/// a checksum) is an answer, not an outage, and is never retried.
/// </summary>
public static class PostgresTransience
{
    public static bool IsTransient(Exception exception) => exception switch
    {
        PostgresException pg => IsTransientState(pg.SqlState),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    /// <summary>SQLSTATE classes 08 (connection), 53 (resources), 57P01–57P03 (shutdown, crash, start-up), 40001/40P01.</summary>
    public static bool IsTransientState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState is "57P01" or "57P02" or "57P03" or "40001" or "40P01";

    /// <summary>What an error says, in one line, without the connection string.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        PostgresException pg => $"{pg.SqlState}: {pg.MessageText}",
        NpgsqlException { InnerException: { } inner } npgsql => $"{npgsql.Message} ({inner.Message})",
        _ => exception.Message,
    };
}
