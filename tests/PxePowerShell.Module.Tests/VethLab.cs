namespace PxePowerShell.Module.Tests;

/// <summary>
/// A veth pair made for one test: the host end (<see cref="HostInterface"/>, x.y.N.1/24) stays in this namespace where the
/// module's servers run, the client end (x.y.N.2/24) lives in a network namespace of its own. Deleted on Dispose.
/// </summary>
public sealed class VethLab : IDisposable
{
    private readonly string _id;

    /// <summary>Creates the lab in an unused /24 of <paramref name="prefix"/> ("10.201").</summary>
    public VethLab(string tag, string prefix)
    {
        Assert.True(OperatingSystem.IsLinux() && Environment.UserName == "root", "needs root and iproute2");
        _id = Guid.NewGuid().ToString("N")[..6];
        Namespace = $"{tag}-{_id}";
        HostInterface = $"{tag}h{_id}";
        string clientInterface = $"{tag}c{_id}";
        string used = ExternalProcess.Run("ip", "-4 -o addr show").StdOut;
        int subnet;
        do
        {
            subnet = Random.Shared.Next(100, 250);
        }
        while (used.Contains($"{prefix}.{subnet}.", StringComparison.Ordinal));

        Subnet = $"{prefix}.{subnet}";
        foreach (var command in new[]
        {
            $"netns add {Namespace}",
            $"link add {HostInterface} type veth peer name {clientInterface}",
            $"link set {clientInterface} netns {Namespace}",
            $"addr add {Subnet}.1/24 dev {HostInterface}",
            $"link set {HostInterface} up",
            $"netns exec {Namespace} ip addr add {Subnet}.2/24 dev {clientInterface}",
            $"netns exec {Namespace} ip link set {clientInterface} up",
        })
        {
            var result = ExternalProcess.Run("ip", command);
            if (result.ExitCode != 0)
            {
                Dispose();
                Assert.Fail($"ip {command}: {result.StdErr}");
            }
        }

        // A veth end reports "up" a moment after both ends are set up; servers skip interfaces that are not up.
        string state = $"/sys/class/net/{HostInterface}/operstate";
        Assert.True(ExternalProcess.WaitUntil(() => File.ReadAllText(state).Trim() == "up", TimeSpan.FromSeconds(10)), $"{HostInterface} did not come up");
    }

    /// <summary>A short random id, also usable in MAC addresses (6 hex digits).</summary>
    public string Id => _id;

    /// <summary>The client's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The host end, where servers listen (address <see cref="Subnet"/>.1).</summary>
    public string HostInterface { get; }

    /// <summary>The first three octets of the lab's /24 ("10.201.123").</summary>
    public string Subnet { get; }

    /// <summary>The host end's address.</summary>
    public string ServerAddress => Subnet + ".1";

    /// <inheritdoc />
    public void Dispose()
    {
        ExternalProcess.Run("ip", $"netns del {Namespace}");
        ExternalProcess.Run("ip", $"link del {HostInterface}");
    }
}
