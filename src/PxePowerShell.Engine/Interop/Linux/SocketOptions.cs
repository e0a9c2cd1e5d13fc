using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// The Linux socket options .NET has no name for, each set through one named function. Linux only: callers check
/// <see cref="OperatingSystem.IsLinux"/>. Every one throws <see cref="SocketException"/> when the kernel refuses.
/// </summary>
internal static class SocketOptions
{
    private const int SolSocket = 1;
    private const int SolUdp = 17;
    private const int SoReuseAddr = 2;
    private const int SoBindToDevice = 25;
    private const int SoRcvBufForce = 33;
    private const int UdpSegment = 103;

    /// <summary>
    /// SO_BINDTODEVICE: the socket receives only what arrives on <paramref name="interfaceName"/> and sends by it
    /// (needs CAP_NET_RAW).
    /// </summary>
    public static void BindToDevice(Socket socket, string interfaceName) =>
        socket.SetRawSocketOption(SolSocket, SoBindToDevice, Encoding.ASCII.GetBytes(interfaceName + "\0"));

    /// <summary>SO_RCVBUFFORCE: a receive buffer beyond net.core.rmem_max (needs CAP_NET_ADMIN).</summary>
    public static void ForceReceiveBuffer(Socket socket, int bytes) => SetInt(socket, SolSocket, SoRcvBufForce, bytes);

    /// <summary>
    /// SO_REUSEADDR alone (.NET's ReuseAddress also sets SO_REUSEPORT on Unix, which would let a second server listen on
    /// the same port): a restarted server binds while old connections linger in TIME_WAIT.
    /// </summary>
    public static void ReuseAddress(Socket socket) => SetInt(socket, SolSocket, SoReuseAddr, 1);

    /// <summary>UDP_SEGMENT (UDP GSO, Linux 4.18+): the kernel splits each send into datagrams of <paramref name="segmentSize"/> bytes.</summary>
    public static void UdpSegmentSize(Socket socket, int segmentSize) => SetInt(socket, SolUdp, UdpSegment, segmentSize);

    /// <summary>setsockopt with a C int in the host's byte order.</summary>
    private static void SetInt(Socket socket, int level, int name, int value)
    {
        Span<byte> bytes = stackalloc byte[sizeof(int)];
        MemoryMarshal.Write(bytes, in value);
        socket.SetRawSocketOption(level, name, bytes);
    }
}
