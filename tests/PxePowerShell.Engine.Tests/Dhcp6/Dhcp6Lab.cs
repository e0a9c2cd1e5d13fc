using System.Runtime.InteropServices;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// Two namespaces joined by a veth: the <see cref="NetnsLab"/> client namespace and a server namespace made for the
/// test (<c>pxs-xxxxxx</c>), so the DHCPv6 server binds the real port 547 inside a namespace and real clients
/// (dhclient -6) talk to it unchanged. Both ends get fd00:201:N::1/64 (server) and ::2 (client) next to their
/// link-local addresses. A server starts inside the server namespace: its sockets are created there (setns on a
/// dedicated thread) and stay there.
/// </summary>
internal sealed class Dhcp6Lab : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly NetnsLab _lab;

    public Dhcp6Lab()
    {
        _lab = new NetnsLab();
        ServerNamespace = "pxs-" + _lab.Namespace[4..];
        try
        {
            Command.Run("ip", "netns", "add", ServerNamespace);
            Command.Run("ip", "link", "set", _lab.HostInterface, "netns", ServerNamespace);
            InServer("ip", "link", "set", "lo", "up");
            InServer("ip", "link", "set", _lab.HostInterface, "up");
            InServer("ip", "-6", "addr", "add", Prefix + "1/64", "dev", _lab.HostInterface, "nodad");
            _lab.Exec("ip", "-6", "addr", "add", Prefix + "2/64", "dev", _lab.ClientInterface, "nodad");
            Assert.True(
                SpinWait.SpinUntil(
                    () => InServer("ip", "-6", "addr", "show", "dev", _lab.HostInterface, "tentative").Trim().Length == 0
                        && _lab.Exec("ip", "-6", "addr", "show", "dev", _lab.ClientInterface, "tentative").Trim().Length == 0
                        && InServer("ip", "-6", "addr", "show", "dev", _lab.HostInterface, "scope", "link").Contains("fe80", StringComparison.Ordinal),
                    TimeSpan.FromSeconds(15)),
                "IPv6 addresses stayed tentative");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public NetnsLab Client => _lab;

    public string ServerNamespace { get; }

    public string ServerInterface => _lab.HostInterface;

    public string Prefix => $"fd00:201:{_lab.Subnet}::";

    /// <summary>Starts a server with its sockets in the server namespace.</summary>
    public void Start(IPxeService server)
    {
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var ns = File.OpenHandle($"/var/run/netns/{ServerNamespace}");
                if (SetNs((int)ns.DangerousGetHandle(), CloneNewNet) != 0)
                {
                    throw new InvalidOperationException($"setns failed: {Marshal.GetLastPInvokeError()}");
                }

                server.StartAsync().GetAwaiter().GetResult();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (error is not null)
        {
            throw error;
        }
    }

    public string InServer(params string[] command) => Command.Run("ip", ["netns", "exec", ServerNamespace, .. command]);

    public void Dispose()
    {
        try
        {
            Command.Run("ip", "netns", "del", ServerNamespace);
        }
        catch (InvalidOperationException)
        {
            // not created
        }

        _lab.Dispose();
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which the test project does not allow.
    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
#pragma warning restore SYSLIB1054
}
