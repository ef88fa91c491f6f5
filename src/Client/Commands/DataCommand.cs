using System.CommandLine;
using Sweep.Client.Output;
using Sweep.Grains.Hosting;
using Sweep.Model.Data;

namespace Sweep.Client.Commands;

/// <summary><c>sweep data synth|info</c>: write a synthetic dataset in one of the paper's formats; describe a dataset.</summary>
internal static class DataCommand
{
    private static readonly string[] Formats = ["mnist", "cifar10", "svhn"];

    public static Command Create(CliConsole console) => new("data", "Datasets: generate synthetic ones, inspect any") { Synth(console), Info(console) };

    private static Command Synth(CliConsole console)
    {
        var generator = new Argument<string>("generator") { Description = $"One of: {string.Join(", ", SyntheticDatasets.GeneratorNames)}" };
        generator.AcceptOnlyFromAmong([.. SyntheticDatasets.GeneratorNames]);
        var format = new Option<string>("--format") { Description = $"File format: {string.Join('|', Formats)}", Required = true };
        format.AcceptOnlyFromAmong(Formats);
        var outDir = new Option<string>("--out") { HelpName = "dir", Description = "Directory to write the files into", Required = true };
        var train = CommonOptions.WholeNumber("--train", "n", "Training images", min: 1, defaultValue: 2000);
        var test = CommonOptions.WholeNumber("--test", "n", "Test images", min: 1, defaultValue: 500);
        var size = CommonOptions.WholeNumber("--size", "pixels", "Image side in pixels (default: 28 for mnist, 32 otherwise)", min: 1);
        var seed = CommonOptions.WholeNumber("--seed", "n", "Generator seed", min: 0, defaultValue: 1);
        var command = new Command("synth", "Generate a synthetic dataset as files in a paper format") { generator, format, outDir, train, test, size, seed };
        command.SetAction(parse =>
        {
            var fmt = Parse(parse.GetValue(format)!);
            var side = parse.GetValue(size) ?? (fmt == DatasetFormat.Mnist ? 28 : 32);
            var name = parse.GetValue(generator)!;
            var dir = Path.GetFullPath(parse.GetValue(outDir)!);
            var existed = Directory.Exists(dir);
            try
            {
                // Validates and generates before it creates the directory: a refused setting leaves nothing behind.
                SyntheticDatasets.WriteFiles(new SyntheticDatasetSource(name, name, parse.GetValue(train), parse.GetValue(test), side, parse.GetValue(seed)), fmt, dir);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                if (!existed && Directory.Exists(dir))
                {
                    Directory.Delete(dir, recursive: true);
                }
                throw new CliException($"--out: cannot write the dataset files into {dir} ({e.Message.TrimEnd('.')}); give --out a directory you can write to", dir, "a directory you can write to");
            }
            console.Out.WriteLine($"wrote {name} ({parse.GetValue(train)} train, {parse.GetValue(test)} test, {side}x{side}) as {parse.GetValue(format)} files in {dir}");
            return 0;
        });
        return command;
    }

    private static Command Info(CliConsole console)
    {
        var target = CommonOptions.Id("dataset", "A directory of dataset files, or a catalog name (mnist, cifar10, svhn) under the data directory");
        var format = CommonOptions.Format("Output format", "table", "json");
        var command = new Command("info", "Sizes, image shape and class balance of a dataset") { target, format };
        command.SetAction(parse =>
        {
            var name = parse.GetValue(target)!;
            var source = Resolve(name, Path.Combine(SweepHosting.ResolveStoreDirectory(parse.GetValue(CommonOptions.Store)), "data"));
            var data = DatasetLoader.Load(source, Path.Combine(SweepHosting.ResolveStoreDirectory(parse.GetValue(CommonOptions.Store)), "data"));
            var info = new DatasetInfo(name, source is FileDatasetSource f ? f.Format.ToString().ToLowerInvariant() : name,
                data.Train.Count, data.Test.Count, data.Train.Shape.Channels, data.Train.Shape.Height, data.Train.Shape.Width, data.Train.Classes,
                Histogram(data.Train), Histogram(data.Test));
            if (parse.GetValue(format) == "json")
            {
                Json.Write(console.Out, info);
                return 0;
            }
            console.Out.WriteLine($"{info.Name}: {info.Format}, {info.Train} train + {info.Test} test images of {info.Channels}x{info.Height}x{info.Width}, {info.Classes} classes");
            var table = new Table("class", "train", "test");
            for (var c = 0; c < info.Classes; c++)
            {
                table.Add(c, info.TrainPerClass[c], info.TestPerClass[c]);
            }
            table.WriteText(console.Out);
            return 0;
        });
        return command;
    }

    private static DatasetSource Resolve(string target, string dataDirectory)
    {
        if (Formats.Contains(target) && !Directory.Exists(target))
        {
            return new CatalogDatasetSource(target);
        }
        var dir = Path.GetFullPath(target);
        if (!Directory.Exists(dir))
        {
            throw new CliException($"{dir} is not a directory, and '{target}' is not a catalog name ({string.Join(", ", Formats)} under {dataDirectory})");
        }
        bool Has(string pattern) => Directory.EnumerateFiles(dir, pattern).Any();
        var format = Has("train-images-idx3-ubyte*") ? DatasetFormat.Mnist
            : Has("data_batch_*.bin") ? DatasetFormat.Cifar10
            : Has("train_32x32.mat") ? DatasetFormat.Svhn
            : throw new CliException($"{dir} holds no dataset files: expected train-images-idx3-ubyte[.gz] (mnist), data_batch_1.bin (cifar10) or train_32x32.mat (svhn)");
        return new FileDatasetSource(Path.GetFileName(dir), format, dir);
    }

    private static DatasetFormat Parse(string format) => format switch
    {
        "mnist" => DatasetFormat.Mnist,
        "cifar10" => DatasetFormat.Cifar10,
        _ => DatasetFormat.Svhn,
    };

    private static int[] Histogram(Dataset data)
    {
        var counts = new int[data.Classes];
        foreach (var label in data.Labels)
        {
            counts[label]++;
        }
        return counts;
    }
}
