using Sweep.Model.Data;
using Sweep.Grains.Storage.LocalDirectory;

namespace Sweep.Client.Tests.BadInput;

/// <summary>The bad inputs, by class; each name is a theory row of <see cref="BadInputTests"/>.</summary>
public static class BadInputCases
{
    public static readonly IReadOnlyDictionary<string, BadInputCase> All = Build();

    private const int UserError = 1;
    private const int UsageError = 2;

    private static Dictionary<string, BadInputCase> Build()
    {
        var cases = new Dictionary<string, BadInputCase>(StringComparer.Ordinal);
        void Add(string cls, string name, int exit, Func<BadInputWorkspace, (string[] Args, string[] Expected)> arrange) =>
            cases.Add($"{cls}: {name}", new BadInputCase(cls, exit, w => Task.FromResult(arrange(w))));
        void AddAsync(string cls, string name, int exit, Func<BadInputWorkspace, Task<(string[] Args, string[] Expected)>> arrange) =>
            cases.Add($"{cls}: {name}", new BadInputCase(cls, exit, arrange));

        // Grids: submit refuses before anything is created (the store named does not appear).
        void Grid(string name, string fields, params string[] expected) => Add("grid", name, UserError, w =>
        {
            var grid = w.Grid(fields);
            return (["submit", grid, "--store", w.NoStore], [grid, .. expected]);
        });
        void GridText(string name, string text, params string[] expected) => Add("grid", name, UserError, w =>
        {
            var grid = w.Text("grid.json", text);
            return (["submit", grid, "--store", w.NoStore], [grid, .. expected]);
        });
        Grid("a learning rate of 0", ", \"learningRates\": [0]", "$.learningRates[0]", "greater than 0 and at most 10", "found 0");
        Grid("a learning rate above 10", ", \"learningRates\": [11]", "$.learningRates[0]", "at most 10", "found 11");
        Grid("a learning rate as text", ", \"learningRates\": [\"fast\"]", "$.learningRates[0]", "\"fast\"");
        Grid("a negative seed", ", \"seeds\": [-1]", "$.seeds[0]", "0 or more", "found -1");
        Grid("0 filters", ", \"filters\": [0]", "$.filters[0]", "from 1 to 1024", "found 0");
        Grid("2000 filters", ", \"filters\": [2000]", "$.filters[0]", "from 1 to 1024", "found 2000");
        Grid("an unknown field", ", \"learningRate\": [0.1]", "$.learningRate", "did you mean 'learningRates'");
        Grid("a misspelt training field", ", \"trainning\": {}", "$.trainning", "did you mean 'training'");
        Grid("a filter study with one filter count", ", \"studies\": {\"filters\": true}", "$.studies.filters", "at least two filter counts");
        Grid("a study pair naming an absent architecture", ", \"studies\": {\"denseVsConv\": [\"dnn\", \"vgg\"]}", "$.studies.denseVsConv", "vgg");
        GridText("a name with a slash", """{"name": "a/b", "datasets": ["gaussian"], "architectures": ["dnn"], "training": {"devSize": 50}}""", "$.name", "1 to 64 characters from A-Z a-z 0-9 _ -", "\"a/b\"");
        GridText("a name of 70 characters", $$$"""{"name": "{{{new string('x', 70)}}}", "datasets": ["gaussian"], "architectures": ["dnn"], "training": {"devSize": 50}}""", "$.name", "1 to 64 characters");
        GridText("no name", """{"datasets": ["gaussian"], "architectures": ["dnn"], "training": {"devSize": 50}}""", "missing required field 'name'");
        GridText("no datasets", """{"name": "n", "datasets": [], "architectures": ["dnn"]}""", "$.datasets", "at least one", "empty array");
        GridText("an unknown catalog dataset", """{"name": "n", "datasets": ["imagenet"], "architectures": ["dnn"]}""", "$.datasets[0]", "'imagenet'", "mnist, cifar10, svhn");
        GridText("an unknown generator", """{"name": "n", "datasets": [{"name": "g", "synthetic": "noise"}], "architectures": ["dnn"]}""", "$.datasets[0].synthetic", "'noise'", "shapes, gaussian");
        GridText("an image size below the generator's range", """{"name": "n", "datasets": [{"name": "g", "synthetic": "shapes", "imageSize": 4}], "architectures": ["dnn"]}""", "$.datasets[0].imageSize", "8-64");
        GridText("an unknown file format", """{"name": "n", "datasets": [{"name": "g", "format": "png", "path": "x"}], "architectures": ["dnn"]}""", "$.datasets[0].format", "\"mnist\" or \"cifar10\" or \"svhn\"", "\"png\"");
        GridText("an unknown preset", """{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": ["resnet"], "training": {"devSize": 50}}""", "$.architectures[0]", "'resnet'", "dnn, cnn, cnn2");
        GridText("a layer that does not parse", """{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": [{"name": "x", "spec": "conv3x3-dense10"}], "training": {"devSize": 50}}""", "$.architectures[0].spec", "'conv3x3'", "conv<F>k<K>");
        GridText("a conv layer after a dense one", """{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": [{"name": "x", "spec": "dense10-conv3k3"}], "training": {"devSize": 50}}""", "$.architectures[0].spec", "follows a dense layer", "before every dense layer");
        GridText("a duplicate architecture", """{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": ["dnn", "dnn"], "training": {"devSize": 50}}""", "$.architectures[1]", "duplicate architecture name 'dnn'");
        GridText("a dev split as large as the training set", """{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": ["dnn"], "training": {"devSize": 300}}""", "$.datasets[0]", "devSize", "smaller than 300");
        GridText("not JSON", "{\"name\": ", "not valid JSON", "line 1");
        GridText("an array, not an object", "[1, 2]", "expected an object with the fields name, datasets");
        GridText("more than 100 000 trials", $$"""{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": ["dnn"], "training": {"devSize": 50}, "seeds": [{{string.Join(',', Enumerable.Range(0, 1000))}}], "learningRates": [{{string.Join(',', Enumerable.Range(1, 101).Select(i => (i * 0.001).ToString(System.Globalization.CultureInfo.InvariantCulture)))}}]}""", "101000 trials", "at most 100000");
        foreach (var (field, value, valid) in new[]
        {
            ("batchSize", "0", "from 1 to 65536"), ("steps", "0", "from 1 to 10000000"), ("threads", "0", "from 1 to 256"),
            ("activation", "\"tanh\"", "\"relu\" or \"elu\""), ("optimizer", "\"rmsprop\"", "\"adam\" or \"sgd\""), ("checkpointEvery", "-1", "0 or more"),
        })
        {
            GridText($"training.{field} = {value}", $$$"""{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": ["dnn"], "training": {"devSize": 50, "{{{field}}}": {{{value}}}}}""", $"$.training.{field}", valid);
        }
        GridText("training.devSize = -1", """{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": ["dnn"], "training": {"devSize": -1}}""", "$.training.devSize", "0 or more");
        GridText("early stopping with patience 0", """{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": ["dnn"], "training": {"devSize": 50, "earlyStopping": {"patience": 0}}}""", "$.training.earlyStopping.patience", "1 or more");
        GridText("early stopping with minDelta 2", """{"name": "n", "datasets": [{"name": "g", "synthetic": "gaussian", "trainSize": 300}], "architectures": ["dnn"], "training": {"devSize": 50, "earlyStopping": {"patience": 2, "minDelta": 2}}}""", "$.training.earlyStopping.minDelta", "from 0 to 1");
        Add("grid", "a grid file that does not exist", UserError, w => (["submit", w.PathOf("absent.json"), "--store", w.NoStore], [w.PathOf("absent.json")]));
        Add("grid", "an empty grid file", UserError, w => (["submit", w.Text("empty.json", ""), "--store", w.NoStore], [w.PathOf("empty.json"), "is empty", "JSON object"]));
        Add("grid", "a directory as the grid", UserError, w =>
        {
            Directory.CreateDirectory(w.PathOf("grids"));
            return (["submit", w.PathOf("grids"), "--store", w.NoStore], [w.PathOf("grids"), "is a directory", ".json"]);
        });

        // Datasets, each format: `data info` names the file and what was expected.
        void Data(string name, DatasetFormat format, Action<string> damage, params string[] expected) => Add("dataset", $"{format}: {name}", UserError, w =>
        {
            var directory = w.Dataset(format);
            damage(directory);
            return (["data", "info", directory], expected);
        });
        string In(string directory, string file) => Path.Combine(directory, file);
        static byte[] Cut(byte[] bytes, int keep) => bytes[..keep];
        Data("truncated training images", DatasetFormat.Mnist, d => Truncate(In(d, Idx.TrainImages), 30), Idx.TrainImages);
        Data("labels with a bad magic number", DatasetFormat.Mnist, d => Patch(In(d, Idx.TrainLabels), 0, [0, 0, 0, 0]), Idx.TrainLabels, "magic");
        Data("images with a bad magic number", DatasetFormat.Mnist, d => Patch(In(d, Idx.TestImages), 2, [9]), Idx.TestImages, "magic");
        Data("fewer labels than images", DatasetFormat.Mnist, d => Patch(In(d, Idx.TrainLabels), 4, [0, 0, 0, 5]), Idx.TrainLabels);
        Data("a label of 10", DatasetFormat.Mnist, d => Patch(In(d, Idx.TestLabels), 8, [10]), Idx.TestLabels, "10");
        Data("no test labels", DatasetFormat.Mnist, d => File.Delete(In(d, Idx.TestLabels)), Idx.TestLabels);
        Data("an empty image file", DatasetFormat.Mnist, d => File.WriteAllBytes(In(d, Idx.TrainImages), []), Idx.TrainImages);
        Data("0 rows per image", DatasetFormat.Mnist, d => Patch(In(d, Idx.TrainImages), 8, [0, 0, 0, 0]), Idx.TrainImages);
        Data("a .gz file that is not gzip", DatasetFormat.Mnist, d => File.Move(In(d, Idx.TrainImages), In(d, Idx.TrainImages + ".gz")), Idx.TrainImages + ".gz", "not a gzip file");
        Data("a corrupt gzip file", DatasetFormat.Mnist, d =>
        {
            var path = In(d, Idx.TrainLabels);
            using (var output = File.Create(path + ".gz"))
            using (var gzip = new System.IO.Compression.GZipStream(output, System.IO.Compression.CompressionLevel.Fastest))
            {
                gzip.Write(File.ReadAllBytes(path));
            }
            File.Delete(path);
            var bytes = File.ReadAllBytes(path + ".gz");
            File.WriteAllBytes(path + ".gz", Cut(bytes, bytes.Length / 2));
        }, Idx.TrainLabels + ".gz", "gzip");
        Data("a truncated batch", DatasetFormat.Cifar10, d => Truncate(In(d, "data_batch_1.bin"), 100), "data_batch_1.bin", "3073");
        Data("a label of 12", DatasetFormat.Cifar10, d => Patch(In(d, "test_batch.bin"), 0, [12]), "test_batch.bin", "12");
        Data("no test batch", DatasetFormat.Cifar10, d => File.Delete(In(d, "test_batch.bin")), "test_batch.bin");
        Data("an empty test batch", DatasetFormat.Cifar10, d => File.WriteAllBytes(In(d, "test_batch.bin"), []), "test_batch.bin");
        Data("a text file as the MAT file", DatasetFormat.Svhn, d => File.WriteAllText(In(d, "train_32x32.mat"), "not a MATLAB file"), "train_32x32.mat");
        Data("a truncated MAT file", DatasetFormat.Svhn, d => Truncate(In(d, "test_32x32.mat"), 200), "test_32x32.mat");
        Data("a MAT file cut inside its header", DatasetFormat.Svhn, d => Truncate(In(d, "train_32x32.mat"), 60), "train_32x32.mat");
        Data("a damaged compressed element", DatasetFormat.Svhn, d => Patch(In(d, "test_32x32.mat"), 140, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), "test_32x32.mat");
        Data("no test file", DatasetFormat.Svhn, d => File.Delete(In(d, "test_32x32.mat")), "test_32x32.mat");
        Add("dataset", "a directory without dataset files", UserError, w =>
        {
            Directory.CreateDirectory(w.PathOf("empty"));
            return (["data", "info", w.PathOf("empty")], [w.PathOf("empty"), "holds no dataset files", "train-images-idx3-ubyte"]);
        });
        Add("dataset", "a dataset directory that does not exist", UserError, w => (["data", "info", w.PathOf("nowhere")], [w.PathOf("nowhere"), "not a directory", "mnist, cifar10, svhn"]));

        // `data synth` refuses before it creates --out.
        void Synth(string name, int exit, string[] args, params string[] expected) => Add("dataset", $"synth: {name}", exit, w =>
            (["data", "synth", .. args, "--out", w.PathOf("out")], expected));
        Synth("cifar10 at 16 pixels", UserError, ["shapes", "--format", "cifar10", "--size", "16"], "ImageSize 16", "CIFAR-10", "32");
        Synth("cifar10 with 60 000 training images", UserError, ["gaussian", "--format", "cifar10", "--train", "60000"], "60000", "at most 50000");
        Synth("shapes at 100 pixels", UserError, ["shapes", "--format", "svhn", "--size", "100"], "100", "8-64");
        Synth("0 training images", UsageError, ["shapes", "--format", "mnist", "--train", "0"], "--train", "at least 1");
        Synth("a training count as text", UsageError, ["shapes", "--format", "mnist", "--train", "many"], "--train", "'many'", "whole number");
        Synth("an unknown format", UsageError, ["shapes", "--format", "bmp"], "bmp", "mnist");
        Synth("an unknown generator", UsageError, ["noise", "--format", "mnist"], "noise", "shapes");
        Add("dataset", "synth: --out under a file", UserError, w =>
        {
            var file = w.Text("plain", "x");
            return (["data", "synth", "gaussian", "--format", "mnist", "--train", "20", "--test", "10", "--out", Path.Combine(file, "out")], ["--out", Path.Combine(file, "out")]);
        });

        Add("dataset", "synth: --out under /proc", UserError, w => (["data", "synth", "gaussian", "--format", "mnist", "--out", "/proc/sweep-data"], ["--out", "/proc/sweep-data", "a directory you can write to"]));
        AddAsync("store", "study --out onto a file", UserError, async w =>
        {
            var store = await w.FinishedStoreAsync();
            var file = w.Text("report", "x");
            return (["study", "tiny", "--out", file, "--store", store], ["--out", file, "a directory you can write to"]);
        });

        // Store directories and ids.
        foreach (var command in new[] { "status", "leaderboard", "trials tiny", "cancel tiny", "study tiny" })
        {
            Add("store", $"{command} on a store that is a file", UserError, w =>
            {
                var file = w.Text("plain", "x");
                return ([.. command.Split(' '), "--store", file], [$"'{file}'", "is a file", "--store DIR"]);
            });
        }
        Add("store", "submit to a store that is a file", UserError, w =>
        {
            var file = w.Text("plain", "x");
            return (["submit", w.Grid(""), "--store", file], [$"'{file}'", "is a file", "--store DIR"]);
        });
        Add("store", "submit to a store under a file", UserError, w =>
        {
            var store = Path.Combine(w.Text("plain", "x"), "store");
            return (["submit", w.Grid(""), "--store", store], [$"'{store}'", $"under '{w.PathOf("plain")}', which is a file", "--store DIR"]);
        });
        Add("store", "status on a store under a file", UserError, w =>
        {
            var store = Path.Combine(w.Text("plain", "x"), "store");
            return (["status", "--store", store], [$"'{store}'", "which is a file", "--store DIR"]);
        });
        Add("store", "submit to a store under /proc", UserError, w => (["submit", w.Grid(""), "--store", "/proc/sweep-store"], ["'/proc/sweep-store'", "pseudo-filesystem", "--store DIR"]));
        Add("store", "leaderboard on a store under /sys", UserError, w => (["leaderboard", "--store", "/sys/sweep-store"], ["'/sys/sweep-store'", "pseudo-filesystem", "--store DIR"]));
        Add("store", "leaderboard on a store that does not exist", UserError, w => (["leaderboard", "--store", w.NoStore], [w.NoStore, "submit a sweep first", "--store"]));
        foreach (var (command, id) in new[] { ("status", "../x"), ("study", "a/b"), ("predictions", "../ok/tiny.gauss.dnn.f0.lr0.01.s1"), ("cancel", "x/y"), ("trials", ".."), ("trials", "a b") })
        {
            AddAsync("store", $"{command} '{id}'", UserError, async w =>
                ([command, id, "--store", await w.FinishedStoreAsync()], [$"'{id}'", "[A-Za-z0-9_.-]"]));
        }
        AddAsync("store", "cancel on a store where a trial's directory is a file", UserError, async w =>
        {
            var store = w.PathOf("store");
            var grid = w.Text("tiny.json", TinyGrids.Valid);
            await new Sweep.Grains.Storage.LocalDirectory.LocalDirectorySweepStore(store).CreateSweepAsync(Sweep.Grains.Grid.GridCompiler.Compile(TinyGrids.Valid, grid));
            var blocked = w.Text(Path.Combine("store", "trials", FinishedStore.TrialId), "not a directory");
            return (["cancel", "tiny", "--store", store], [$"cannot write {blocked}", $"'{store}'", "--store DIR"]);
        });
        void Damaged(string name, string file, Action<string> damage, string[] command, params string[] expected) =>
            AddAsync("store", name, UserError, async w =>
            {
                var store = await w.FinishedStoreAsync();
                var path = Path.Combine(store, file);
                damage(path);
                return ([.. command, "--store", store], [path, .. expected]);
            });
        var sweepFile = Path.Combine("sweeps", FinishedStore.SweepId, "sweep.swf");
        var resultFile = Path.Combine("trials", FinishedStore.TrialId, "result.bin");
        Damaged("status of a sweep whose definition has a flipped byte", sweepFile, p => Flip(p, -1), ["status", "tiny"], "'tiny'", "checksum", "submit its grid again");
        Damaged("trials of a sweep whose definition is truncated", sweepFile, p => Truncate(p, 40), ["trials", "tiny"], "'tiny'", "submit its grid again");
        Damaged("study of a sweep whose definition is empty", sweepFile, p => File.WriteAllBytes(p, []), ["study", "tiny"], "'tiny'", "submit its grid again");
        Damaged("cancel of a sweep whose definition is text", sweepFile, p => File.WriteAllText(p, "{}"), ["cancel", "tiny"], "'tiny'", "submit its grid again");
        Damaged("leaderboard of a sweep whose definition is damaged", sweepFile, p => Flip(p, 30), ["leaderboard", "--sweep", "tiny"], "'tiny'", "submit its grid again");
        Damaged("predictions from a result with a flipped JSON byte", resultFile, p => Flip(p, 90), ["predictions", FinishedStore.TrialId], FinishedStore.TrialId, "checksum", "submit its grid again");
        Damaged("predictions from a result with a flipped prediction byte", resultFile, p => Flip(p, -5), ["predictions", FinishedStore.TrialId], "checksum", "binary section");
        Damaged("dev predictions from a truncated result", resultFile, p => Truncate(p, 200), ["predictions", FinishedStore.TrialId, "--split", "dev"], "not a complete Sweep result file");
        Damaged("predictions from a result with a bad magic", resultFile, p => Patch(p, 0, "XXXX"u8.ToArray()), ["predictions", FinishedStore.TrialId], "bad header");

        // Command-line arguments: usage errors (exit 2) that name the option and what it takes.
        void Cli(string name, string[] args, params string[] expected) => Add("cli", name, UsageError, w => ([.. args, "--store", w.NoStore], expected));
        Cli("--top abc", ["leaderboard", "--top", "abc"], "--top", "'abc'", "whole number of at least 1");
        Cli("--top 0", ["leaderboard", "--top", "0"], "--top", "at least 1");
        Cli("--top -3", ["leaderboard", "--top", "-3"], "--top", "at least 1");
        Cli("--top 1.5", ["leaderboard", "--top", "1.5"], "--top", "'1.5'", "whole number");
        Cli("--top beyond a 32-bit number", ["leaderboard", "--top", "99999999999"], "--top", "99999999999", "out of range", "2147483647");
        Cli("status --bogus", ["status", "--bogus"], "unknown option '--bogus'", "sweep status --help");
        Cli("trials --bogus", ["trials", "--bogus"], "unknown option '--bogus'");
        Cli("an unknown metric", ["leaderboard", "--metric", "accuracy"], "accuracy", "testAccuracy");
        Cli("an unknown format", ["leaderboard", "--format", "xml"], "xml", "table");
        Cli("trials without a sweep", ["trials"], "sweep trials --help");
        Cli("an unknown split", ["predictions", "t", "--split", "train"], "train", "test");
        Cli("--slots abc", ["submit", "grid.json", "--slots", "abc"], "--slots", "'abc'", "whole number");
        Cli("--port abc", ["silo", "--port", "abc"], "--port", "'abc'", "whole number");
        Cli("--cores abc", ["submit", "grid.json", "--cores", "abc"], "--cores", "'abc'", "whole number");
        Cli("silo --cores 0", ["silo", "--cores", "0"], "--cores", "at least 1");
        Cli("an unknown telemetry exporter", ["status", "--telemetry", "jaeger"], "jaeger", "console");
        Cli("an unknown command", ["frobnicate"], "unknown command or argument 'frobnicate'");
        Cli("data synth --seed -1", ["data", "synth", "shapes", "--format", "mnist", "--out", "x", "--seed", "-1"], "--seed", "at least 0");
        Cli("an unknown study format", ["study", "tiny", "--format", "pdf"], "pdf", "md");

        // Connection strings: one line naming the problem and the expected form; a password is never echoed.
        void Connection(string name, string[] args, params string[] expected) => Add("connection", name, UserError, w => ([.. args, "--store", w.NoStore], expected));
        Connection("status with words for a connection string", ["status", "--cluster", "not a connection string"], "not a PostgreSQL connection string", "Host=");
        Connection("leaderboard with a port that is not a number", ["leaderboard", "--cluster", "Host=db;Port=abc"], "not a PostgreSQL connection string", "the value of Port", "Host=");
        Connection("an unknown keyword", ["cancel", "x", "--cluster", "Hots=db;Password=hunter2"], "not a PostgreSQL connection string", "Host=");
        Connection("db migrate with a malformed string", ["db", "migrate", "--postgres", "=;="], "not a PostgreSQL connection string", "Host=");
        Connection("silo with a malformed string", ["silo", "--postgres", "garbage"], "not a PostgreSQL connection string", "Host=");
        Connection("a server that refuses the connection", ["status", "--cluster", "Host=127.0.0.1;Port=1;Timeout=3;Password=hunter2"], "PostgreSQL", "127.0.0.1:1", "refused", "--cluster");
        Connection("db migrate against a server that is not there", ["db", "migrate", "--postgres", "Host=127.0.0.1;Port=1;Timeout=3;Password=hunter2"], "PostgreSQL");
        return cases;
    }

    /// <summary>The MNIST IDX file names.</summary>
    private static class Idx
    {
        public const string TrainImages = "train-images-idx3-ubyte";
        public const string TrainLabels = "train-labels-idx1-ubyte";
        public const string TestImages = "t10k-images-idx3-ubyte";
        public const string TestLabels = "t10k-labels-idx1-ubyte";
    }

    private static void Truncate(string path, int keep) => File.WriteAllBytes(path, File.ReadAllBytes(path)[..keep]);

    private static void Patch(string path, int offset, byte[] bytes)
    {
        var content = File.ReadAllBytes(path);
        bytes.CopyTo(content, offset);
        File.WriteAllBytes(path, content);
    }

    /// <summary>Inverts one byte; a negative offset counts from the end.</summary>
    private static void Flip(string path, int offset)
    {
        var content = File.ReadAllBytes(path);
        content[offset < 0 ? content.Length + offset : offset] ^= 0xFF;
        File.WriteAllBytes(path, content);
    }
}
