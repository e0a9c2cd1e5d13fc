using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// One io_uring instance (Linux 5.6+) used by a single thread: the submission and completion rings mapped
/// into this process, submission entries written in place and handed to the kernel in one
/// <c>io_uring_enter</c> together with the wait for completions. Only what the TFTP loop needs: RECVMSG,
/// SENDMSG, POLL_ADD and ASYNC_CANCEL. Not thread-safe by design (the ring is set up single-issuer).
/// </summary>
internal sealed unsafe class IoUring : IDisposable
{
    public const byte OpPollAdd = 6;
    public const byte OpSendMsg = 9;
    public const byte OpRecvMsg = 10;
    public const byte OpAsyncCancel = 14;

    private const int SetupCqSize = 1 << 3;
    private const int SetupSingleIssuer = 1 << 12;
    private const int SetupDeferTaskrun = 1 << 13;
    private const uint EnterGetEvents = 1;
    private const long OffSqRing = 0;
    private const long OffSqes = 0x10000000;
    private const uint FeatSingleMmap = 1;
    private const uint FeatCqeSkip = 1 << 11;
    private const byte SqeCqeSkipSuccess = 1 << 6;
    private const nint SysIoUringSetup = 425;   // the same numbers on every Linux architecture (the unified table from 5.1 on)
    private const nint SysIoUringEnter = 426;
    private const int ProtReadWrite = 0x1 | 0x2;
    private const int MapSharedPopulate = 0x01 | 0x8000;

    private readonly int _fd;
    private readonly byte* _rings;
    private readonly nuint _ringsSize;
    private readonly IoUringSqe* _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint _sqMask;
    private readonly uint _sqEntries;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly IoUringCqe* _cqes;
    private readonly byte _quietFlag;
    private uint _sqLocalTail;
    private bool _disposed;

    private IoUring(int fd, byte* rings, nuint ringsSize, IoUringSqe* sqes, nuint sqesSize, in IoUringParams p)
    {
        _fd = fd;
        _rings = rings;
        _ringsSize = ringsSize;
        _sqes = sqes;
        _sqesSize = sqesSize;
        _sqEntries = p.SqEntries;
        _sqHead = (uint*)(rings + p.SqOffsets.Head);
        _sqTail = (uint*)(rings + p.SqOffsets.Tail);
        _sqMask = *(uint*)(rings + p.SqOffsets.RingMask);
        uint* array = (uint*)(rings + p.SqOffsets.Array);
        _cqHead = (uint*)(rings + p.CqOffsets.Head);
        _cqTail = (uint*)(rings + p.CqOffsets.Tail);
        _cqMask = *(uint*)(rings + p.CqOffsets.RingMask);
        _cqes = (IoUringCqe*)(rings + p.CqOffsets.Cqes);
        _quietFlag = (p.Features & FeatCqeSkip) != 0 ? SqeCqeSkipSuccess : (byte)0;
        for (uint i = 0; i < _sqEntries; i++)
        {
            array[i] = i; // the indirection array maps slot i to entry i once and for all
        }

        _sqLocalTail = *_sqTail;
    }

    /// <summary>Submission entries written and not yet handed to the kernel.</summary>
    public int Pending => (int)(_sqLocalTail - Volatile.Read(ref *_sqHead));

