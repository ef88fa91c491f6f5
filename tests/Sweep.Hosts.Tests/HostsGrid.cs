namespace Sweep.Hosts.Tests;

/// <summary>
/// The sweep every fault test runs: six small dense networks on Gaussian blobs, long enough (a few seconds each on
/// a shared core) that trials are mid-training when a fault strikes, with a checkpoint every 1 000 steps.
/// </summary>
public static class HostsGrid
{
    public const string SweepId = "hosts";
    public const int Trials = 6;
    public const int CheckpointEvery = 1000;

    public const string Json = """
        {
          "name": "hosts",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 600, "testSize": 200, "imageSize": 8, "seed": 1 } ],
          "architectures": ["dnn"],
          "learningRates": [0.01],
          "seeds": [1, 2, 3, 4, 5, 6],
          "training": { "batchSize": 16, "steps": 8000, "evalEvery": 1000, "devSize": 100, "checkpointEvery": 1000 }
        }
        """;
}
