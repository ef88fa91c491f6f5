namespace Sweep.Grains.Storage.Postgres;

/// <summary>One embedded schema migration.</summary>
/// <param name="Checksum">SHA-256 (lower-case hex) of <paramref name="Sql"/> with LF line endings.</param>
public sealed record Migration(int Version, string Name, string FileName, string Sql, string Checksum);
