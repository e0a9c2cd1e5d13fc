using System.Diagnostics;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Net;

public sealed class NetworkInterfacesTests
{
    [Fact]
    public void A_read_that_meets_a_changing_interface_set_is_repeated_with_growing_pauses()
    {
        int calls = 0;
        var pauses = new List<int>();
        string result = NetworkInterfaces.Read(
            () => ++calls < 4 ? throw new ArgumentException("An invalid IP address was specified.", "address") : "read",
            pauses.Add);

        Assert.Equal("read", result);
        Assert.Equal(4, calls);
        Assert.Equal([1, 2, 3], pauses);
    }

    [Fact]
    public void A_set_that_never_settles_is_a_start_error_with_an_id_not_an_ArgumentException()
    {
        int calls = 0;
        var error = Assert.Throws<PxeStartException>(() => NetworkInterfaces.Read<int>(
            () => { calls++; throw new ArgumentException("An invalid IP address was specified.", "address"); },
            _ => { }));

        Assert.Equal(NetworkInterfaces.Attempts, calls);
        Assert.Equal(PxeErrorIds.InterfaceNotFound, error.ErrorId);
        Assert.Equal(PxeErrorCategory.ResourceUnavailable, error.Category);
        Assert.IsType<ArgumentException>(error.InnerException);
        Assert.Contains("could not be read", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Other_failures_are_not_retried()
    {
        int calls = 0;
        Assert.Throws<InvalidOperationException>(() => NetworkInterfaces.Read<int>(() => { calls++; throw new InvalidOperationException(); }, _ => { }));
        Assert.Equal(1, calls);
    }

    /// <summary>
    /// The failure CI met (dotnet/runtime#49515): Start-PxeProxyDhcp -Interface lo failed with "An invalid IP address
    /// was specified" because another test was creating a veth pair at that moment. Here veth pairs come and go (one
    /// end in a namespace of this test) while the interfaces are read; .NET's own reader fails several times a
    /// minute under this churn, ours never.
    /// </summary>
    [Fact]
    public void Interfaces_are_read_without_error_while_veth_pairs_come_and_go()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        string id = Guid.NewGuid().ToString("N")[..6];
        string ns = "pxt-ni" + id;
        Run("ip", "netns", "add", ns);
        try
        {
            string script =
                $"for i in $(seq 1 300); do ip link add pxn{id} type veth peer name pxm{id} netns {ns} || exit 1; " +
                $"ip addr add 10.203.$((i % 200)).1/24 dev pxn{id}; ip link set pxn{id} up; ip link del pxn{id} || exit 1; done";
            using var churn = Process.Start(new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardError = true })!;
            int reads = 0;
            while (!churn.HasExited)
            {
                foreach (var nic in NetworkInterfaces.GetAll())
                {
                    _ = nic.GetIPProperties().UnicastAddresses.Count;
                }

                _ = DhcpInterface.Resolve(["lo"], [], _ => false);
                reads++;
            }

            churn.WaitForExit();
            Assert.True(churn.ExitCode == 0, churn.StandardError.ReadToEnd());
            Assert.True(reads > 10, $"only {reads} reads overlapped the churn");
        }
        finally
        {
            Process.Start("ip", ["link", "del", $"pxn{id}"])!.WaitForExit();
            Process.Start("ip", ["netns", "del", ns])!.WaitForExit();
        }
    }

    private static void Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardError = true })!;
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)}: {p.StandardError.ReadToEnd()}");
    }
}
