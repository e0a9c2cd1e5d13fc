using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>
/// One io_uring instance (Linux 5.6+) used by a single thread: the submission and completion rings mapped
/// into this process, submission entries written in place and handed to the kernel in one
/// <c>io_uring_enter</c> together with the wait for completions. Only what the TFTP loop needs: RECVMSG,
/// SENDMSG, POLL_ADD and ASYNC_CANCEL. Not thread-safe by design (the ring is set up single-issuer).
/// </summary>
internal sealed unsafe partial class IoUring : IDisposable
{
    public const byte OpPollAdd = 6;
    public const byte OpSendMsg = 9;
    public const byte OpRecvMsg = 10;
    public const byte OpAsyncCancel = 14;
    public const int SqeSize = 64;
    public const int CqeSize = 16;

    private const int SetupCqSize = 1 << 3;
    private const int SetupSingleIssuer = 1 << 12;
    private const int SetupDeferTaskrun = 1 << 13;
    private const uint EnterGetEvents = 1;
    private const long OffSqRing = 0;
    private const long OffSqes = 0x10000000;
    private const uint FeatSingleMmap = 1;
    private const uint FeatCqeSkip = 1 << 11;
    private const byte SqeCqeSkipSuccess = 1 << 6;
    private const int ParamsSize = 120;

    private readonly int _fd;
    private readonly byte* _rings;
    private readonly nuint _ringsSize;
    private readonly byte* _sqes;
    private readonly nuint _sqesSize;
    private readonly uint* _sqHead;
    private readonly uint* _sqTail;
    private readonly uint _sqMask;
    private readonly uint _sqEntries;
    private readonly uint* _cqHead;
    private readonly uint* _cqTail;
    private readonly uint _cqMask;
    private readonly byte* _cqes;
    private readonly byte _quietFlag;
    private uint _sqLocalTail;
    private bool _disposed;

    private IoUring(int fd, byte* rings, nuint ringsSize, byte* sqes, nuint sqesSize, byte* p)
    {
        _fd = fd;
        _rings = rings;
        _ringsSize = ringsSize;
        _sqes = sqes;
        _sqesSize = sqesSize;
        _sqEntries = *(uint*)p;
        _sqHead = (uint*)(rings + *(uint*)(p + 40));
        _sqTail = (uint*)(rings + *(uint*)(p + 44));
        _sqMask = *(uint*)(rings + *(uint*)(p + 48));
        uint* array = (uint*)(rings + *(uint*)(p + 64));
        _cqHead = (uint*)(rings + *(uint*)(p + 80));
        _cqTail = (uint*)(rings + *(uint*)(p + 84));
        _cqMask = *(uint*)(rings + *(uint*)(p + 88));
        _cqes = rings + *(uint*)(p + 100);
        _quietFlag = (*(uint*)(p + 20) & FeatCqeSkip) != 0 ? SqeCqeSkipSuccess : (byte)0;
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
        byte* p = stackalloc byte[ParamsSize];
        int fd = -1;
        // The fastest mode first (completions run only when this thread asks: 6.1+), then the plain one.
        foreach (int flags in new[] { SetupCqSize | SetupSingleIssuer | SetupDeferTaskrun, SetupCqSize })
        {
            new Span<byte>(p, ParamsSize).Clear();
            *(uint*)(p + 4) = completions;
            *(uint*)(p + 8) = (uint)flags;
            fd = (int)Native.Syscall(Native.SysIoUringSetup, entries, (nint)p, 0, 0, 0, 0);
            if (fd >= 0)
            {
                break;
            }
        }

        if (fd < 0)
        {
            throw new SocketException(Marshal.GetLastPInvokeError());
        }

        uint sqEntries = *(uint*)p;
        uint cqEntries = *(uint*)(p + 4);
        uint features = *(uint*)(p + 20);
        nuint sqRingSize = *(uint*)(p + 64) + (sqEntries * 4);
        nuint cqRingSize = *(uint*)(p + 100) + (cqEntries * CqeSize);
        if ((features & FeatSingleMmap) == 0)
        {
            LinuxEpoll.Close(fd);
            throw new SocketException((int)SocketError.OperationNotSupported); // before 5.4: not worth a second mapping
        }

        nuint ringsSize = Math.Max(sqRingSize, cqRingSize);
        byte* rings = Native.Map(ringsSize, fd, OffSqRing);
        if (rings == null)
        {
            int error = Marshal.GetLastPInvokeError();
            LinuxEpoll.Close(fd);
            throw new SocketException(error);
        }

        nuint sqesSize = sqEntries * SqeSize;
        byte* sqes = Native.Map(sqesSize, fd, OffSqes);
        if (sqes == null)
        {
            int error = Marshal.GetLastPInvokeError();
            Native.Unmap(rings, ringsSize);
            LinuxEpoll.Close(fd);
            throw new SocketException(error);
        }

        return new IoUring(fd, rings, ringsSize, sqes, sqesSize, p);
    }

