namespace Sweep.Grains.Studies.Paper;

/// <summary>
/// The paper's reference numbers (PAPER.md; full text Tables IV–IX and Sec. 5.10), keyed by catalog dataset name.
/// </summary>
public static class PaperReferences
{
    private static readonly string[] Models = ["DNN", "CNN (3 filters)", "Keras CNN"];

    private static readonly string[] CifarNames =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    private static readonly PaperReference Cifar10 = new(
        "cifar10",
        "IV, V",
        Models,
        [
            new("DNN", 0.5849, 0.5050, 0.4969, 0.4889, 0.7672, null),
            new("CNN (3 filters)", 0.7425, 0.5278, 0.5202, 0.5162, 0.7760, null),
            new("Keras CNN", 0.7734, 0.5522, 0.5460, 0.5485, 0.7975, null),
        ],
        [
            Row(0, CifarNames[0], 1000, [0.5292, 0.5963, 0.6333], [0.8068, 0.8286, 0.8448]),
            Row(1, CifarNames[1], 1000, [0.6044, 0.5995, 0.6090], [0.8619, 0.8455, 0.8762]),
            Row(2, CifarNames[2], 1000, [0.3117, 0.4035, 0.4347], [0.6406, 0.6796, 0.6930]),
            Row(3, CifarNames[3], 1000, [0.3353, 0.3354, 0.4088], [0.6584, 0.6602, 0.6863]),
            Row(4, CifarNames[4], 1000, [0.4286, 0.4795, 0.4937], [0.7146, 0.7409, 0.7573]),
            Row(5, CifarNames[5], 1000, [0.4132, 0.4275, 0.4103], [0.7093, 0.7219, 0.7156]),
            Row(6, CifarNames[6], 1000, [0.5524, 0.5753, 0.6191], [0.8222, 0.8263, 0.8581]),
            Row(7, CifarNames[7], 1000, [0.5442, 0.5476, 0.6018], [0.7744, 0.7832, 0.8122]),
            Row(8, CifarNames[8], 1000, [0.6104, 0.6472, 0.6823], [0.8498, 0.8718, 0.8945]),
            Row(9, CifarNames[9], 1000, [0.5597, 0.5500, 0.5922], [0.8336, 0.8021, 0.8368]),
        ],
        [
            new("filters", "Keras single-conv CNN with 32 filters of 3×3 instead of 3", 0.09),
            new("extra-conv-layer", "Keras conv 5×5×5 → max-pool → conv 3×3×3 → max-pool (stopped before convergence)", 0.10),
        ]);

    private static readonly PaperReference Mnist = new(
        "mnist",
        "VI, VII",
        Models,
        [
            new("DNN", 0.9905, 0.9766, 0.9772, 0.9772, 0.9990, null),
            new("CNN (3 filters)", 0.9969, 0.9822, 0.9806, 0.9806, 0.9995, null),
            new("Keras CNN", 0.9961, null, 0.9795, 0.9795, 0.9994, "the paper prints dev 0.0832, a typo"),
        ],
        [
            Row(0, "0", 980, [0.9878, 0.9878, 0.9863], [0.9997, 0.9997, 0.9997]),
            Row(1, "1", 1135, [0.9908, 0.9921, 0.9890], [0.9998, 0.9998, 0.9998]),
            Row(2, "2", 1032, [0.9788, 0.9811, 0.9703], [0.9986, 0.9995, 0.9992]),
            Row(3, "3", 1010, [0.9746, 0.9773, 0.9802], [0.9989, 0.9993, 0.9997]),
            Row(4, "4", 982, [0.9774, 0.9848, 0.9837], [0.9993, 0.9997, 0.9997]),
            Row(5, "5", 892, [0.9700, 0.9746, 0.9831], [0.9991, 0.9995, 0.9992]),
            Row(6, "6", 958, [0.9752, 0.9801, 0.9854], [0.9991, 0.9995, 0.9990]),
            Row(7, "7", 1028, [0.9741, 0.9785, 0.9759], [0.9991, 0.9994, 0.9990]),
            Row(8, "8", 974, [0.9737, 0.9721, 0.9710], [0.9987, 0.9993, 0.9989]),
            Row(9, "9", 1009, [0.9673, 0.9757, 0.9698], [0.9974, 0.9992, 0.9992]),
        ],
        []);

    private static readonly PaperReference Svhn = new(
        "svhn",
        "VIII, IX",
        Models,
        [
            new("DNN", 0.7851, 0.7654, 0.7417, 0.7420, 0.9095, null),
            new("CNN (3 filters)", 0.9155, 0.8164, 0.7929, 0.7926, 0.9332, null),
            new("Keras CNN", 0.9084, 0.8296, 0.8079, 0.8091, 0.9442, null),
        ],
        [
            Row(0, "0", 1744, [0.7016, 0.7796, 0.7940], [0.9059, 0.9400, 0.9522]),
            Row(1, "1", 5099, [0.8388, 0.8671, 0.8779], [0.9424, 0.9596, 0.9633]),
            Row(2, "2", 4149, [0.7995, 0.8384, 0.8680], [0.9164, 0.9409, 0.9577]),
            Row(3, "3", 2882, [0.6675, 0.7320, 0.7555], [0.8647, 0.8876, 0.9060]),
            Row(4, "4", 2523, [0.8003, 0.8071, 0.8249], [0.9276, 0.9418, 0.9479]),
            Row(5, "5", 2384, [0.6970, 0.7799, 0.7927], [0.8943, 0.9330, 0.9339]),
            Row(6, "6", 1977, [0.6720, 0.7301, 0.7507], [0.9043, 0.9244, 0.9371]),
            Row(7, "7", 2019, [0.7454, 0.8088, 0.8314], [0.9201, 0.9537, 0.9598]),
            Row(8, "8", 1660, [0.6001, 0.6953, 0.7104], [0.8749, 0.8966, 0.9189]),
            Row(9, "9", 1595, [0.6669, 0.7124, 0.6961], [0.8940, 0.9126, 0.9325]),
        ],
        []);

    /// <summary>
    /// The paper's numbers for a dataset named mnist, cifar10 (or cifar-10) or svhn, case-insensitive; null for
    /// any other name.
    /// </summary>
    public static PaperReference? For(string datasetName) => datasetName.ToLowerInvariant() switch
    {
        "mnist" => Mnist,
        "cifar10" or "cifar-10" => Cifar10,
        "svhn" => Svhn,
        _ => null,
    };

    private static PaperClassRow Row(int label, string name, int count, double[] f1, double[] areaRatio) =>
        new(label, name, count, f1, areaRatio);
}
