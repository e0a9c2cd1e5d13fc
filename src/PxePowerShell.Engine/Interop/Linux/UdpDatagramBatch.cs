using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// Up to <see cref="Capacity"/> IPv4 UDP datagrams moved by one recvmmsg(2) or one sendmmsg(2). Every slot has its
/// <see cref="MMsgHdr"/>, <see cref="IoVec"/>, <c>sockaddr_in</c> and a buffer of <see cref="BufferSize"/> bytes, all
/// in one native block allocated once, so a batch costs one system call and no allocation. Not thread-safe: one batch
/// per thread (or per caller at a time). Linux only: callers check <see cref="OperatingSystem.IsLinux"/>.
/// </summary>
internal sealed unsafe class UdpDatagramBatch : IDisposable
{
    private const ushort AfInet = 2;
    private const int SockAddrInSize = 16;
    private const int MsgTrunc = 0x20;
    private const int MsgWaitForOne = 0x10000;
    private readonly MMsgHdr* _headers;
    private readonly IoVec* _vectors;
    private readonly byte* _names;
    private readonly byte* _buffers;
    private void* _block;

    /// <summary>Allocates <paramref name="capacity"/> slots of <paramref name="bufferSize"/> bytes each.</summary>
    public UdpDatagramBatch(int capacity, int bufferSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bufferSize);
        Capacity = capacity;
        BufferSize = bufferSize;
        nuint headers = (nuint)(capacity * sizeof(MMsgHdr));
        nuint vectors = (nuint)(capacity * sizeof(IoVec));
        nuint names = (nuint)(capacity * SockAddrInSize);
        _block = NativeMemory.AlignedAlloc(headers + vectors + names + (nuint)(capacity * bufferSize), 64);
        _headers = (MMsgHdr*)_block;
        _vectors = (IoVec*)((byte*)_block + headers);
        _names = (byte*)_block + headers + vectors;
        _buffers = _names + names;
    }

    /// <summary>How many datagrams one call moves at most.</summary>
    public int Capacity { get; }

    /// <summary>The size of each slot's buffer: a longer datagram is received truncated (<see cref="Truncated"/>).</summary>
    public int BufferSize { get; }

    /// <summary>Datagrams queued for <see cref="Send"/> so far.</summary>
    public int Queued { get; private set; }

    /// <summary>
    /// recvmmsg(2) with MSG_WAITFORONE: waits for one datagram as a blocking recvmsg(2) does (up to the socket's receive
    /// timeout, SO_RCVTIMEO), then takes every one already queued, up to <see cref="Capacity"/>. Returns how many (slots
    /// 0 to n - 1), or -1 with <paramref name="errno"/> (EAGAIN: the timeout passed; EINTR).
    /// </summary>
    public int Receive(SafeHandle socket, out int errno)
    {
        for (int i = 0; i < Capacity; i++)
        {
            Prepare(i, BufferSize, SockAddrInSize);
        }

        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            int n = LibC.RecvMmsg((int)socket.DangerousGetHandle(), _headers, (uint)Capacity, MsgWaitForOne, null);
            errno = n < 0 ? Marshal.GetLastPInvokeError() : 0;
            return n;
        }
        finally
        {
            if (added)
            {
                socket.DangerousRelease();
            }
        }
    }

    /// <summary>The bytes of received datagram <paramref name="index"/> (at most <see cref="BufferSize"/>).</summary>
    public ReadOnlySpan<byte> Received(int index) =>
        new(Buffer(index), (int)Math.Min(_headers[index].Length, (uint)BufferSize));

    /// <summary>True when received datagram <paramref name="index"/> was longer than <see cref="BufferSize"/> (MSG_TRUNC).</summary>
    public bool Truncated(int index) => (_headers[index].Header.Flags & MsgTrunc) != 0;

    /// <summary>True when received datagram <paramref name="index"/> came from <paramref name="endPoint"/> (an IPv4 address and port).</summary>
    public bool CameFrom(int index, IPEndPoint endPoint)
    {
        byte* name = _names + (index * SockAddrInSize);
        Span<byte> address = stackalloc byte[4];
        return _headers[index].Header.NameLength >= 8
            && BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(name + 2, 2)) == endPoint.Port
            && endPoint.Address.TryWriteBytes(address, out int written) && written == 4
            && new ReadOnlySpan<byte>(name + 4, 4).SequenceEqual(address);
    }

    /// <summary>The sender of received datagram <paramref name="index"/> (0.0.0.0:0 when the kernel gave no IPv4 address).</summary>
    public IPEndPoint Source(int index)
    {
        byte* name = _names + (index * SockAddrInSize);
        if (_headers[index].Header.NameLength < 8 || *(ushort*)name != AfInet)
        {
            return new IPEndPoint(IPAddress.Any, 0);
        }

        return new IPEndPoint(new IPAddress(new ReadOnlySpan<byte>(name + 4, 4)), BinaryPrimitives.ReadUInt16BigEndian(new ReadOnlySpan<byte>(name + 2, 2)));
    }

    /// <summary>The buffer of the next datagram to queue (write it, then <see cref="Queue"/>); empty when the batch is full.</summary>
    public Span<byte> Next => Queued < Capacity ? new Span<byte>(Buffer(Queued), BufferSize) : default;

    /// <summary>Queues the first <paramref name="length"/> bytes of <see cref="Next"/> for <paramref name="destination"/> (IPv4).</summary>
    public void Queue(int length, IPEndPoint destination)
    {
        if (Queued >= Capacity)
        {
            throw new InvalidOperationException("The batch is full: send it first.");
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)BufferSize, nameof(length));
        byte* name = _names + (Queued * SockAddrInSize);
        new Span<byte>(name, SockAddrInSize).Clear();
        *(ushort*)name = AfInet;
        BinaryPrimitives.WriteUInt16BigEndian(new Span<byte>(name + 2, 2), (ushort)destination.Port);
        if (!destination.Address.TryWriteBytes(new Span<byte>(name + 4, 4), out int written) || written != 4)
        {
            throw new ArgumentException($"{destination} is not an IPv4 end point.", nameof(destination));
        }

        Prepare(Queued, length, SockAddrInSize);
        Queued++;
    }

    /// <summary>Copies <paramref name="datagram"/> into the next slot and queues it; false when the batch is full.</summary>
    public bool TryQueue(ReadOnlySpan<byte> datagram, IPEndPoint destination)
    {
        if (Queued >= Capacity || datagram.Length > BufferSize)
        {
            return false;
        }

        datagram.CopyTo(Next);
        Queue(datagram.Length, destination);
        return true;
    }

    /// <summary>
    /// Sends every queued datagram with sendmmsg(2), in order, and empties the batch. A datagram the kernel refuses
    /// (sendmmsg stops at it) is skipped and counted, the rest still go. Returns how many were refused.
    /// </summary>
    public int Send(SafeHandle socket)
    {
        int refused = 0;
        bool added = false;
        try
        {
            socket.DangerousAddRef(ref added);
            int fd = (int)socket.DangerousGetHandle();
            int done = 0;
            while (done < Queued)
            {
                int n = LibC.SendMmsg(fd, _headers + done, (uint)(Queued - done), 0);
                if (n > 0)
                {
                    done += n;
                }
                else if (n < 0 && Marshal.GetLastPInvokeError() == Errno.Eintr)
                {
                    continue;
                }
                else
                {
                    refused++; // the first unsent one failed on its own (no route, a full buffer): drop it, send the rest
                    done++;
                }
            }
        }
        finally
        {
            Queued = 0;
            if (added)
            {
                socket.DangerousRelease();
            }
        }

        return refused;
    }

    /// <summary>Frees the native block.</summary>
    public void Dispose()
    {
        if (_block is not null)
        {
            NativeMemory.AlignedFree(_block);
            _block = null;
        }
    }

    private byte* Buffer(int index) => _buffers + ((nint)index * BufferSize);

    private void Prepare(int index, int length, int nameLength)
    {
        _vectors[index] = new IoVec { Base = (nint)Buffer(index), Length = (nuint)length };
        _headers[index] = new MMsgHdr
        {
            Header = new MsgHdr { Name = (nint)(_names + (index * SockAddrInSize)), NameLength = nameLength, Iov = (nint)(_vectors + index), IovLength = 1 },
        };
    }
}
