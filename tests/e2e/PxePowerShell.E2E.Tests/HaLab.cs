using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// The high-availability lab: a "clients" namespace holding a bridge (br0, {Prefix}.0.254/20) and two server namespaces,
/// each with eth0 on that bridge ({Prefix}.0.1 and {Prefix}.0.2, /20 so that a pool holds thousands of clients). The
/// processes started in it are killed and the namespaces removed in Dispose, also after a failed set-up.
/// </summary>
public sealed class HaLab : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly string _id = Guid.NewGuid().ToString("N")[..5];
    private readonly List<Shell.Background> _processes = [];

    /// <summary>Creates the namespaces, the bridge and the veths, and waits until the bridge forwards.</summary>
    public HaLab()
    {
        Assert.True(OperatingSystem.IsLinux() && Environment.UserName == "root", "the HA lab needs root (network namespaces)");
        Prefix = $"10.{Random.Shared.Next(100, 250)}";
        try
        {
            Shell.Run("ip", $"netns add {Clients}");
            Shell.Run("ip", $"-n {Clients} link add br0 type bridge");
            Shell.Run("ip", $"-n {Clients} link set br0 up");
            Shell.Run("ip", $"-n {Clients} link set lo up");
            Shell.Run("ip", $"-n {Clients} addr add {Prefix}.0.254/20 dev br0");
            for (int i = 0; i < 2; i++)
            {
                string server = Servers[i];
                Shell.Run("ip", $"netns add {server}");
                Shell.Run("ip", $"-n {Clients} link add v{i} type veth peer name eth0 netns {server}");
                Shell.Run("ip", $"-n {Clients} link set v{i} master br0");
                Shell.Run("ip", $"-n {Clients} link set v{i} up");
                Shell.Run("ip", $"-n {server} addr add {ServerAddress(i)}/20 dev eth0");
                Shell.Run("ip", $"-n {server} link set eth0 up");
                Shell.Run("ip", $"-n {server} link set lo up");
            }

            string state = string.Empty;
            Assert.True(
                SpinWait.SpinUntil(
                    () => (state = Shell.Run("ip", $"-n {Clients} -d link show master br0", check: false)).Split("state forwarding").Length == 3
                        && Servers.All(s => Shell.Run("ip", $"-n {s} link show eth0", check: false).Contains("LOWER_UP", StringComparison.Ordinal)),
                    TimeSpan.FromSeconds(30)),
                "the HA lab bridge is not forwarding: " + state);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The first two octets of the lab's /20 ({Prefix}.0.0/20).</summary>
    public string Prefix { get; }

    /// <summary>The namespace of the clients and the bridge.</summary>
    public string Clients => "hac" + _id;

    /// <summary>The two server namespaces.</summary>
    public string[] Servers => ["haa" + _id, "hab" + _id];

    /// <summary>The address of server <paramref name="i"/> (0 or 1).</summary>
    public string ServerAddress(int i) => $"{Prefix}.0.{i + 1}";

    /// <summary>Runs a long-running command in server namespace <paramref name="i"/>; it is killed in Dispose.</summary>
    public Shell.Background StartInServer(int i, string command, IDictionary<string, string>? environment = null)
    {
        var process = Shell.Start("ip", $"netns exec {Servers[i]} {command}", environment);
        _processes.Add(process);
        return process;
    }

    /// <summary>Creates a UDP socket inside the clients' namespace (it stays there wherever it is used).</summary>
    public Socket CreateClientSocket()
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/var/run/netns/{Clients}");
                if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns failed: {Marshal.GetLastPInvokeError()}");
                }

                socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            }
            catch (Exception ex) when (ex is IOException or InvalidOperationException or SocketException or UnauthorizedAccessException)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? socket! : throw error;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var process in _processes)
        {
            process.Kill();
            process.Dispose();
        }

        _processes.Clear(); // a second Dispose only finds the namespaces gone

        foreach (var ns in Servers.Append(Clients))
        {
            Shell.Run("ip", $"netns del {ns}", check: false);
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which the test project does not allow.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
#pragma warning restore SYSLIB1054
}
