namespace Sweep.Model.Data;

/// <summary>The on-disk formats of the paper's datasets.</summary>
public enum DatasetFormat
{
    /// <summary>IDX files: train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-….</summary>
    Mnist,

    /// <summary>CIFAR-10 binary batches: data_batch_1.bin … data_batch_5.bin, test_batch.bin.</summary>
    Cifar10,

    /// <summary>SVHN cropped digits: train_32x32.mat, test_32x32.mat (MATLAB level 5).</summary>
    Svhn,
}
