using System.Text.RegularExpressions;

namespace Sweep.Client.Tests.BadInput;

/// <summary>
/// Every bad input of <see cref="BadInputCases"/>: the exit code, exactly one stderr line that names the input and
/// says what is valid, no framework type name or stack frame, nothing on stdout, and — comparing the workspace
/// (inputs, store, output directories) before and after — nothing created or half-written.
/// </summary>
public sealed partial class BadInputTests
{
    public static TheoryData<string> Names => [.. BadInputCases.All.Keys];

    /// <summary>A few cases again as a real process, for the exit code and stderr a shell sees.</summary>
    public static TheoryData<string> ProcessNames => ["cli: --top abc", "cli: status --bogus", "store: status of a sweep whose definition has a flipped byte", "dataset: Mnist: a .gz file that is not gzip"];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task ABadInput_IsOneLineNamingItAndWhatIsValid_AndChangesNothing(string name)
    {
        using var workspace = new BadInputWorkspace();
        var (args, expected) = await BadInputCases.All[name].Arrange(workspace);
        var before = DirectorySnapshot.Take(workspace.Root);

        var run = await CliRun.RunAsync(args);

        AssertRefused(BadInputCases.All[name], run, expected);
        Assert.True(DirectorySnapshot.Take(workspace.Root).Difference(before) is "", $"the refused command changed the workspace:{Environment.NewLine}{DirectorySnapshot.Take(workspace.Root).Difference(before)}");
    }

    [Theory]
    [MemberData(nameof(ProcessNames))]
    public async Task ABadInput_AsARealProcess_ExitsWithTheSameOneLine(string name)
    {
        using var workspace = new BadInputWorkspace();
        var (args, expected) = await BadInputCases.All[name].Arrange(workspace);
        var before = DirectorySnapshot.Take(workspace.Root);

        var run = await SweepProcess.RunAsync(workspace.Root, TimeSpan.FromSeconds(60), args);

        AssertRefused(BadInputCases.All[name], run, expected);
        Assert.Equal(before, DirectorySnapshot.Take(workspace.Root), new SnapshotComparer());
    }

    [Fact]
    public void TheSuite_HasAtLeastEightyCases_InEveryClass()
    {
        var perClass = BadInputCases.All.Values.GroupBy(c => c.Class).ToDictionary(g => g.Key, g => g.Count());

        Assert.True(BadInputCases.All.Count >= 80, $"{BadInputCases.All.Count} cases");
        Assert.Equal(["cli", "connection", "dataset", "grid", "store"], perClass.Keys.Order());
        Assert.All(perClass.Values, n => Assert.True(n >= 5));
    }

    private static void AssertRefused(BadInputCase badInput, CliRun run, string[] expected)
    {
        var line = Assert.Single(run.ErrorLines);
        Assert.Equal(badInput.ExitCode, run.ExitCode);
        Assert.StartsWith("sweep: ", line);
        foreach (var fragment in expected)
        {
            Assert.Contains(fragment, line);
        }
        Assert.DoesNotMatch(FrameworkName(), line);
        Assert.DoesNotContain("--verbose", line);
        Assert.DoesNotContain("(Parameter '", line);
        Assert.DoesNotContain("hunter2", run.Error);
        Assert.Equal("", run.Out);
    }

    /// <summary>A .NET namespace-qualified name, an exception type's name, a stack frame or a generic arity marker.</summary>
    [GeneratedRegex(@"\b(System|Microsoft|Orleans|Npgsql)\.[A-Z]|\b[A-Z][A-Za-z]*Exception\b|\s+at [A-Z]\w*\.|`\d")]
    private static partial Regex FrameworkName();

    private sealed class SnapshotComparer : IEqualityComparer<DirectorySnapshot>
    {
        public bool Equals(DirectorySnapshot? x, DirectorySnapshot? y) => x!.Entries.SequenceEqual(y!.Entries);

        public int GetHashCode(DirectorySnapshot obj) => obj.Entries.Count;
    }
}
