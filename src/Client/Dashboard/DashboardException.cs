namespace Sweep.Client.Dashboard;

/// <summary>A problem the user can fix (a bad address, a taken port), in one line naming the option and the fix.</summary>
public sealed class DashboardException(string message) : Exception(message);
