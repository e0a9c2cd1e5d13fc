using System.Net;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// The all-in-one server with DHCPv6 on an IPv6-only link (a namespace of its own, real ports): OVMF's Solicit gets
/// a tftp:// URL with the server's bracketed global address, an HTTP-boot Solicit an http:// one, and curl -g fetches
/// the file over HTTP from the global and the link-local (with scope) address. TFTP over IPv6 is tested with the server
/// in the root namespace (<see cref="TftpOverIPv6Tests"/>): a transfer's socket is made when the request comes, on a
/// thread of the root namespace, so the server cannot sit in a namespace entered with setns.
/// </summary>
[Collection("netns")]
public sealed class PxeServerIPv6Tests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-v6-").FullName;
    private readonly string _data = Directory.CreateTempSubdirectory("pxe-v6-data-").FullName;

    public PxeServerIPv6Tests() => File.WriteAllText(Path.Combine(_root, "boot.efi"), "an EFI program over IPv6\n");

    [Fact]
    public async Task Dhcp6_names_bracketed_tftp_and_http_urls_and_http_serves_over_global_and_link_local_addresses()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new Dhcp6Lab();
        var configuration = new PxeServerConfiguration
        {
            Name = "v6",
            Root = _root,
            DhcpMode = DhcpMode.None,
            Dhcp6 = true,
            Interfaces = [lab.ServerInterface],
            Http = true,
            BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.EfiX64] = "boot.efi" },
            DataDirectory = _data,
            ConflictCheckTimeout = TimeSpan.Zero,
        };
        await using var server = new PxeServer(configuration, new BootNamespace(_root), () => new BootConfiguration(new BootMenuSettings(), [], DateTimeOffset.UnixEpoch));
        lab.Start(server);

        string global = $"[{lab.Prefix}1]";
        var solicit = Dhcp6Vectors.Payloads("ovmf-pxev6-solicit.pcap")[0];
        var pxe = Assert.Single(await Dhcp6NamespaceTests.SendFromNamespaceAsync(lab.Client, 547, 546, solicit)).Reply;
        Assert.Equal($"tftp://{global}/boot.efi", Dhcp6TestPackets.Url(pxe));

        var httpSolicit = Dhcp6TestPackets.Message(Dhcp6MessageType.Solicit, 2, ClientArchitecture.EfiX64Http, "HTTPClient:Arch:00016:UNDI:003000");
        var http = Assert.Single(await Dhcp6NamespaceTests.SendFromNamespaceAsync(lab.Client, 547, 546, httpSolicit.ToArray())).Reply;
        Assert.Equal($"http://{global}/boot.efi", Dhcp6TestPackets.Url(http));

        string linkLocal = lab.InServer("ip", "-6", "-o", "addr", "show", "dev", lab.ServerInterface, "scope", "link").Split(' ', StringSplitOptions.RemoveEmptyEntries)[3].Split('/')[0];
        string scoped = $"[{linkLocal}%25{lab.Client.ClientInterface}]";
        foreach (string url in new[] { $"http://{global}/boot.efi", $"http://{scoped}/boot.efi" })
        {
            var (code, output, error) = await lab.Client.ExecAsync(TimeSpan.FromSeconds(30), "curl", "-g", "-sS", "--max-time", "20", url);
            Assert.True(code == 0, $"{url}: {error}");
            Assert.Equal("an EFI program over IPv6\n", output);
        }

        await server.StopAsync();
        await server.StopAsync();
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_data, recursive: true);
    }
}
