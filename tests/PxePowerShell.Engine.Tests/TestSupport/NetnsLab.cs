using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Tests.TestSupport;

/// <summary>
/// A network namespace made for one test: <c>pxt-xxxxxx</c> with a veth pair. The host end (root namespace)
/// gets 10.201.N.1/24, the client end inside the namespace 10.201.N.2/24. Deleted in Dispose.
/// Sockets for the client side are created inside the namespace with setns(2) on a dedicated thread.
/// </summary>
public sealed class NetnsLab : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    public NetnsLab()
    {
        string id = Guid.NewGuid().ToString("N")[..6];
        Namespace = "pxt-" + id;
        HostInterface = "pxh" + id;
        ClientInterface = "pxc" + id;
        string used = Command.Run("ip", "-4", "-o", "addr", "show");
        var random = new Random();
        do
        {
            Subnet = random.Next(100, 250);
        }
        while (used.Contains($"10.201.{Subnet}.", StringComparison.Ordinal));

        try
        {
            Command.Run("ip", "netns", "add", Namespace);
            Command.Run("ip", "link", "add", HostInterface, "type", "veth", "peer", "name", ClientInterface);
            Command.Run("ip", "link", "set", ClientInterface, "netns", Namespace);
            Command.Run("ip", "addr", "add", $"10.201.{Subnet}.1/24", "dev", HostInterface);
            Command.Run("ip", "link", "set", HostInterface, "up");
            Exec("ip", "link", "set", "lo", "up");
            Exec("ip", "addr", "add", $"10.201.{Subnet}.2/24", "dev", ClientInterface);
            Exec("ip", "link", "set", ClientInterface, "up");
            WaitUntilUp(HostInterface);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>
    /// Makes a lab and runs the rest of a test's set-up on it (nft rules, servers); when that throws, the lab is removed
    /// before the exception leaves — a test class constructor that throws is never disposed by xunit, so a lab made there
    /// with plain <c>new</c> stayed behind.
    /// </summary>
    public static NetnsLab Create(Action<NetnsLab> setUp)
    {
        ArgumentNullException.ThrowIfNull(setUp);
        var lab = new NetnsLab();
        try
        {
            setUp(lab);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>True when the machine can make namespaces (root and iproute2).</summary>
    public static bool Available => OperatingSystem.IsLinux() && Environment.UserName == "root" && (File.Exists("/usr/sbin/ip") || File.Exists("/sbin/ip"));

    public string Namespace { get; }

    public string HostInterface { get; }

    public string ClientInterface { get; }

    public int Subnet { get; }

    public IPAddress ServerAddress => IPAddress.Parse($"10.201.{Subnet}.1");

    public IPAddress ClientAddress => IPAddress.Parse($"10.201.{Subnet}.2");

    public IPAddress Address(int host) => IPAddress.Parse($"10.201.{Subnet}.{host}");

    /// <summary>Runs a command in the client namespace; throws on failure.</summary>
    public string Exec(params string[] command) => Command.Run("ip", ["netns", "exec", Namespace, .. command]);

    /// <summary>Runs a command in the client namespace and returns exit code and output.</summary>
    public async Task<(int ExitCode, string Output, string Error)> ExecAsync(TimeSpan timeout, params string[] command)
    {
        var psi = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (string[])["netns", "exec", Namespace, .. command])
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', command)} did not finish in {timeout}");
        }

        return (p.ExitCode, await stdout, await stderr);
    }

    /// <summary>Creates a UDP socket inside the client namespace (it stays there wherever it is used).</summary>
    public Socket CreateClientSocket() => CreateClientSocket(AddressFamily.InterNetwork);

    /// <summary>Creates a UDP socket of <paramref name="family"/> inside the client namespace.</summary>
    public Socket CreateClientSocket(AddressFamily family)
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/var/run/netns/{Namespace}");
                if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns failed: {Marshal.GetLastPInvokeError()}");
                }

                socket = new Socket(family, SocketType.Dgram, ProtocolType.Udp);
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? socket! : throw error;
    }

    public void Dispose()
    {
        TryRun("ip", "netns", "del", Namespace);
        TryRun("ip", "link", "del", HostInterface);
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which the test project does not allow.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
#pragma warning restore SYSLIB1054

    private static void TryRun(string file, params string[] args)
    {
        try
        {
            Command.Run(file, args);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    /// <summary>
    /// A veth end reports "up" a moment after both ends are set up; servers skip interfaces that are not up, so wait for
    /// it (bounded) instead of racing it.
    /// </summary>
    private static void WaitUntilUp(string device)
    {
        string state = $"/sys/class/net/{device}/operstate";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        using var tick = new ManualResetEventSlim();
        while (File.ReadAllText(state).Trim() != "up")
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"{device} did not come up within 10 s (operstate {File.ReadAllText(state).Trim()})");
            }

            tick.Wait(TimeSpan.FromMilliseconds(10));
        }
    }
}