    /// <summary>
    /// A cleared submission entry to fill in, handing the queue to the kernel first when it is full.
    /// The entry is submitted by the next <see cref="Enter"/>.
    /// </summary>
    public byte* NextEntry()
    {
        while (_sqLocalTail - Volatile.Read(ref *_sqHead) >= _sqEntries)
        {
            Enter(0);
        }

        byte* sqe = _sqes + ((_sqLocalTail & _sqMask) * SqeSize);
        new Span<byte>(sqe, SqeSize).Clear();
        _sqLocalTail++;
        return sqe;
    }

    /// <summary>
    /// Fills an entry: opcode, descriptor, address, length, operation flags and the completion's tag.
    /// <paramref name="quiet"/>: no completion when it succeeds, where the kernel can skip it (5.17+).
    /// </summary>
    public void Prepare(byte opcode, int fd, void* address, uint length, uint opFlags, ulong userData, bool quiet = false)
    {
        byte* sqe = NextEntry();
        sqe[0] = opcode;
        sqe[1] = quiet ? _quietFlag : (byte)0;
        *(int*)(sqe + 4) = fd;
        *(ulong*)(sqe + 16) = (ulong)address;
        *(uint*)(sqe + 24) = length;
        *(uint*)(sqe + 28) = opFlags;
        *(ulong*)(sqe + 32) = userData;
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
        long result = Native.Syscall(Native.SysIoUringEnter, _fd, (nint)pending, (nint)waitFor, (nint)EnterGetEvents, 0, 0);
        if (result < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            if (error is not (Native.Eintr or Native.Eagain or Native.Ebusy))
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

        byte* cqe = _cqes + ((head & _cqMask) * CqeSize);
        userData = *(ulong*)cqe;
        result = *(int*)(cqe + 8);
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
        Native.Unmap(_sqes, _sqesSize);
        Native.Unmap(_rings, _ringsSize);
        LinuxEpoll.Close(_fd);
    }

    /// <summary>The raw system calls: io_uring has no libc wrapper.</summary>
    private static partial class Native
    {
        // The same numbers on every Linux architecture (the unified table from 5.1 on).
        public const long SysIoUringSetup = 425;
        public const long SysIoUringEnter = 426;
        public const int Eintr = 4;
        public const int Eagain = 11;
        public const int Ebusy = 16;

        private const int ProtReadWrite = 0x1 | 0x2;
        private const int MapSharedPopulate = 0x01 | 0x8000;

        [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
        public static partial long Syscall(long number, nint a, nint b, nint c, nint d, nint e, nint f);

        public static long Syscall(long number, uint a, nint b, nint c, nint d, nint e, nint f) =>
            Syscall(number, (nint)a, b, c, d, e, f);

        public static long Syscall(long number, int a, nint b, nint c, nint d, nint e, nint f) =>
            Syscall(number, (nint)a, b, c, d, e, f);

        [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
        private static partial nint Mmap(nint address, nuint length, int protection, int flags, int fd, long offset);

        [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
        private static partial int Munmap(nint address, nuint length);

        /// <summary>Maps a ring region; null on failure (MAP_FAILED).</summary>
        public static byte* Map(nuint length, int fd, long offset)
        {
            nint address = Mmap(0, length, ProtReadWrite, MapSharedPopulate, fd, offset);
            return address == -1 ? null : (byte*)address;
        }

        public static void Unmap(byte* address, nuint length) => Munmap((nint)address, length);
    }
}
