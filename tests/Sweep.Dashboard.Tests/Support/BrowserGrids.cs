namespace Sweep.Dashboard.Tests.Support;

/// <summary>The grids the browser tests train: one that finishes in seconds, one that outlasts the tests.</summary>
internal static class BrowserGrids
{
    /// <summary>TinyGrids.Valid of the CLI tests: dnn and cnn, two seeds, 40 steps (a dense-vs-conv study).</summary>
    public const string Tiny = """
        {
          "name": "tiny",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 300, "testSize": 100, "imageSize": 8, "seed": 1 } ],
          "architectures": ["dnn", "cnn"],
          "filters": [2],
          "learningRates": [0.01],
          "seeds": [1, 2],
          "training": { "batchSize": 16, "steps": 40, "evalEvery": 20, "devSize": 50, "checkpointEvery": 20 }
        }
        """;

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
