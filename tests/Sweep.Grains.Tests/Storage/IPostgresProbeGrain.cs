namespace Sweep.Grains.Tests.Storage;

/// <summary>A grain that exercises PostgreSQL grain storage and reminders in the Orleans smoke test.</summary>
public interface IPostgresProbeGrain : IGrainWithStringKey
{
    Task SetAsync(int value);

    Task<int> GetAsync();

    Task ClearAsync();

    Task RegisterReminderAsync(string name);

    Task UnregisterReminderAsync(string name);
}
