using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>
/// The full DHCP server runs in a child process (tests/PxePowerShell.DhcpTestHost) on the host end of a veth;
/// a client in the namespace leases addresses as fast as it can; the server is killed with SIGKILL in the middle
/// of that load and restarted on the same data directory. No address may ever be acknowledged to two clients,
/// and every acknowledged lease must be in the journal.
/// </summary>
[Collection("netns")]
public sealed class DhcpCrashRestartTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-crash-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Kill_9_under_load_and_restart_never_leases_an_address_twice()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        int port = Random.Shared.Next(20000, 40000);
        using var client = new NamespaceDhcpClient(lab);
        var server = new IPEndPoint(IPAddress.Broadcast, port);
        var acked = new ConcurrentQueue<(int Client, IPAddress Address, int Generation)>();
        int generation = 1;

        var host = await StartHostAsync(lab, port);
        try
        {
            var killed = new TaskCompletionSource();
            var fortyLeased = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var load = Task.Run(async () =>
            {
                for (int i = 1; i <= 160; i++)
                {
                    if (i == 120)
                    {
                        await killed.Task; // the second half runs against the restarted server
                    }

                    var mac = TestPackets.Mac(0x10000 + i);
                    for (int attempt = 0; attempt < 20; attempt++)
                    {
                        var offer = await client.TryExchangeAsync(TestPackets.Request(DhcpMessageType.Discover, mac, (uint)((i << 8) + attempt)), server, TimeSpan.FromMilliseconds(300));
                        if (offer?.MessageType != DhcpMessageType.Offer)
                        {
                            continue;
                        }

                        var ack = await client.TryExchangeAsync(TestPackets.Request(DhcpMessageType.Request, mac, (uint)((i << 8) + attempt + 0x80))
                            .With(DhcpOptionCode.ServerIdentifier, lab.ServerAddress).With(DhcpOptionCode.RequestedAddress, offer.YourAddress), server, TimeSpan.FromMilliseconds(300));
                        if (ack?.MessageType == DhcpMessageType.Ack)
                        {
                            acked.Enqueue((i, ack.YourAddress, Volatile.Read(ref generation)));
                            if (acked.Count >= 40)
                            {
                                fortyLeased.TrySetResult();
                            }

                            break;
                        }
                    }
                }
            });

            // Kill while the client is mid-stream.
            await Task.WhenAny(fortyLeased.Task, load).WaitAsync(TimeSpan.FromSeconds(30));

            host.Kill(); // SIGKILL
            await host.WaitForExitAsync();
            var beforeCrash = acked.ToArray();
            Assert.True(beforeCrash.Length >= 40, $"only {beforeCrash.Length} leases before the kill");

            // Every lease acknowledged before the kill is on disk.
            var journal = JournalLeaseStore.Read(_dir);
            foreach (var (_, address, _) in beforeCrash)
            {
                Assert.Contains(journal.Leases, l => l.IPAddress.Equals(address) && l.AddressState == AddressState.Active);
            }

            Volatile.Write(ref generation, 2);
            host.Dispose();
            host = await StartHostAsync(lab, port);
            killed.SetResult();
            await load.WaitAsync(TimeSpan.FromSeconds(60));

            // Clients leased before the crash ask again: they get their own address back.
            foreach (var (i, address, _) in beforeCrash.Take(10))
            {
                var offer = await client.TryExchangeAsync(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(0x10000 + i), (uint)(0x7000000 + i)), server, TimeSpan.FromSeconds(2));
                Assert.Equal(address, offer?.YourAddress);
            }
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill();
                await host.WaitForExitAsync();
            }

            host.Dispose();
        }

        var all = acked.ToArray();
        Assert.True(all.Length >= 150, $"only {all.Length} of 160 clients got a lease");
        foreach (var group in all.GroupBy(a => a.Address))
        {
            Assert.True(group.Select(g => g.Client).Distinct().Count() == 1, $"{group.Key} was leased to clients {string.Join(", ", group.Select(g => g.Client))}");
        }

        Assert.Equal(all.Length, JournalLeaseStore.Read(_dir).Leases.Count(l => l.AddressState == AddressState.Active));
    }

    [Fact]
    public async Task Kill_9_during_a_burst_of_group_committed_requests_loses_no_acked_lease()
    {
        // 200 clients send their REQUESTs at once, so the server groups many leases per fsync; it is killed as soon as
        // 40 ACKs arrived. Every ACK the clients saw (also those still in the socket) must be in the journal, and after
        // a restart every client gets one address, no address two clients, and the ACKed ones their own back.
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        int port = Random.Shared.Next(20000, 40000);
        using var client = new NamespaceDhcpClient(lab);
        var server = new IPEndPoint(IPAddress.Broadcast, port);
        var macs = Enumerable.Range(1, 200).Select(i => TestPackets.Mac(0x30000 + i)).ToArray();
        var host = await StartHostAsync(lab, port);
        var acked = new Dictionary<string, IPAddress>();
        try
        {
            var offers = await client.ExchangeAsync([.. macs.Select((m, i) => TestPackets.Request(DhcpMessageType.Discover, m, (uint)(0x300000 + i)))], server);
            var requests = macs.Select((m, i) => TestPackets.Request(DhcpMessageType.Request, m, (uint)(0x310000 + i))
                .With(DhcpOptionCode.ServerIdentifier, lab.ServerAddress).With(DhcpOptionCode.RequestedAddress, offers[(uint)(0x300000 + i)].YourAddress)).ToList();
            foreach (var r in requests)
            {
                await client.SendAsync(r, server);
            }

            while (acked.Count < 40 && await client.ReceiveReplyAsync(TimeSpan.FromSeconds(10)) is { } reply)
            {
                Record(reply);
            }

            host.Kill(); // SIGKILL, with the rest of the burst queued or in flight
            await host.WaitForExitAsync();
            while (await client.ReceiveReplyAsync(TimeSpan.FromMilliseconds(200)) is { } late)
            {
                Record(late); // sent before the kill
            }

            Assert.True(acked.Count >= 40, $"only {acked.Count} ACKs before the kill");
            var journal = JournalLeaseStore.Read(_dir);
            foreach (var address in acked.Values)
            {
                Assert.Contains(journal.Leases, l => l.IPAddress.Equals(address) && l.AddressState == AddressState.Active);
            }

            host.Dispose();
            host = await StartHostAsync(lab, port);
            var again = await client.ExchangeAsync([.. macs.Select((m, i) => TestPackets.Request(DhcpMessageType.Discover, m, (uint)(0x320000 + i)))], server);
            var final = await client.ExchangeAsync([.. macs.Select((m, i) => TestPackets.Request(DhcpMessageType.Request, m, (uint)(0x330000 + i))
                .With(DhcpOptionCode.ServerIdentifier, lab.ServerAddress).With(DhcpOptionCode.RequestedAddress, again[(uint)(0x320000 + i)].YourAddress))], server);
            Assert.All(final.Values, a => Assert.Equal(DhcpMessageType.Ack, a.MessageType));
            var addresses = macs.Select((m, i) => (Mac: Convert.ToHexString(m), Address: final[(uint)(0x330000 + i)].YourAddress)).ToList();
            Assert.Equal(200, addresses.Select(a => a.Address).Distinct().Count());
            foreach (var (mac, address) in acked)
            {
                Assert.Equal(address, addresses.Single(a => a.Mac == mac).Address);
            }
        }
        finally
        {
            if (!host.HasExited)
            {
                host.Kill();
                await host.WaitForExitAsync();
            }

            host.Dispose();
        }

        void Record(DhcpMessage reply)
        {
            if (reply.MessageType == DhcpMessageType.Ack)
            {
                string mac = Convert.ToHexString(reply.ClientHardwareAddress.AsSpan(0, 6));
                Assert.False(acked.TryGetValue(mac, out var had) && !had.Equals(reply.YourAddress), $"{mac} ACKed two addresses");
                acked[mac] = reply.YourAddress;
            }
        }
    }

    [Fact]
    public async Task Kill_9_of_the_all_in_one_server_under_load_keeps_leases_inventory_and_boot_entries_intact()
    {
        // PxeServer in full DHCP mode with the client inventory and the boot entries (DhcpTestHost "pxe"), in the
        // namespace; PXE clients boot through it while the boot entry "churn" is rewritten in a loop; SIGKILL, restart.
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        string root = Directory.CreateDirectory(Path.Combine(_dir, "root")).FullName;
        string data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        File.WriteAllBytes(Path.Combine(root, "pxelinux.0"), new byte[1000]);
        var entries = new Engine.Boot.BootEntryStore(Path.Combine(data, Engine.Boot.BootEntryStore.DefaultFileName));
        entries.Add(new Engine.Boot.BootEntry { Name = "keep", Kernel = "vmlinuz", Arguments = "quiet" });
        entries.Add(new Engine.Boot.BootEntry { Name = "churn", Kernel = "vmlinuz", Arguments = "generation=start" });
        int clientPort = Random.Shared.Next(20000, 40000);
        string[] arguments = ["mode=dhcp", $"iface={lab.ClientInterface}", $"root={root}", $"data={data}", $"clientPort={clientPort}", $"start={lab.Address(100)}", $"end={lab.Address(200)}", "churn=1"];
        using var client = new Hostile.LabDhcpClient(lab.HostInterface, clientPort);
        var server = new IPEndPoint(IPAddress.Broadcast, 67);
        var acked = new List<(int Client, IPAddress Address)>();

        async Task BootAsync(int i)
        {
            var mac = TestPackets.Mac(0x20000 + i);
            var offer = await client.ExchangeAsync(TestPackets.Pxe(DhcpMessageType.Discover, mac, ClientArchitecture.Bios, (uint)(0x200000 + i)), server, TimeSpan.FromMilliseconds(500), 20);
            Assert.True(offer?.MessageType == DhcpMessageType.Offer, $"client {i}: no offer");
            Assert.Equal("pxelinux.0", offer.BootFileName);
            var ack = await client.ExchangeAsync(TestPackets.Pxe(DhcpMessageType.Request, mac, ClientArchitecture.Bios, (uint)(0x210000 + i))
                .With(DhcpOptionCode.ServerIdentifier, lab.ClientAddress).With(DhcpOptionCode.RequestedAddress, offer.YourAddress), server, TimeSpan.FromMilliseconds(500), 20);
            Assert.True(ack?.MessageType == DhcpMessageType.Ack, $"client {i}: no ack");
            acked.Add((i, ack.YourAddress));
        }

        var host = await Hostile.PxeHostProcess.StartAsync(lab.Namespace, arguments);
        try
        {
            for (int i = 1; i <= 30; i++)
            {
                await BootAsync(i);
            }

            host.Kill(); // SIGKILL, in the middle of boot-entry writes and inventory batches
            await host.WaitForExitAsync();
            await host.DisposeAsync();

            // The files a kill interrupted are whole: the boot entries load (both entries, "churn" at some generation),
            // the inventory opens and answers, every acknowledged lease is in the journal.
            var reloaded = new Engine.Boot.BootEntryStore(Path.Combine(data, Engine.Boot.BootEntryStore.DefaultFileName));
            Assert.Equal("quiet", reloaded.Get("keep").Arguments);
            Assert.StartsWith("generation=", reloaded.Get("churn").Arguments, StringComparison.Ordinal);
            int inventoried;
            await using (var registry = Engine.Clients.ClientRegistry.Open(data))
            {
                inventoried = registry.Get().Count;
            }

            Assert.InRange(inventoried, 0, 30);
            var journal = JournalLeaseStore.Read(Path.Combine(data, "leases")); // where PxeServer keeps them
            Assert.All(acked, a => Assert.Contains(journal.Leases, l => l.IPAddress.Equals(a.Address) && l.AddressState == AddressState.Active));

            host = await Hostile.PxeHostProcess.StartAsync(lab.Namespace, arguments);
            for (int i = 31; i <= 60; i++)
            {
                await BootAsync(i);
            }

            // Clients from before the kill boot again and get their own address back.
            foreach (var (i, address) in acked.Take(10).ToList())
            {
                var offer = await client.ExchangeAsync(TestPackets.Pxe(DhcpMessageType.Discover, TestPackets.Mac(0x20000 + i), ClientArchitecture.Bios, (uint)(0x220000 + i)), server, TimeSpan.FromMilliseconds(500), 20);
                Assert.Equal(address, offer?.YourAddress);
            }

            await host.StopAsync();
        }
        finally
        {
            await host.DisposeAsync();
        }

        foreach (var group in acked.GroupBy(a => a.Address))
        {
            Assert.True(group.Count() == 1, $"{group.Key} was leased to clients {string.Join(", ", group.Select(g => g.Client))}");
        }

        // After a clean stop the inventory has every client that booted after the restart (and what it had before).
        await using (var registry = Engine.Clients.ClientRegistry.Open(data))
        {
            var macs = registry.Get().Select(c => c.MacAddress).ToHashSet(StringComparer.OrdinalIgnoreCase);
            for (int i = 31; i <= 60; i++)
            {
                var m = TestPackets.Mac(0x20000 + i);
                Assert.Contains(string.Join('-', m.Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture))), macs);
            }

            Assert.True(macs.Count >= 30, $"{macs.Count} clients in the inventory");
        }

        Assert.Equal("quiet", new Engine.Boot.BootEntryStore(Path.Combine(data, Engine.Boot.BootEntryStore.DefaultFileName)).Get("keep").Arguments);
    }

    private async Task<Process> StartHostAsync(NetnsLab lab, int port)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "PxePowerShell.DhcpTestHost.dll");
        var psi = new ProcessStartInfo(File.Exists("/usr/share/dotnet/dotnet") ? "/usr/share/dotnet/dotnet" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { dll, lab.HostInterface, port.ToString(), "68", lab.Address(16).ToString(), lab.Address(250).ToString(), "255.255.255.0", _dir })
        {
            psi.ArgumentList.Add(a);
        }

        var p = Process.Start(psi)!;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        string? line = await p.StandardOutput.ReadLineAsync(cts.Token);
        if (line is null || !line.StartsWith("READY", StringComparison.Ordinal))
        {
            string error = await p.StandardError.ReadToEndAsync(cts.Token);
            p.Kill();
            throw new InvalidOperationException($"the DHCP test host did not start: {line} {error}");
        }

        return p;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
