using Sweep.Model.Data;

namespace Sweep.Model.Tests.Data;

public sealed class AtomicFileTests
{
    [Fact]
    public void FailedWrite_LeavesNeitherTargetNorTemporaryFile()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("data_batch_1.bin");

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[100]);
            throw new InvalidOperationException("simulated crash mid-write");
        }));

        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public void FailedWrite_KeepsThePreviousFileIntact()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("test_batch.bin");
        File.WriteAllBytes(path, [1, 2, 3]);

        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write(new byte[10]);
            throw new InvalidOperationException("simulated crash mid-write");
        }));

        Assert.Equal([1, 2, 3], File.ReadAllBytes(path));
        Assert.Single(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public void UnwritableTarget_IsADatasetErrorNamingThePath()
    {
        using var directory = new TemporaryDirectory();
        var path = directory.File("train_32x32.mat");
        Directory.CreateDirectory(path);

        DataAssert.Fails(() => AtomicFile.Write(path, stream => stream.Write(new byte[4])), path, "cannot write");
        Assert.Single(Directory.GetFileSystemEntries(directory.Path));
    }
}