    /// <summary>
    /// Sets up a ring with <paramref name="entries"/> submission slots and room for
    /// <paramref name="completions"/> completions; throws <see cref="SocketException"/> when the kernel has no
    /// usable io_uring (too old, disabled by sysctl, filtered by seccomp).
    /// </summary>
    public static IoUring Create(uint entries, uint completions)
    {
        IoUringParams p = default;
        int fd = -1;
        // The fastest mode first (completions run only when this thread asks: 6.1+), then the plain one.
        foreach (int flags in new[] { SetupCqSize | SetupSingleIssuer | SetupDeferTaskrun, SetupCqSize })
        {
            p = new IoUringParams { CqEntries = completions, Flags = (uint)flags };
            fd = (int)LibC.Syscall(SysIoUringSetup, (nint)entries, (nint)(&p), 0, 0, 0, 0);
            if (fd >= 0)
            {
                break;
            }
        }

        if (fd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        nuint sqRingSize = p.SqOffsets.Array + (p.SqEntries * (nuint)sizeof(uint));
        nuint cqRingSize = p.CqOffsets.Cqes + (p.CqEntries * (nuint)sizeof(IoUringCqe));
        if ((p.Features & FeatSingleMmap) == 0)
        {
            LibC.Close(fd);
            throw new SocketException((int)SocketError.OperationNotSupported); // before 5.4: not worth a second mapping
        }

        nuint ringsSize = Math.Max(sqRingSize, cqRingSize);
        byte* rings = Map(ringsSize, fd, OffSqRing);
        if (rings == null)
        {
            int error = Marshal.GetLastPInvokeError();
            LibC.Close(fd);
            throw new SocketException(error);
        }

        nuint sqesSize = p.SqEntries * (nuint)sizeof(IoUringSqe);
        var sqes = (IoUringSqe*)Map(sqesSize, fd, OffSqes);
        if (sqes == null)
        {
            int error = Marshal.GetLastPInvokeError();
            Unmap(rings, ringsSize);
            LibC.Close(fd);
            throw new SocketException(error);
        }

        return new IoUring(fd, rings, ringsSize, sqes, sqesSize, p);
    }

    /// <summary>
    /// A cleared submission entry to fill in, handing the queue to the kernel first when it is full.
    /// The entry is submitted by the next <see cref="Enter"/>.
    /// </summary>
    public IoUringSqe* NextEntry()
    {
        while (_sqLocalTail - Volatile.Read(ref *_sqHead) >= _sqEntries)
        {
            Enter(0);
        }

        IoUringSqe* sqe = _sqes + (_sqLocalTail & _sqMask);
        *sqe = default;
        _sqLocalTail++;
        return sqe;
    }

    /// <summary>
    /// Fills an entry: opcode, descriptor, address (a pointer, or for ASYNC_CANCEL the tag to cancel), length,
    /// operation flags and the completion's tag. <paramref name="quiet"/>: no completion when it succeeds, where
    /// the kernel can skip it (5.17+).
    /// </summary>
    public void Prepare(byte opcode, int fd, ulong address, uint length, uint opFlags, ulong userData, bool quiet = false)
    {
        IoUringSqe* sqe = NextEntry();
        sqe->Opcode = opcode;
        sqe->Flags = quiet ? _quietFlag : (byte)0;
        sqe->Fd = fd;
        sqe->Address = address;
        sqe->Length = length;
        sqe->OpFlags = opFlags;
        sqe->UserData = userData;
    }

    /// <summary>
    /// Submits every pending entry and waits until at least <paramref name="waitFor"/> completions are ready
    /// (0: only runs what is due). Entries the kernel could not take yet (completion queue backpressure) stay
    /// pending for the next call, as does a call interrupted by a signal.
    /// </summary>
    public void Enter(uint waitFor)
    {
        Volatile.Write(ref *_sqTail, _sqLocalTail);
        uint pending = (uint)Pending;
        nint result = LibC.Syscall(SysIoUringEnter, _fd, (nint)pending, (nint)waitFor, (nint)EnterGetEvents, 0, 0);
        if (result < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error is not (Errno.Eintr or Errno.Eagain or Errno.Ebusy))
            {
                throw new SocketException(error);
            }
        }
    }

    /// <summary>Takes the next completion, if any: its tag and result (bytes or -errno).</summary>
    public bool TryTakeCompletion(out ulong userData, out int result)
    {
        uint head = *_cqHead;
        if (head == Volatile.Read(ref *_cqTail))
        {
            userData = 0;
            result = 0;
            return false;
        }

        IoUringCqe* cqe = _cqes + (head & _cqMask);
        userData = cqe->UserData;
        result = cqe->Result;
        Volatile.Write(ref *_cqHead, head + 1);
        return true;
    }

    /// <summary>Closes the ring; the kernel cancels whatever is still in flight.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Unmap((byte*)_sqes, _sqesSize);
        Unmap(_rings, _ringsSize);
        LibC.Close(_fd);
    }

    /// <summary>Maps a ring region; null on failure (MAP_FAILED).</summary>
    private static byte* Map(nuint length, int fd, long offset)
    {
        nint address = LibC.Mmap(0, length, ProtReadWrite, MapSharedPopulate, fd, offset);
        return address == -1 ? null : (byte*)address;
    }

    private static void Unmap(byte* address, nuint length) => LibC.Munmap((nint)address, length);
}
