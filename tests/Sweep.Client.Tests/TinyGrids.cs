namespace Sweep.Client.Tests;

/// <summary>Grids small enough to train in seconds: Gaussian blobs, a dense and a conv network.</summary>
public static class TinyGrids
{
    public const string Valid = """
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

    /// <summary>Three independent mistakes: an unknown field, a negative step count, an empty seed list.</summary>
    public const string ThreeErrors = """
        {
          "name": "broken",
          "datasets": [ { "name": "gauss", "synthetic": "gaussian", "trainSize": 300, "testSize": 100, "imageSize": 8, "seed": 1 } ],
          "architectures": ["dnn"],
          "learningRates": [0.01],
          "seeds": [],
          "trainning": {},
          "training": { "steps": -5 }
        }
        """;
}
