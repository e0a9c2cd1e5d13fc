using System.Net;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Storage;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Engine.Tests.Storage;

/// <summary>The storage seam: a server built by the composition root keeps its state only where the storage says.</summary>
public sealed class StorageSeamTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-seam-root-").FullName;
    private readonly string _data = Directory.CreateTempSubdirectory("pxe-seam-data-").FullName;
    private readonly LoopbackClient _client = new();

    [Fact]
    public async Task A_server_keeps_leases_entries_mounts_and_sightings_in_the_storage_it_was_given_and_writes_no_file()
    {
        File.WriteAllText(Path.Combine(_root, "vmlinuz"), "kernel");
        var storage = new InMemoryStorage();
        storage.Entries.Write(new BootMenuSettings(), [new BootEntry { Name = "from-the-seam", Kernel = "vmlinuz" }]);
        string? directoryGiven = null;
        var host = new PxeHost(new PxeHostOptions { DataDirectory = _data, Storage = d => { directoryGiven = d; return storage; } });
        var configuration = new PxeServerConfiguration
        {
            Name = "seam",
            Root = _root,
            DhcpMode = DhcpMode.Dhcp,
            Interfaces = ["lo"],
            DhcpPort = 0,
            ClientPort = _client.Port,
            TftpPort = 0,
            Http = true,
            HttpPort = 0,
            RangeStart = IPAddress.Parse("127.0.0.170"),
            RangeEnd = IPAddress.Parse("127.0.0.180"),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
            ConflictCheckTimeout = TimeSpan.Zero,
        };
        await using (var server = host.CreateServer(configuration))
        {
            Assert.Empty(await host.StartAsync(server));
            Assert.Same(server, host.Servers.Find("seam"));

            // A lease acknowledged over the wire is in the storage's lease store.
            int port = server.Dhcp!.EndPoints[0].Port;
            var mac = TestPackets.Mac(0x71);
            await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Discover, mac, ClientArchitecture.Bios, 7), port);
            var offer = await _client.ReceiveAsync();
            await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Request, mac, ClientArchitecture.Bios, 7).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback).With(DhcpOptionCode.RequestedAddress, offer.YourAddress), port);
            Assert.Equal(DhcpMessageType.Ack, (await _client.ReceiveAsync()).MessageType);
            Assert.Equal(offer.YourAddress, Assert.Single(storage.Leases4.Leases).IPAddress);
            Assert.Equal(1, storage.Leases4.Opened);

            // The generated menu comes from the storage's entries; the mount table was read from it; the events reached its inventory.
            using var http = new HttpClient();
            Assert.Contains("from-the-seam", await http.GetStringAsync($"{server.HttpBootUrl}boot.ipxe"), StringComparison.Ordinal);
            Assert.Equal(1, storage.Mounts.Reads);
            await host.FlushClientsAsync();
            Assert.Contains(storage.Clients.Sightings, s => s.MacAddress?.ToString() == "52-54-00-00-00-71");
            await host.Events.FlushStoreAsync();
            Assert.Same(storage.EventStore, host.Events.Store);
            Assert.Contains(storage.EventStore.Query(new Engine.Events.PxeEventQuery { MacAddress = "52-54-00-00-00-71" }), e => e.Kind == Engine.Events.PxeEventKind.DhcpAck);
            await server.StopAsync();
        }

        host.Dispose();
        Assert.Equal(Path.GetFullPath(_data), directoryGiven);
        Assert.True(storage.Disposed, "the host disposes its storage");
        Assert.True(storage.Clients.Disposed, "the host closes the inventory it opened");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_data));
    }

    [Fact]
    public void A_broken_inventory_fails_as_the_engines_storage_exception_not_the_storage_librarys()
    {
        File.WriteAllText(Path.Combine(_data, "clients.db"), string.Concat(Enumerable.Repeat("this is not an SQLite database. ", 200)));
        using var storage = new EmbeddedStorage(_data);

        var ex = Assert.Throws<PxeStorageException>(storage.OpenClients);

        Assert.Equal("InventoryUnavailable", ex.ErrorId);
        Assert.NotNull(ex.InnerException);
        Assert.IsAssignableFrom<IOException>(ex);
    }

    [Fact]
    public void The_embedded_storage_keeps_the_files_where_the_module_always_kept_them()
    {
        using var storage = new EmbeddedStorage(_data);

        Assert.Equal(Path.Combine(_data, "leases"), storage.Leases(LeaseFamily.IPv4).Location);
        Assert.Equal(Path.Combine(_data, "leases6"), storage.Leases(LeaseFamily.IPv6).Location);
        Assert.Equal(Path.Combine(_data, "boot-entries.json"), storage.BootEntries.Location);
        Assert.Equal(Path.Combine(_data, "mounts.json"), storage.IsoMounts.Location);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_data)); // nothing is created until a store writes
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_data, recursive: true);
    }
}
