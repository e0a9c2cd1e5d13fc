using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// Many scripted DHCP clients behind one socket in the lab's clients namespace (port 68 on br0): each does one DORA with
/// the broadcast flag, retries its DISCOVER after <see cref="Retry"/> without progress (a NAK sends it back too), and stops
/// at its ACK, which is recorded with the server that sent it (option 54) and the time.
/// </summary>
internal sealed class DoraClients : IDisposable
{
    private readonly DhcpClientSocket _socket;
    private readonly Client[] _clients;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly IPEndPoint _servers = new(IPAddress.Broadcast, 67);

    public DoraClients(HaLab lab, int count)
    {
        _clients = [.. Enumerable.Range(0, count).Select(i => new Client(TestPackets.Mac(0x300000 + i), 0x4841_0000u + (uint)i))];
        _socket = new DhcpClientSocket(lab.CreateClientSocket(), "br0", 68, OnReplyAsync);
    }

    /// <summary>How long a client waits for progress before it sends its DISCOVER again.</summary>
    public static TimeSpan Retry => TimeSpan.FromSeconds(1);

    /// <summary>Time since the clients were made.</summary>
    public TimeSpan Now => _clock.Elapsed;

    /// <summary>The clients' MACs, by index.</summary>
    public IReadOnlyList<byte[]> Macs => [.. _clients.Select(c => c.Mac)];

    /// <summary>The ACKs so far: client index, address, server, time.</summary>
    public IReadOnlyList<(int Client, IPAddress Address, IPAddress Server, TimeSpan At)> Acks
    {
        get
        {
            lock (_clients)
            {
                return [.. _clients.Select((c, i) => (c, i)).Where(x => x.c.Ack is not null).Select(x => (x.i, x.c.Ack!, x.c.AckServer!, x.c.AckAt))];
            }
        }
    }

    /// <summary>
    /// Runs the clients in order, at most <paramref name="window"/> at a time (as perfdhcp's -R with a cap on outstanding
    /// exchanges: the load follows what the servers manage, and retries never pile up), each retrying until it has its
    /// ACK; ends when all have one or at <paramref name="deadline"/>.
    /// </summary>
    public async Task RunAsync(int window, TimeSpan deadline)
    {
        int started = 0, finished = 0;
        while (_clock.Elapsed < deadline)
        {
            var now = _clock.Elapsed;
            int inFlight = 0;
            var retry = new List<Client>();
            lock (_clients)
            {
                for (; finished < started && _clients[finished].Ack is not null; finished++)
                {
                }

                for (int i = finished; i < started; i++)
                {
                    var c = _clients[i];
                    if (c.Ack is null)
                    {
                        inFlight++;
                        if (now - c.LastSent >= Retry)
                        {
                            retry.Add(c);
                        }
                    }
                }
            }

            if (finished == _clients.Length)
            {
                return;
            }

            foreach (var c in retry)
            {
                await DiscoverAsync(c);
            }

            for (; inFlight < window && started < _clients.Length; inFlight++, started++)
            {
                await DiscoverAsync(_clients[started]);
            }

            await Task.Delay(10);
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task DiscoverAsync(Client c)
    {
        lock (_clients)
        {
            c.LastSent = _clock.Elapsed;
        }

        var discover = TestPackets.Request(DhcpMessageType.Discover, c.Mac, c.Xid);
        discover.Broadcast = true;
        await SendAsync(discover);
    }

    private async Task SendAsync(DhcpMessage message)
    {
        try
        {
            await _socket.SendAsync(message, _servers);
        }
        catch (SocketException)
        {
            // a full send buffer is a lost datagram: the client retries
        }
    }

    private async Task OnReplyAsync(DhcpMessage m)
    {
        uint index = m.TransactionId - 0x4841_0000u;
        if (index >= _clients.Length || m.Options.GetAddress(DhcpOptionCode.ServerIdentifier) is not { } server)
        {
            return;
        }

        var c = _clients[index];
        DhcpMessage? next = null;
        lock (_clients)
        {
            if (c.Ack is not null)
            {
                return;
            }

            if (m.MessageType == DhcpMessageType.Offer)
            {
                next = TestPackets.Request(DhcpMessageType.Request, c.Mac, c.Xid).With(DhcpOptionCode.ServerIdentifier, server).With(DhcpOptionCode.RequestedAddress, m.YourAddress);
                next.Broadcast = true;
                c.LastSent = _clock.Elapsed;
            }
            else if (m.MessageType == DhcpMessageType.Ack)
            {
                c.Ack = m.YourAddress;
                c.AckServer = server;
                c.AckAt = _clock.Elapsed;
            }
        }

        if (next is not null)
        {
            await SendAsync(next);
        }
    }

    private sealed class Client(byte[] mac, uint xid)
    {
        public byte[] Mac { get; } = mac;

        public uint Xid { get; } = xid;

        public TimeSpan LastSent { get; set; }

        public IPAddress? Ack { get; set; }

        public IPAddress? AckServer { get; set; }

        public TimeSpan AckAt { get; set; }
    }
}
