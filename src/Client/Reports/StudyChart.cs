namespace Sweep.Client.Reports;

/// <summary>One PNG of a report: its file name (relative to the report), dataset, kind and title.</summary>
/// <param name="Kind">curves, filters, dense-vs-conv or extra-conv-layer.</param>
public sealed record StudyChart(string FileName, string Dataset, string Kind, string Title);
