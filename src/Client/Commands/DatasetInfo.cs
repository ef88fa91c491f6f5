namespace Sweep.Client.Commands;

/// <summary>What <c>sweep data info</c> reports (JSON: camelCase).</summary>
internal sealed record DatasetInfo(
    string Name,
    string Format,
    int Train,
    int Test,
    int Channels,
    int Height,
    int Width,
    int Classes,
    int[] TrainPerClass,
    int[] TestPerClass);
