using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using PxePowerShell.Engine.Dhcp;
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
