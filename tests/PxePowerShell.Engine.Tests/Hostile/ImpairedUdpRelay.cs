using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// A UDP relay on loopback that impairs every datagram it forwards, in both directions: it drops some, duplicates some
/// and delays some by a few milliseconds so that later datagrams overtake them (reordering, as netem does — this
/// machine's kernel has no sch_netem). It keeps TFTP's transfer IDs apart: each server port the server answers from
/// gets its own relay port towards the client, so a client sees one TID per server session, as without the relay.
/// </summary>
internal sealed class ImpairedUdpRelay : IDisposable
{
    private readonly IPEndPoint _server;
    private readonly Socket _front = Bound();
    private readonly ConcurrentDictionary<IPEndPoint, Session> _clients = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Random _random = new(7440);
    private readonly object _randomGate = new();
    private long _dropped;
    private long _duplicated;
    private long _reordered;

    /// <summary>Relays to <paramref name="server"/> with the given chances (0–100) per datagram.</summary>
    public ImpairedUdpRelay(IPEndPoint server, int lossPercent, int reorderPercent, int duplicatePercent)
    {
        _server = server;
        LossPercent = lossPercent;
        ReorderPercent = reorderPercent;
        DuplicatePercent = duplicatePercent;
        _ = PumpAsync(_front, (from, data) => ClientSession(from).ToServer(data, _server));
    }

    /// <summary>Where clients send their first datagram (the server's well-known port, as seen through the relay).</summary>
    public IPEndPoint EndPoint => (IPEndPoint)_front.LocalEndPoint!;

    public int LossPercent { get; }

    public int ReorderPercent { get; }

    public int DuplicatePercent { get; }

    /// <summary>How many datagrams were dropped, duplicated and held back.</summary>
    public (long Dropped, long Duplicated, long Reordered) Counts => (Interlocked.Read(ref _dropped), Interlocked.Read(ref _duplicated), Interlocked.Read(ref _reordered));

    private Session ClientSession(IPEndPoint client) => _clients.GetOrAdd(client, c => new Session(this, c));

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private int Roll()
    {
        lock (_randomGate)
        {
            return _random.Next(100);
        }
    }

    /// <summary>Sends <paramref name="data"/> through the impairments.</summary>
    private void Send(Socket socket, byte[] data, IPEndPoint to)
    {
        if (Roll() < LossPercent)
        {
            Interlocked.Increment(ref _dropped);
            return;
        }

        int copies = Roll() < DuplicatePercent ? 2 : 1;
        if (copies == 2)
        {
            Interlocked.Increment(ref _duplicated);
        }

        for (int i = 0; i < copies; i++)
        {
            if (Roll() < ReorderPercent)
            {
                Interlocked.Increment(ref _reordered);
                int delay = 5 + Roll() / 4; // 5–29 ms: long enough for the next datagrams to overtake it
                _ = Task.Delay(delay, _stop.Token).ContinueWith(_ => SendNow(socket, data, to), TaskContinuationOptions.OnlyOnRanToCompletion);
            }
            else
            {
                SendNow(socket, data, to);
            }
        }
    }

    private static void SendNow(Socket socket, byte[] data, IPEndPoint to)
    {
        try
        {
            socket.SendTo(data, to);
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
        }
    }

    private async Task PumpAsync(Socket socket, Action<IPEndPoint, byte[]> forward)
    {
        var buffer = new byte[70_000];
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            forward((IPEndPoint)received.RemoteEndPoint, buffer.AsSpan(0, received.ReceivedBytes).ToArray());
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _front.Dispose();
        foreach (var session in _clients.Values)
        {
            session.Dispose();
        }
    }

    /// <summary>One client: a socket towards the server, and one socket towards the client per server port.</summary>
    private sealed class Session : IDisposable
    {
        private readonly ImpairedUdpRelay _relay;
        private readonly IPEndPoint _client;
        private readonly Socket _back = Bound();
        private readonly ConcurrentDictionary<IPEndPoint, Socket> _tids = new();

        public Session(ImpairedUdpRelay relay, IPEndPoint client)
        {
            _relay = relay;
            _client = client;
            _ = relay.PumpAsync(_back, FromServer);
        }

        public void ToServer(byte[] data, IPEndPoint to) => _relay.Send(_back, data, to);

        private void FromServer(IPEndPoint serverPort, byte[] data)
        {
            var tid = _tids.GetOrAdd(serverPort, port =>
            {
                var socket = Bound();
                _ = _relay.PumpAsync(socket, (_, reply) => ToServer(reply, port));
                return socket;
            });
            _relay.Send(tid, data, _client);
        }

        public void Dispose()
        {
            _back.Dispose();
            foreach (var socket in _tids.Values)
            {
                socket.Dispose();
            }
        }
    }
}
