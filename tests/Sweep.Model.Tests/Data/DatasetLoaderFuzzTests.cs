using System.IO.Compression;
using System.Text;
using Sweep.Model.Data;

namespace Sweep.Model.Tests.Data;

/// <summary>
/// A seeded fuzz of every loader: small valid files in each format (MNIST raw and gzip, CIFAR-10, SVHN compressed
/// and not), then thousands of mutations — flipped and overwritten bytes, header fields set to extreme values,
/// truncation, extension, a swapped file. Loading a mutant either succeeds or throws <see cref="DatasetException"/>
/// naming a file; anything else (an index error, an overflow, an out-of-memory from a header that claims 2³¹
/// images) is a bug and fails the test with the seed that reproduces it.
/// </summary>
public sealed class DatasetLoaderFuzzTests
{
    private const int MutationsPerFormat = 600;

    public static TheoryData<string> Variants => ["mnist", "mnist.gz", "cifar10", "svhn", "svhn.raw"];

    [Theory]
    [MemberData(nameof(Variants))]
    public void EveryMutantFile_LoadsOrIsADatasetError(string variant)
    {
        using var root = new TemporaryDirectory();
        var valid = Path.Combine(root.Path, "valid");
        var format = Write(variant, valid);
        var files = Directory.GetFiles(valid).Order(StringComparer.Ordinal).ToArray();
        var originals = files.ToDictionary(f => f, File.ReadAllBytes);
        var random = new Random(Seed(variant));
        var loaded = 0;
        var refused = 0;

        for (var i = 0; i < MutationsPerFormat; i++)
        {
            var target = files[random.Next(files.Length)];
            var (mutant, how) = Mutate(originals[target], random);
            File.WriteAllBytes(target, mutant);
            try
            {
                DatasetLoader.Load(new FileDatasetSource("fuzz", format, valid), root.Path);
                loaded++;
            }
            catch (DatasetException error)
            {
                Assert.Contains(valid, error.Message);
                Assert.DoesNotContain(Environment.NewLine, error.Message);
                refused++;
            }
            catch (Exception error)
            {
                Assert.Fail($"{variant} mutation {i} ({how} of {Path.GetFileName(target)}) raised {error.GetType().Name}, not a dataset error: {error.Message}");
            }
            finally
            {
                File.WriteAllBytes(target, originals[target]);
            }
        }

        // A good share of the mutations must break the files (raw pixel bytes stay valid when flipped), or the fuzz tests nothing.
        Assert.True(refused > MutationsPerFormat / 4, $"{variant}: only {refused} of {MutationsPerFormat} mutants were refused ({loaded} loaded)");
    }

    private static int Seed(string variant) => Encoding.ASCII.GetBytes(variant).Aggregate(17, (h, b) => (h * 31) + b);

    private static DatasetFormat Write(string variant, string directory)
    {
        var side = variant == "cifar10" ? 32 : 8;
        var pair = SyntheticDatasets.Generate(new SyntheticDatasetSource("fuzz", "gaussian", 12, 6, side, 1));
        Directory.CreateDirectory(directory);
        switch (variant)
        {
            case "mnist":
                MnistFiles.Write(pair, directory);
                return DatasetFormat.Mnist;
            case "mnist.gz":
                MnistFiles.Write(pair, directory, gzip: true);
                return DatasetFormat.Mnist;
            case "cifar10":
                Cifar10Files.Write(pair, directory);
                return DatasetFormat.Cifar10;
            case "svhn":
                SvhnFiles.Write(pair, directory);
                return DatasetFormat.Svhn;
            case "svhn.raw":
                SvhnFiles.Write(pair, directory, labelsAsDouble: false, compress: false);
                return DatasetFormat.Svhn;
            default:
                throw new ArgumentOutOfRangeException(nameof(variant), variant, "Unknown fuzz variant.");
        }
    }

    private static (byte[] Bytes, string How) Mutate(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        var header = Math.Min(bytes.Length, 160);
        switch (random.Next(7))
        {
            case 0:
                for (var n = random.Next(1, 8); n > 0; n--)
                {
                    bytes[random.Next(bytes.Length)] ^= (byte)random.Next(1, 256);
                }
                return (bytes, "flipped bytes");
            case 1:
                var at = random.Next(Math.Max(1, header - 4));
                var value = random.Next(4) switch { 0 => 0u, 1 => uint.MaxValue, 2 => 0x7FFFFFFFu, _ => (uint)random.Next() };
                BitConverter.GetBytes(value).CopyTo(bytes, at);
                return (bytes, $"a header int at {at} set to {value}");
            case 2:
                return (bytes[..random.Next(bytes.Length)], "truncated");
            case 3:
                var extra = new byte[random.Next(1, 64)];
                random.NextBytes(extra);
                return ([.. bytes, .. extra], "extended");
            case 4:
                var start = random.Next(header);
                Array.Clear(bytes, start, Math.Min(bytes.Length - start, random.Next(1, 32)));
                return (bytes, "zeroed header bytes");
            case 5:
                var offset = random.Next(bytes.Length);
                bytes[offset] = (byte)random.Next(256);
                return (bytes, $"byte {offset} overwritten");
            default:
                using (var compressed = new MemoryStream())
                {
                    using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
                    {
                        gzip.Write(bytes, 0, bytes.Length / 2);
                    }
                    return (compressed.ToArray(), "replaced by half of it gzip-compressed");
                }
        }
    }
}
