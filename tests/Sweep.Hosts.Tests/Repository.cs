using System.Reflection;

namespace Sweep.Hosts.Tests;

/// <summary>The repository this test build belongs to, and the build configuration its deploy scripts should run.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>This test build's configuration (Release under ./test.sh): the built CLI and silo of the same one run.</summary>
    public static string Configuration { get; } =
        typeof(Repository).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;

    public static string Deploy(string script) => Path.Combine(Root, "deploy", script);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sweep.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Sweep.sln not found above {AppContext.BaseDirectory}");
    }
}
