using System.Net;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Storage;

namespace PxePowerShell.Engine.Tests.Hosting;

/// <summary>The composition root: what it owns, how it builds a server, and that two of them share nothing.</summary>
public sealed class PxeHostTests : IDisposable
{
    private static readonly MacAddress Mac = MacAddress.Parse("52-54-00-ab-cd-ef");
    private readonly string _a = Directory.CreateTempSubdirectory("pxe-host-a-").FullName;
    private readonly string _b = Directory.CreateTempSubdirectory("pxe-host-b-").FullName;
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-host-root-").FullName;

    private static PxeEvent Discover() => new()
    {
        Kind = PxeEventKind.DhcpDiscover,
        Time = DateTimeOffset.UnixEpoch,
        Server = "host-test",
        Protocol = PxeProtocol.Dhcp,
        MacAddress = Mac.ToString(),
        ClientEndPoint = new IPEndPoint(IPAddress.Any, 68),
        TransactionId = 1,
    };

    [Fact]
    public async Task Two_hosts_on_two_data_directories_share_nothing()
    {
        await using var a = new PxeHost(new PxeHostOptions { DataDirectory = _a });
        await using var b = new PxeHost(new PxeHostOptions { DataDirectory = _b });

        a.BootEntries.Add(new BootEntry { Name = "only-in-a", Kernel = "vmlinuz" });
        _ = a.Clients; // open: from now on a's events feed a's inventory (as StartAsync does for its servers)
        _ = b.Clients;
        a.Events.Publish(Discover());
        await a.FlushClientsAsync();

        Assert.Empty(b.BootEntries.Entries);
        Assert.NotNull(a.Clients.Find(Mac));
        Assert.Null(b.Clients.Find(Mac));
        Assert.Empty(b.Events.History());
        Assert.NotSame(a.Servers, b.Servers);
        Assert.True(File.Exists(Path.Combine(_a, BootEntryStore.DefaultFileName)));
        Assert.False(File.Exists(Path.Combine(_b, BootEntryStore.DefaultFileName)));
        Assert.Equal(_a, a.ClientsDirectory);
        Assert.Equal(_b, b.BootEntriesDirectory);
    }

    [Fact]
    public void A_disposed_host_has_written_what_its_servers_reported_and_closed_its_stores()
    {
        var host = new PxeHost(new PxeHostOptions { DataDirectory = _a });
        _ = host.Clients;
        host.Events.Publish(Discover());

        host.Dispose();

        Assert.Throws<ObjectDisposedException>(() => host.Clients);
        using var again = new PxeHost(new PxeHostOptions { DataDirectory = _a });
        Assert.NotNull(again.Clients.Find(Mac));

        var storage = new InMemoryStorage();
        var other = new PxeHost(new PxeHostOptions { DataDirectory = _b, Storage = _ => storage });
        _ = other.Clients;
        other.Dispose();
        Assert.True(storage.Clients.Disposed);
        Assert.True(storage.Disposed);
    }

    [Fact]
    public async Task A_server_built_from_a_configuration_serves_entries_another_process_adds_while_it_runs()
    {
        File.WriteAllText(Path.Combine(_root, "vmlinuz"), "kernel");
        await using var host = new PxeHost(new PxeHostOptions { DataDirectory = _a });
        var configuration = new PxeServerConfiguration { Name = "menus", Root = _root, DhcpMode = DhcpMode.None, Addresses = [IPAddress.Loopback], TftpPort = 0, Http = true, HttpPort = 0 };
        await using var server = host.CreateServer(configuration);
        await host.StartAsync(server);
        using var http = new HttpClient();
        Assert.DoesNotContain("added-later", await http.GetStringAsync($"{server.HttpBootUrl}boot.ipxe"), StringComparison.Ordinal);

        // Another PowerShell session (its own store over the same file) adds an entry: the next request renders it.
        new BootEntryStore(Path.Combine(_a, BootEntryStore.DefaultFileName)).Add(new BootEntry { Name = "added-later", Kernel = "vmlinuz" });

        Assert.Contains("added-later", await http.GetStringAsync($"{server.HttpBootUrl}boot.ipxe"), StringComparison.Ordinal);
        Assert.Equal(_root, server.Files.RootDirectory);
    }

    [Fact]
    public void A_configuration_without_a_root_builds_no_server()
    {
        using var host = new PxeHost(new PxeHostOptions { DataDirectory = _a });
        var ex = Assert.Throws<ArgumentException>(() => host.CreateServer(new PxeServerConfiguration { Name = "rootless" }));
        Assert.Contains("root", ex.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        foreach (var directory in new[] { _a, _b, _root })
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
