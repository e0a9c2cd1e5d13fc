using System.Net;
using System.Text;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>
/// {server} and {http} in menus rendered for a request that came over IPv6: the address in brackets and without its
/// zone id (firmware URLs cannot carry one), an IPv4-mapped address as IPv4, and an HTTP base pinned to the IPv4
/// address moved to the IPv6 one the client used. iPXE, GRUB and pxelinux menus alike.
/// </summary>
public sealed class Ipv6MenuTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly BootEntryStore _store;

    public Ipv6MenuTests()
    {
        _store = new BootEntryStore(Path.Combine(_dir.Path, "data", "entries.json"));
        _store.Add(new BootEntry { Name = "debian", Label = "Debian", Kernel = "debian/linux", Initrd = ["debian/initrd.gz"], Arguments = "url=http://{server}/preseed.cfg repo={http}/debian", IsDefault = true });
    }

    public void Dispose() => _dir.Dispose();

    private async Task<string> Fetch(BootNamespace boot, string path, string server)
    {
        var context = new BootRequestContext("http", new IPEndPoint(IPAddress.Parse("2001:db8::99"), 40000)) { Server = IPAddress.Parse(server) };
        var result = await boot.OpenAsync(BootPath.Parse(path), context);
        Assert.Equal(BootFileStatus.Ok, result.Status);
        using var file = result.File!;
        var buffer = new byte[file.Length];
        int total = 0;
        while (total < buffer.Length)
        {
            total += await file.ReadAsync(total, buffer.AsMemory(total));
        }

        return Encoding.UTF8.GetString(buffer);
    }

    private BootNamespace Mount(BootRenderOptions options, string? template)
    {
        var boot = new BootNamespace(_dir.Path);
        GeneratedMenuSource.MountAll(boot, () => _store.Current, options, _dir.Path, template);
        return boot;
    }

    [Theory]
    [InlineData("2001:db8::1", "[2001:db8::1]")]
    [InlineData("fe80::5054:ff:fe12:3456%7", "[fe80::5054:ff:fe12:3456]")]
    [InlineData("::ffff:192.168.0.1", "192.168.0.1")]
    public async Task A_template_base_renders_the_address_the_request_came_to_bracketed_and_without_zone(string server, string host)
    {
        var boot = Mount(new BootRenderOptions(), "http://{server}:8080/");
        string ipxe = await Fetch(boot, "boot.ipxe", server);
        Assert.Contains($"http://{host}:8080/debian/linux", ipxe, StringComparison.Ordinal);
        Assert.Contains($"url=http://{host}/preseed.cfg repo=http://{host}:8080/debian", ipxe, StringComparison.Ordinal);
        Assert.DoesNotContain("%", ipxe, StringComparison.Ordinal);

        string grub = await Fetch(boot, "grub/grub.cfg", server);
        Assert.Contains($"(http,{host}:8080)", grub, StringComparison.Ordinal);
        Assert.Contains($"url=http://{host}/preseed.cfg", grub, StringComparison.Ordinal);

        string pxelinux = await Fetch(boot, "pxelinux.cfg/default", server);
        Assert.Contains($"url=http://{host}/preseed.cfg repo=http://{host}:8080/debian", pxelinux, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_base_pinned_to_the_ipv4_address_follows_an_ipv6_client_to_its_ipv6_address_and_stays_for_ipv4()
    {
        var boot = Mount(new BootRenderOptions { ServerAddress = "192.168.0.1", HttpBaseUri = new Uri("http://192.168.0.1:8080/") }, null);
        string v6 = await Fetch(boot, "boot.ipxe", "fd00:77::1");
        Assert.Contains("http://[fd00:77::1]:8080/debian/linux", v6, StringComparison.Ordinal);
        Assert.Contains("url=http://[fd00:77::1]/preseed.cfg", v6, StringComparison.Ordinal);
        Assert.DoesNotContain("192.168.0.1", v6, StringComparison.Ordinal);

        string v4 = await Fetch(boot, "boot.ipxe", "::ffff:192.168.0.1");
        Assert.Contains("http://192.168.0.1:8080/debian/linux", v4, StringComparison.Ordinal);
        Assert.Contains("url=http://192.168.0.1/preseed.cfg", v4, StringComparison.Ordinal);
    }
}
