using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>
/// Which replies wait for the group commit (real sockets on loopback, a lease store whose fsync the test completes):
/// an ACK leaves only after the commit covering every record written before it; an OFFER (held in memory only) and a NAK
/// do not wait, so a slow disk delays the ACKs and nothing else.
/// </summary>
public sealed class DhcpGroupCommitReplyTests : IAsyncLifetime
{
    private readonly LoopbackClient _client = new();
    private readonly HeldCommitStore _store = new();
    private DhcpServer _server = null!;

    private int Port => _server.EndPoints[0].Port;

    public async Task InitializeAsync()
    {
        _server = new DhcpServer("dhcp-commit", new DhcpServerOptions
        {
            Interfaces = ["lo"],
            Port = 0,
            ClientPort = _client.Port,
            StartRange = IPAddress.Parse("127.0.0.50"),
            EndRange = IPAddress.Parse("127.0.0.99"),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
            LeaseStorage = _store,
        });
        await _server.StartAsync();
    }

    [Fact]
    public async Task An_ack_waits_for_its_commit_while_offers_and_naks_leave_at_once()
    {
        Assert.True(_store.DeferCommit); // the server groups the commits
        var a = TestPackets.Mac(0xa1);
        await _client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, a, 1), Port);
        var offer = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Offer, offer.MessageType);
        Assert.Equal(0, _store.Saved); // an offer writes nothing

        // A's REQUEST writes its lease; the commit is held, so its ACK stays in the server.
        await _client.SendAsync(Requesting(a, 1, offer.YourAddress), Port);
        await _store.WrittenAsync(1);

        // Meanwhile B's DISCOVER is offered and C's REQUEST for an address outside the subnet is refused: both replies
        // arrive before A's ACK, which is still waiting for the disk.
        var b = TestPackets.Mac(0xb2);
        await _client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, b, 2), Port);
        var offerB = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Offer, offerB.MessageType);
        Assert.Equal(2u, offerB.TransactionId);
        Assert.NotEqual(offer.YourAddress, offerB.YourAddress);
        await _client.SendAsync(Requesting(TestPackets.Mac(0xc3), 3, IPAddress.Parse("10.9.9.9")), Port);
        var nak = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Nak, nak.MessageType);
        Assert.Equal(3u, nak.TransactionId);
        Assert.False(_client.HasPending);

        _store.Commit(); // the fsync returns: A's ACK leaves
        var ack = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Ack, ack.MessageType);
        Assert.Equal(1u, ack.TransactionId);
        Assert.Equal(offer.YourAddress, ack.YourAddress);
    }

    [Fact]
    public async Task The_acks_one_commit_covers_all_leave_when_it_completes()
    {
        var offers = new List<DhcpMessage>();
        for (int i = 0; i < 3; i++)
        {
            await _client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(0x70 + i), (uint)(70 + i)), Port);
            offers.Add(await _client.ReceiveAsync());
        }

        for (int i = 0; i < 3; i++)
        {
            await _client.SendAsync(Requesting(TestPackets.Mac(0x70 + i), (uint)(70 + i), offers[i].YourAddress), Port);
        }

        await _store.WrittenAsync(3);
        Assert.False(_client.HasPending);
        _store.Commit();
        var xids = new List<uint>();
        for (int i = 0; i < 3; i++)
        {
            var ack = await _client.ReceiveAsync();
            Assert.Equal(DhcpMessageType.Ack, ack.MessageType);
            xids.Add(ack.TransactionId);
        }

        Assert.Equal([70u, 71u, 72u], xids); // in the order they were decided
    }

    [Fact]
    public async Task A_failed_commit_sends_no_ack()
    {
        var a = TestPackets.Mac(0xa4);
        await _client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, a, 4), Port);
        var offer = await _client.ReceiveAsync();
        await _client.SendAsync(Requesting(a, 4, offer.YourAddress), Port);
        await _store.WrittenAsync(1);
        _store.Fail(); // the fsync failed: the lease is not known to be on disk, so the client hears nothing

        // B's exchange is answered; the next ACK to arrive is B's, after its own commit: A's never left.
        var b = TestPackets.Mac(0xb5);
        await _client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, b, 5), Port);
        var offerB = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Offer, offerB.MessageType);
        Assert.Equal(5u, offerB.TransactionId);
        await _client.SendAsync(Requesting(b, 5, offerB.YourAddress), Port);
        await _store.WrittenAsync(2);
        _store.Commit();
        var ack = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Ack, ack.MessageType);
        Assert.Equal(5u, ack.TransactionId);
        Assert.Equal(1, _server.Statistics.SendErrors);
    }

    [Fact]
    public async Task The_start_up_warm_up_runs_the_dora_path_on_a_pool_of_its_own()
    {
        // 50 addresses for 64 made-up clients: the warm-up leased what it could, on a pool of its own.
        Assert.Equal(50, _server.WarmUpAcks);
        Assert.Empty(_server.GetLeases());
        Assert.Equal(0, _store.Saved);
        Assert.Equal(0, _server.Statistics.Received);
        Assert.DoesNotContain(_server.Events.History(), e => e.Protocol == PxeProtocol.Dhcp);

        // The first real client gets the first address of the range.
        var mac = TestPackets.Mac(0xf1);
        await _client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, mac, 6), Port);
        var offer = await _client.ReceiveAsync();
        Assert.Equal(IPAddress.Parse("127.0.0.50"), offer.YourAddress);
    }

    [Fact]
    public void The_warm_up_leases_every_made_up_client_of_a_large_scope()
    {
        var options = new DhcpServerOptions
        {
            StartRange = IPAddress.Parse("10.201.0.10"),
            EndRange = IPAddress.Parse("10.201.3.250"),
            SubnetMask = IPAddress.Parse("255.255.252.0"),
        };
        Assert.Equal(DhcpWarmUp.Exchanges, DhcpWarmUp.Run(options, IPAddress.Parse("10.201.0.1"), TimeProvider.System));
    }

    private static DhcpMessage Requesting(byte[] mac, uint xid, IPAddress address) =>
        TestPackets.Request(DhcpMessageType.Request, mac, xid).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback).With(DhcpOptionCode.RequestedAddress, address);

    public async Task DisposeAsync()
    {
        _store.Commit();
        await _server.StopAsync();
        await _server.StopAsync();
        await _server.DisposeAsync();
        _client.Dispose();
    }

    /// <summary>A lease store in memory whose group commit completes when the test says so (the fsync returning or failing).</summary>
    private sealed class HeldCommitStore : ILeaseStorage, IGroupCommitLeaseStore
    {
        private readonly object _gate = new();
        private TaskCompletionSource _pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _dirty;

        public int Saved { get; private set; }

        public bool DeferCommit { get; set; }

        public event Action? Committed;

        public string Location => "memory (held commits)";

        public ILeaseStore Open() => this;

        public LeaseStoreContents Read() => Load();

        public LeaseStoreContents Load() => new([], [], 0);

        public void SaveLease(DhcpLease lease) => Write();

        public void DeleteLease(IPAddress address) => Write();

        public void SaveReservation(DhcpReservation reservation) => Write();

        public void DeleteReservation(IPAddress address) => Write();

        public Task WhenCommitted()
        {
            lock (_gate)
            {
                return _dirty ? _pending.Task : Task.CompletedTask;
            }
        }

        /// <summary>Completes once <paramref name="count"/> records were written.</summary>
        public async Task WrittenAsync(int count)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            while (true)
            {
                Task next;
                lock (_gate)
                {
                    if (Saved >= count)
                    {
                        return;
                    }

                    next = _written.Task;
                }

                await next.WaitAsync(timeout.Token);
            }
        }

        public void Commit() => Complete(null);

        public void Fail() => Complete(new IOException("disk full"));

        public void Dispose()
        {
        }

        private void Write()
        {
            TaskCompletionSource written;
            lock (_gate)
            {
                Saved++;
                _dirty = true;
                written = _written;
                _written = new(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            written.TrySetResult();
        }

        private void Complete(Exception? error)
        {
            TaskCompletionSource pending;
            lock (_gate)
            {
                pending = _pending;
                _pending = new(TaskCreationOptions.RunContinuationsAsynchronously);
                _dirty = false;
            }

            if (error is null)
            {
                pending.TrySetResult();
            }
            else
            {
                pending.TrySetException(error);
            }

            Committed?.Invoke(); // as the journal's flusher: the server sends what the commit released from here
        }
    }
}
