namespace Sweep.Grains.Storage;

/// <summary>Checkpoint bytes as stored, already verified against their checksum.</summary>
public sealed record StoredCheckpoint(string TrialId, int Step, byte[] Data, DateTimeOffset SavedAt);
