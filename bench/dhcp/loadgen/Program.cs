using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

// PXE DISCOVER load generator: sends N DISCOVERs (distinct MAC and xid each) to 255.255.255.255:<port> at a
// target rate (0 = as fast as possible), optionally interleaved with garbage datagrams, and counts the
// broadcast replies that come back to port 68. Prints one JSON line.
// Usage: PxeDhcpLoadGen <iface> <port> <count> <rate> [garbage] [waitMs]
var iface = args[0];
int port = int.Parse(args[1], CultureInfo.InvariantCulture);
int count = int.Parse(args[2], CultureInfo.InvariantCulture);
double rate = double.Parse(args[3], CultureInfo.InvariantCulture);
int garbage = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 0;
int waitMs = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 2000;

using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
socket.SetRawSocketOption(1, 25, Encoding.ASCII.GetBytes(iface + "\0"));
socket.ReceiveBufferSize = 16 * 1024 * 1024;
socket.SendBufferSize = 4 * 1024 * 1024;
socket.Bind(new IPEndPoint(IPAddress.Any, 68));
var target = new IPEndPoint(IPAddress.Broadcast, port);

byte[] template = Discover();
uint xidBase = (uint)Random.Shared.Next(1, int.MaxValue / 2);
var sent = new long[count];
var latency = new double[count];
var answered = new bool[count];
int answers = 0;
long lastAnswer = 0;
var clock = Stopwatch.StartNew();

var receiver = Task.Run(() =>
{
    var buffer = new byte[2048];
    socket.ReceiveTimeout = 200;
    while (true)
    {
        int n;
        try
        {
            n = socket.Receive(buffer);
        }
        catch (SocketException)
        {
            if (Volatile.Read(ref stop))
            {
                break;
            }

            continue;
        }

        if (n < 240 || buffer[0] != 2)
        {
            continue;
        }

        long i = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(4)) - (long)xidBase;
        if (i >= 0 && i < count && !answered[i])
        {
            answered[i] = true;
            long now = clock.ElapsedTicks;
            latency[i] = (now - sent[i]) * 1000.0 / Stopwatch.Frequency;
            lastAnswer = now;
            answers++;
        }
    }
});

var junk = new byte[600];
var rng = new Random(42);
var packet = (byte[])template.Clone();
long start = clock.ElapsedTicks;
int garbageSent = 0;
for (int i = 0; i < count; i++)
{
    if (rate > 0)
    {
        long due = start + (long)(i / rate * Stopwatch.Frequency);
        // Pace in 1 ms slices (sleep, not spin: the generator must not steal the server's CPU).
        while (clock.ElapsedTicks < due - (Stopwatch.Frequency / 1000))
        {
            Thread.Sleep(1);
        }
    }

    uint xid = xidBase + (uint)i;
    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), xid);
    BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(30), (uint)i); // chaddr 52:54:<i>
    sent[i] = clock.ElapsedTicks;
    socket.SendTo(packet, target);

    // Interleave garbage evenly: random lengths and bytes, some with a valid DHCP header and broken options.
    int due2 = (int)((long)garbage * (i + 1) / count);
    while (garbageSent < due2)
    {
        int len = rng.Next(1, junk.Length);
        rng.NextBytes(junk);
        if (garbageSent % 3 == 0 && len >= 244)
        {
            template.AsSpan(0, 240).CopyTo(junk);
            junk[240] = 53;
            junk[241] = 200; // option runs past the end
        }

        socket.SendTo(junk.AsSpan(0, len), target);
        garbageSent++;
    }
}

double sendSeconds = (clock.ElapsedTicks - start) / (double)Stopwatch.Frequency;
await Task.Delay(waitMs);
Volatile.Write(ref stop, true);
await receiver;

var lat = latency.Where((_, i) => answered[i]).Order().ToArray();
double P(double q) => lat.Length == 0 ? double.NaN : lat[Math.Min(lat.Length - 1, (int)(q * lat.Length))];
double answerSeconds = (lastAnswer - start) / (double)Stopwatch.Frequency;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{{\"target_rate\":{rate},\"offered_rate\":{count / sendSeconds:F0},\"sent\":{count},\"garbage\":{garbageSent},\"answered\":{answers},\"loss_pct\":{100.0 * (count - answers) / count:F2},\"answers_per_s\":{(answerSeconds > 0 ? answers / answerSeconds : 0):F0},\"p50_ms\":{P(0.50):F3},\"p99_ms\":{P(0.99):F3}}}"));
return 0;

static byte[] Discover()
{
    // The SeaBIOS + iPXE DISCOVER of shared/testdata (same options), MAC and xid patched per request.
    var p = new byte[400];
    p[0] = 1; p[1] = 1; p[2] = 6;
    p[28] = 0x52; p[29] = 0x54;
    p[236] = 99; p[237] = 130; p[238] = 83; p[239] = 99;
    var o = new List<byte> { 53, 1, 1, 57, 2, 0x05, 0xc0, 93, 2, 0, 0, 94, 3, 1, 2, 1 };
    var vc = Encoding.ASCII.GetBytes("PXEClient:Arch:00000:UNDI:002001");
    o.Add(60); o.Add((byte)vc.Length); o.AddRange(vc);
    o.AddRange(new byte[] { 77, 4, (byte)'i', (byte)'P', (byte)'X', (byte)'E' });
    o.AddRange(new byte[] { 55, 8, 1, 3, 6, 43, 60, 66, 67, 175 });
    o.Add(97); o.Add(17); o.AddRange(new byte[17]);
    o.Add(255);
    o.CopyTo(p, 240);
    return p;
}

partial class Program
{
    private static bool stop;
}
