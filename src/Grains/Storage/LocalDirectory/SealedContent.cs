namespace Sweep.Grains.Storage.LocalDirectory;

/// <summary>A verified <see cref="SealedFile"/>.</summary>
internal sealed record SealedContent(int Step, DateTimeOffset SavedAt, byte[] Payload);
