namespace Sweep.Dashboard.Tests.Support;

/// <summary>The grid the browser tests keep training (beside the CLI tests' TinyGrids.Valid, which finishes in seconds).</summary>
internal static class BrowserGrids
{
    /// <summary>
    /// About 25 s of training per trial on one core, a checkpoint (and so a new curve) every 200 steps; the
    /// fixture stops it (Ctrl-C semantics) when the tests are done.
    /// </summary>
    public const string Live = """
        {
          "name": "live",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 1000, "testSize": 200, "imageSize": 16, "seed": 1 } ],
          "architectures": ["cnn"],
          "filters": [4],
          "learningRates": [0.01],
          "seeds": [1, 2, 3, 4, 5, 6],
          "training": { "batchSize": 32, "steps": 30000, "evalEvery": 100, "devSize": 100, "checkpointEvery": 200 }
        }
        """;
}
