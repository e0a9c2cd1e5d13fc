using System.Net;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Tftp;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// TFTP over IPv6 across a veth: the server on [::] (a chosen port) in the root namespace, curl -g in the client
/// namespace fetching from the host end's global address and from its link-local address with the scope id.
/// </summary>
[Collection("netns")]
public sealed class TftpOverIPv6Tests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-tftp6-").FullName;

    public TftpOverIPv6Tests() => File.WriteAllBytes(Path.Combine(_root, "boot.efi"), Enumerable.Range(0, 100_000).Select(i => (byte)(i * 13)).ToArray());

    [Fact]
    public async Task Curl_fetches_over_tftp_from_the_global_and_the_scoped_link_local_address()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        string prefix = $"fd00:202:{lab.Subnet}::";
        Command.Run("ip", "-6", "addr", "add", prefix + "1/64", "dev", lab.HostInterface, "nodad");
        lab.Exec("ip", "-6", "addr", "add", prefix + "2/64", "dev", lab.ClientInterface, "nodad");
        Assert.True(
            SpinWait.SpinUntil(() => Command.Run("ip", "-6", "addr", "show", "dev", lab.HostInterface, "tentative").Trim().Length == 0
                && lab.Exec("ip", "-6", "addr", "show", "dev", lab.ClientInterface, "tentative").Trim().Length == 0
                && Command.Run("ip", "-6", "-o", "addr", "show", "dev", lab.HostInterface, "scope", "link").Contains("fe80", StringComparison.Ordinal), TimeSpan.FromSeconds(15)),
            "IPv6 addresses stayed tentative");
        string linkLocal = Command.Run("ip", "-6", "-o", "addr", "show", "dev", lab.HostInterface, "scope", "link").Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].Split('/')[0];

        int port = Random.Shared.Next(20000, 40000);
        await using var server = new TftpServer("tftp6", new TftpServerOptions { Address = IPAddress.IPv6Any, Port = port }, new BootNamespace(_root));
        await server.StartAsync();
        var expected = await File.ReadAllBytesAsync(Path.Combine(_root, "boot.efi"));
        foreach (string host in new[] { $"[{prefix}1]", $"[{linkLocal}%25{lab.ClientInterface}]" })
        {
            string output = Path.Combine(_root, "fetched");
            var (code, _, error) = await lab.ExecAsync(TimeSpan.FromSeconds(30), "curl", "-g", "-sS", "--max-time", "20", "-o", output, $"tftp://{host}:{port}/boot.efi");
            Assert.True(code == 0, $"{host}: {error}");
            Assert.Equal(expected, await File.ReadAllBytesAsync(output));
            File.Delete(output);
        }

        await server.StopAsync();
        await server.StopAsync();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
