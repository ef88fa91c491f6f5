namespace Sweep.Grains.Tests.Storage;

/// <summary>Persists one number in the "sweep" storage provider and registers reminders on request.</summary>
public sealed class PostgresProbeGrain([PersistentState("probe", "sweep")] IPersistentState<PostgresProbeState> state)
    : Grain, IPostgresProbeGrain, IRemindable
{
    public async Task SetAsync(int value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<int> GetAsync() => Task.FromResult(state.State.Value);

    public Task ClearAsync() => state.ClearStateAsync();

    public Task RegisterReminderAsync(string name) =>
        this.RegisterOrUpdateReminder(name, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5));

    public async Task UnregisterReminderAsync(string name)
    {
        var reminder = await this.GetReminder(name) ?? throw new InvalidOperationException($"Reminder '{name}' is not registered.");
        await this.UnregisterReminder(reminder);
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
