namespace Sweep.Hosts.Tests;

/// <summary>
/// Machines simulated with Linux network namespaces: one namespace per host, each with its own interface
/// <c>eth0</c> and address in 10.213.0.0/24, joined by veth pairs to a bridge that lives in its own
/// <c>switch</c> namespace (nothing is attached to the test's own namespace). Names carry the test process's id,
/// so runs never meet; <see cref="DisposeAsync"/> kills whatever still runs inside and deletes them all.
/// </summary>
public sealed class HostNetwork : IAsyncDisposable
{
    public const string Subnet = "10.213.0.0/24";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);
    private readonly string _suffix = Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
    private readonly List<string> _namespaces = [];
    private readonly Dictionary<string, string> _addresses = [];

    private HostNetwork()
    {
    }

    public string Switch => Namespace("switch");

    /// <summary>The namespace of host <paramref name="host"/>.</summary>
    public string Namespace(string host) => $"sweep{_suffix}-{host}";

    public string Address(string host) => _addresses[host];

    /// <summary>Makes the switch and one namespace per host (name → last octet of its address).</summary>
    /// <exception cref="InvalidOperationException">Not root, no iproute2, or the kernel refuses namespaces; the message says which.</exception>
    public static async Task<HostNetwork> CreateAsync(IReadOnlyDictionary<string, int> hosts)
    {
        if (!Environment.IsPrivilegedProcess)
        {
            throw new InvalidOperationException("the multi-host tests make network namespaces, which needs root: run ./test.sh as root (CI does)");
        }
        if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") && !File.Exists("/usr/bin/ip"))
        {
            throw new InvalidOperationException("the multi-host tests need iproute2's 'ip' (./test.sh installs it: apt-get install iproute2)");
        }
        var network = new HostNetwork();
        try
        {
            await network.AddNamespaceAsync(network.Switch);
            await network.IpAsync("-n", network.Switch, "link", "add", "br0", "type", "bridge");
            await network.IpAsync("-n", network.Switch, "link", "set", "br0", "up");
            var index = 0;
            foreach (var (host, octet) in hosts)
            {
                index++;
                var ns = network.Namespace(host);
                await network.AddNamespaceAsync(ns);
                var (inside, outside) = ($"sw{network._suffix}h{index}", $"sw{network._suffix}s{index}");
                await network.IpAsync("link", "add", inside, "type", "veth", "peer", "name", outside);
                await network.IpAsync("link", "set", inside, "netns", ns);
                await network.IpAsync("link", "set", outside, "netns", network.Switch);
                await network.IpAsync("-n", ns, "link", "set", inside, "name", "eth0");
                await network.IpAsync("-n", network.Switch, "link", "set", outside, "master", "br0");
                await network.IpAsync("-n", network.Switch, "link", "set", outside, "up");
                var address = $"10.213.0.{octet}";
                await network.IpAsync("-n", ns, "addr", "add", $"{address}/24", "dev", "eth0");
                await network.IpAsync("-n", ns, "link", "set", "eth0", "up");
                network._addresses[host] = address;
            }
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>Cuts host <paramref name="host"/> off the network (its interface down) or reconnects it.</summary>
    public Task SetLinkAsync(string host, bool up) => IpAsync("-n", Namespace(host), "link", "set", "eth0", up ? "up" : "down");

    /// <summary>The command line that runs <paramref name="command"/> on host <paramref name="host"/>.</summary>
    public IReadOnlyList<string> On(string host, params IEnumerable<string> command) => ["ip", "netns", "exec", Namespace(host), .. command];

    /// <summary>Runs a command on a host to its end.</summary>
    public Task<Shell.Result> RunAsync(string host, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] command)
    {
        var line = On(host, command);
        return Shell.RunAsync(line[0], line.Skip(1), timeout, environment, Repository.Root);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            // Only processes started inside our own namespaces, by id.
            var pids = await Shell.RunAsync("ip", ["netns", "pids", ns], CommandTimeout);
            foreach (var pid in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                await Shell.RunAsync("kill", ["-9", pid.Trim()], CommandTimeout);
            }
        }
        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            await Shell.RunAsync("ip", ["netns", "del", ns], CommandTimeout);
        }
        _namespaces.Clear();
    }

    private async Task AddNamespaceAsync(string ns)
    {
        var made = await Shell.RunAsync("ip", ["netns", "add", ns], CommandTimeout);
        if (made.ExitCode != 0)
        {
            throw new InvalidOperationException($"cannot make network namespace {ns}: {made.Stderr.Trim()} (the multi-host tests need root and a kernel with network namespaces)");
        }
        _namespaces.Add(ns);
        await IpAsync("-n", ns, "link", "set", "lo", "up");
    }

    private async Task IpAsync(params string[] arguments) =>
        (await Shell.RunAsync("ip", arguments, CommandTimeout)).Check($"ip {string.Join(' ', arguments)}");
}
