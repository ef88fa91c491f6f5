using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using Sweep.Grains.Contracts;

namespace Sweep.Grains.Tests.Cluster;

/// <summary>Tiny sweeps on synthetic Gaussian blobs: a dense and a small conv network, a few seeds.</summary>
public static class TestSweeps
{
    public static readonly DatasetRef Gaussian = new("gauss", DatasetKind.Synthetic, Generator: "gaussian", TrainSize: 400, TestSize: 100, ImageSize: 8, Seed: 7);

    public static TrainingSettings Settings(int steps, int checkpointEvery) => new()
    {
        BatchSize = 16,
        Steps = steps,
        EvalEvery = 20,
        DevSize = 50,
        CheckpointEvery = checkpointEvery,
    };

    /// <summary>One trial per (architecture, seed); <paramref name="gridVersion"/> changes the grid hash only.</summary>
    public static SweepDefinition Create(string sweepId, int seeds, TrainingSettings training, string gridVersion = "v1")
    {
        var architectures = new (string Name, string Text, int Filters)[] { ("dnn", "dense16", 0), ("cnn", "conv2k3p1-dense16", 2) };
        var trials = (
            from a in architectures
            from seed in Enumerable.Range(1, seeds)
            select new TrialSpec(
                $"{sweepId}.gauss.{a.Name}.f{a.Filters}.lr1e-2.s{seed}", sweepId, Gaussian, a.Name, a.Text, a.Filters, 0.01, seed, training))
            .ToImmutableArray();
        var json = $"{{\"name\":\"{sweepId}\",\"version\":\"{gridVersion}\",\"steps\":{training.Steps},\"seeds\":{seeds}}}";
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
        return new SweepDefinition(sweepId, hash, json, trials, new StudyPlan(), DateTimeOffset.UtcNow);
    }
}
