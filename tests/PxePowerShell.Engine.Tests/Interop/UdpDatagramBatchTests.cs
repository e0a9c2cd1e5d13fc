using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Tests.Interop;

/// <summary>recvmmsg(2) and sendmmsg(2) through <see cref="UdpDatagramBatch"/> on real loopback sockets.</summary>
public sealed class UdpDatagramBatchTests
{
    [Fact]
    public void One_receive_takes_every_queued_datagram_with_its_sender_and_marks_a_truncated_one()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var server = Bound();
        using var first = Bound();
        using var second = Bound();
        var to = (IPEndPoint)server.LocalEndPoint!;
        first.SendTo("one"u8, to);
        second.SendTo("two!"u8, to);
        first.SendTo(new byte[100], to); // longer than a slot
        server.ReceiveTimeout = 5000;
        using var batch = new UdpDatagramBatch(8, 64);

        int n = batch.Receive(server.SafeHandle, out _); // loopback queues each datagram at its send: one call takes all

        Assert.Equal(3, n);
        Assert.Equal("one"u8.ToArray(), batch.Received(0).ToArray());
        Assert.Equal("two!"u8.ToArray(), batch.Received(1).ToArray());
        Assert.False(batch.Truncated(0));
        Assert.True(batch.Truncated(2));
        Assert.Equal(64, batch.Received(2).Length);
        Assert.Equal(first.LocalEndPoint, batch.Source(0));
        Assert.Equal(second.LocalEndPoint, batch.Source(1));
        Assert.True(batch.CameFrom(2, (IPEndPoint)first.LocalEndPoint!));
        Assert.False(batch.CameFrom(1, (IPEndPoint)first.LocalEndPoint!));
    }

    [Fact]
    public void A_receive_with_nothing_queued_ends_with_eagain_after_the_socket_timeout()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var server = Bound();
        server.ReceiveTimeout = 50;
        using var batch = new UdpDatagramBatch(4, 64);

        Assert.Equal(-1, batch.Receive(server.SafeHandle, out int errno));
        Assert.Equal(Errno.Eagain, errno);
    }

    [Fact]
    public void One_send_delivers_every_queued_datagram_in_order_to_its_own_destination()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var sender = Bound();
        using var a = Bound();
        using var b = Bound();
        a.ReceiveTimeout = b.ReceiveTimeout = 5000;
        using var batch = new UdpDatagramBatch(4, 32);
        Assert.True(batch.TryQueue("a1"u8, (IPEndPoint)a.LocalEndPoint!));
        Assert.True(batch.TryQueue("b1"u8, (IPEndPoint)b.LocalEndPoint!));
        "a2"u8.CopyTo(batch.Next);
        batch.Queue(2, (IPEndPoint)a.LocalEndPoint!);
        Assert.False(batch.TryQueue(new byte[33], (IPEndPoint)a.LocalEndPoint!)); // longer than a slot

        Assert.Equal(0, batch.Send(sender.SafeHandle));

        Assert.Equal(0, batch.Queued);
        Assert.Equal("a1", Receive(a));
        Assert.Equal("a2", Receive(a));
        Assert.Equal("b1", Receive(b));
    }

    [Fact]
    public void A_refused_datagram_is_counted_and_the_ones_after_it_still_go()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        using var sender = Bound();
        using var a = Bound();
        a.ReceiveTimeout = 5000;
        using var batch = new UdpDatagramBatch(4, 32);
        batch.TryQueue("x"u8, new IPEndPoint(IPAddress.Loopback, 0)); // port 0: EINVAL
        batch.TryQueue("after"u8, (IPEndPoint)a.LocalEndPoint!);

        Assert.Equal(1, batch.Send(sender.SafeHandle));
        Assert.Equal("after", Receive(a));
    }

    private static Socket Bound()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    private static string Receive(Socket socket)
    {
        var buffer = new byte[64];
        return System.Text.Encoding.ASCII.GetString(buffer, 0, socket.Receive(buffer));
    }
}
