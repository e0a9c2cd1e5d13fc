using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>
/// One dedicated I/O thread over an <see cref="IoUring"/>: every attached session has one RECVMSG in flight
/// on its socket; the answers its transfer sends from this thread are queued as SENDMSG entries. One
/// <c>io_uring_enter</c> then hands the kernel every answer and re-armed receive of a batch and sleeps until
/// the next datagrams are in, instead of an epoll_wait, a recvfrom and a sendto per block. On hosts where a
/// system call is expensive (virtual machines, page-table isolation) that is most of a lock-step block's cost.
/// <para>
/// The worker closes each attached session's socket itself (<see cref="Remove"/> returns true), after the
/// receive in flight has been cancelled and every queued send submitted: until then the descriptor stays open,
/// so its number cannot be reused under an entry that names it. (A handle reference would not do: .NET's
/// Socket.Dispose waits for every reference to be released, so a session finishing on this thread would wait
/// for itself.)
/// </para>
/// </summary>
internal sealed unsafe class UringWorker : ITftpIoWorker
{
    private const uint RingEntries = 1024;
    private const uint RingCompletions = 16384;
    private const int ArenaSize = 4 << 20;
    private const int MsgDontWait = 0x40;
    private const int MsgTrunc = 0x20;
    private const int PollIn = 0x1;
    private const int GenerationBits = 30;

    // Completion tags: the kind in the top two bits; a receive's is its slot's WorkerToken (generation kept below bit 62).
    private const ulong KindReceive = 0UL << 62;
    private const ulong KindSend = 1UL << 62;
    private const ulong KindCancel = 2UL << 62;
    private const ulong KindWake = 3UL << 62;

    // A slot's native block: msghdr, iovec, sockaddr storage (128), then the datagram. The kernel reads msghdr and
    // iovec in the process's own layout (MsgHdr, IoVec: 56 + 16 bytes on 64-bit Linux, 28 + 8 on 32-bit), so
    // every offset after them follows from their declared sizes; all stay multiples of 8.
    private const int NameCapacity = 128;
    private const int SendNameCapacity = 32;

    private readonly int _index;
    private readonly int _wake;
    private IoUring _ring = null!;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<SocketException?> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentQueue<(TftpSession Session, TaskCompletionSource? Attached)> _control = new();
    private readonly ConcurrentDictionary<TftpSession, byte> _registered = new();
    private readonly List<int> _releasing = [];
    private readonly SocketAddress _from4 = new(AddressFamily.InterNetwork);
    private readonly SocketAddress _from6 = new(AddressFamily.InterNetworkV6);
    private readonly byte* _arena;
    private Slot[] _slots = new Slot[64];
    private readonly Stack<int> _free = new();
    private int _used;
    private int _live;
    private int _arenaUsed;
    private int _threadId;
    private volatile bool _stopping;
    private volatile bool _dead;

    private enum SlotState
    {
        Free,
        Armed,     // a RECVMSG is in flight
        Idle,      // its datagram is being handled on the worker thread
        Releasing, // done; waits for the next submit (its queued sends) before its socket is closed
    }

    private sealed class Slot
    {
        public TftpSession? Session;
        public int Fd;
        public TaskCompletionSource? Done;
        public SlotState State;
        public bool Detached;
        public uint Generation;
        public byte* Block;
        public int Capacity;
        public ulong Token;
    }

    private UringWorker(int index, int wake)
    {
        _index = index;
        _wake = wake;
        _arena = (byte*)NativeMemory.AlignedAlloc(ArenaSize, 64);
        _thread = new Thread(Run) { IsBackground = true, Name = $"tftp-uring-{index}" };
    }

    public int Registered => _registered.Count;

    private static int IoVecOffset => sizeof(MsgHdr);

    private static int NameOffset => sizeof(MsgHdr) + sizeof(IoVec);

    private static int BufferOffset => NameOffset + NameCapacity;

    public Task Stopped => _stopped.Task;

    /// <summary>
    /// Starts the thread, which sets up its ring (a single-issuer ring belongs to the thread that made it), and
    /// waits for that; throws when the kernel refuses.
    /// </summary>
    public static UringWorker Start(int index)
    {
        int wake = EventFd.Create();
        var worker = new UringWorker(index, wake);
        worker._thread.Start();
        if (worker._ready.Task.GetAwaiter().GetResult() is { } failure)
        {
            FileDescriptors.Close(wake);
            worker.FreeMemory();
            throw failure;
        }

        return worker;
    }

    public Task? Add(TftpSession session)
    {
        lock (_gate)
        {
            if (_stopping || session.IsFinished)
            {
                return null;
            }

            session.Socket.Blocking = false; // sends from other threads (timer) must never block
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _registered[session] = 0;
            _control.Enqueue((session, done));
            Wake();
            return done.Task;
        }
    }

    public bool Remove(TftpSession session)
    {
        if (!_registered.TryRemove(session, out _) || _dead)
        {
            return false;
        }

        if (Environment.CurrentManagedThreadId == _threadId)
        {
            Detach(session);
        }
        else
        {
            _control.Enqueue((session, null));
            Wake();
        }

        return true;
    }

    public bool TryQueueSend(TftpSession session, ReadOnlySpan<byte> packet)
    {
        if (Environment.CurrentManagedThreadId != _threadId || session.ReceiverToken == 0)
        {
            return false;
        }

        var client = session.ClientAddress;
        int record = (NameOffset + SendNameCapacity + packet.Length + 7) & ~7;
        if (record > ArenaSize || client.Size > SendNameCapacity)
        {
            return false;
        }

        if (_arenaUsed + record > ArenaSize)
        {
            SubmitAll();
        }

        byte* msg = _arena + _arenaUsed;
        _arenaUsed += record;
        byte* iov = msg + IoVecOffset;
        byte* name = msg + NameOffset;
        byte* data = name + SendNameCapacity;
        client.Buffer.Span[..client.Size].CopyTo(new Span<byte>(name, SendNameCapacity));
        packet.CopyTo(new Span<byte>(data, packet.Length));
        WriteMessage(msg, name, client.Size, iov, data, packet.Length);
        _ring.Prepare(IoUring.OpSendMsg, _slots[WorkerToken.Slot(session.ReceiverToken)].Fd, (ulong)msg, 1, MsgDontWait, KindSend, quiet: true);
        return true;
    }

    public void RequestStop()
    {
        lock (_gate)
        {
            _stopping = true;
        }

        Wake();
    }

    private void Wake() => EventFd.Signal(_wake);

    private static void WriteMessage(byte* msg, byte* name, int nameLength, byte* iov, byte* data, int length)
    {
        *(MsgHdr*)msg = new MsgHdr { Name = (nint)name, NameLength = nameLength, Iov = (nint)iov, IovLength = 1 };
        *(IoVec*)iov = new IoVec { Base = (nint)data, Length = (nuint)length };
    }

    private void Run()
    {
        _threadId = Environment.CurrentManagedThreadId;
        try
        {
            _ring = IoUring.Create(RingEntries, RingCompletions);
        }
        catch (SocketException ex)
        {
            _ready.SetResult(ex);
            return;
        }

        _ready.SetResult(null);
        try
        {
            ArmWake();
            var poll = default(BusyPoll);
            while (true)
            {
                if (_stopping)
                {
                    CancelAll();
                    if (_live == 0 && _control.IsEmpty)
                    {
                        break;
                    }
                }

                // One call submits the batch's answers and re-armed receives and sleeps until datagrams are in
                // (or, right after a busy batch, only looks); slots waiting for release only need the submit.
                _ring.Enter(poll.Polling || _releasing.Count > 0 ? 0u : 1u);
                AfterSubmit();
                bool work = false;
                bool served = false;
                while (_ring.TryTakeCompletion(out ulong tag, out int result))
                {
                    var kind = Dispatch(tag, result);
                    work |= kind != KindSend; // a failed send (the only kind that still completes) is not news
                    served |= kind == KindReceive;
                }

                if (work)
                {
                    poll.OnBatch(served);
                }
                else
                {
                    poll.OnEmpty();
                }

                DrainControl();
            }
        }
        catch (Exception)
        {
            // The ring itself failed (never expected): close it, fail and close every session, and leave the
            // native memory allocated (the kernel may still be writing to it while it cancels).
            _dead = true;
            _stopping = true;
            _ring.Dispose();
            FailEverything();
            _stopped.TrySetResult();
            return;
        }

        _ring.Dispose();
        FileDescriptors.Close(_wake);
        foreach (var slot in _slots)
        {
            if (slot?.Block is not null)
            {
                NativeMemory.Free(slot.Block);
            }
        }

        FreeMemory();
        _stopped.TrySetResult();
    }

    private void FreeMemory()
    {
        NativeMemory.AlignedFree(_arena);
    }

    /// <summary>Hands every queued entry to the kernel now (sends complete before this returns).</summary>
    private void SubmitAll()
    {
        while (_ring.Pending > 0)
        {
            _ring.Enter(0);
        }

        AfterSubmit();
    }

    /// <summary>After a submit that took every entry: the send arena is free again, and finished slots can close their sockets.</summary>
    private void AfterSubmit()
    {
        if (_ring.Pending != 0)
        {
            return;
        }

        _arenaUsed = 0;
        foreach (int index in _releasing)
        {
            Release(index);
        }

        _releasing.Clear();
    }

    /// <summary>Handles one completion; returns its kind.</summary>
    private ulong Dispatch(ulong tag, int result)
    {
        ulong kind = tag & (3UL << 62);
        switch (kind)
        {
            case KindWake:
                EventFd.Drain(_wake);
                ArmWake();
                break;
            case KindReceive:
                OnReceived(tag, result);
                break;
            default:
                break; // a send that failed (retransmission covers it) or a cancel's own completion
        }

        return kind;
    }

    private void OnReceived(ulong tag, int result)
    {
        int index = WorkerToken.Slot(tag);
        var slot = index < _used ? _slots[index] : null;
        if (slot is null || slot.Token != tag || slot.State != SlotState.Armed)
        {
            return;
        }

        slot.State = SlotState.Idle;
        var session = slot.Session!;
        if (!slot.Detached && !session.IsFinished)
        {
            if (result >= 0)
            {
                Deliver(slot, session, result);
            }
            else if (result is not (-Errno.Ecanceled or -Errno.Econnrefused or -Errno.Emsgsize or -Errno.Eintr)) // read on
            {
                session.OnReceiveFailed();
            }
        }

        if (slot.Detached || session.IsFinished)
        {
            slot.State = SlotState.Releasing;
            _releasing.Add(index);
        }
        else
        {
            Arm(slot);
        }
    }

    private void Deliver(Slot slot, TftpSession session, int length)
    {
        byte* block = slot.Block;
        var header = (MsgHdr*)block;
        if ((header->Flags & MsgTrunc) != 0)
        {
            return; // longer than any datagram this transfer accepts: dropped whole, as every receiver drops it
        }

        int nameLength = header->NameLength;
        var from = session.Socket.AddressFamily == AddressFamily.InterNetworkV6 ? _from6 : _from4;
        if (nameLength > from.Buffer.Length)
        {
            return;
        }

        new ReadOnlySpan<byte>(block + NameOffset, nameLength).CopyTo(from.Buffer.Span);
        from.Size = nameLength;
        try
        {
            session.OnDatagram(new ReadOnlySpan<byte>(block + BufferOffset, length), from);
        }
        catch (Exception)
        {
            // One session's failure must never stop the loop that serves the others.
            session.OnReceiveFailed();
        }
    }

    private void Arm(Slot slot)
    {
        byte* block = slot.Block;
        WriteMessage(block, block + NameOffset, NameCapacity, block + IoVecOffset, block + BufferOffset, slot.Session!.ReceiveSize);
        _ring.Prepare(IoUring.OpRecvMsg, slot.Fd, (ulong)block, 1, 0, slot.Token);
        slot.State = SlotState.Armed;
    }

    private void ArmWake() => _ring.Prepare(IoUring.OpPollAdd, _wake, 0, 0, PollIn, KindWake);

    private void DrainControl()
    {
        while (_control.TryDequeue(out var request))
        {
            if (request.Attached is { } done)
            {
                Attach(request.Session, done);
            }
            else
            {
                Detach(request.Session);
            }
        }
    }

    private void Attach(TftpSession session, TaskCompletionSource done)
    {
        if (!_registered.ContainsKey(session))
        {
            session.Socket.Dispose(); // removed before the worker got to it: nothing was armed, the socket is ours to close
            done.TrySetResult();
            return;
        }

        int index = _free.Count > 0 ? _free.Pop() : _used++;
        if (index >= _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        var slot = _slots[index] ??= new Slot();
        int needed = BufferOffset + session.ReceiveSize;
        if (slot.Capacity < needed)
        {
            NativeMemory.Free(slot.Block);
            slot.Block = (byte*)NativeMemory.Alloc((nuint)needed);
            slot.Capacity = needed;
        }

        slot.Generation = (slot.Generation + 1) & ((1U << GenerationBits) - 1);
        slot.Token = KindReceive | WorkerToken.Make(slot.Generation, _index, index);
        slot.Session = session;
        slot.Done = done;
        slot.Detached = false;
        slot.Fd = (int)session.Socket.SafeHandle.DangerousGetHandle(); // open until Release closes it
        _live++;
        session.ReceiverToken = slot.Token;
        Arm(slot);
    }

    private void Detach(TftpSession session)
    {
        ulong token = session.ReceiverToken;
        int index = WorkerToken.Slot(token);
        var slot = token != 0 && index < _used ? _slots[index] : null;
        if (slot is null || slot.Session != session || slot.Token != token || slot.Detached)
        {
            return;
        }

        slot.Detached = true;
        if (slot.State == SlotState.Armed)
        {
            _ring.Prepare(IoUring.OpAsyncCancel, -1, token, 0, 0, KindCancel); // the tag itself, all 64 bits (a pointer would cut it on 32-bit)
        }

        // Idle: the slot's datagram is being handled right now; OnReceived releases it when that returns.
        // Armed: the receive's completion (cancelled, or a datagram that beat the cancel) releases it.
    }

    private void Release(int index)
    {
        var slot = _slots[index];
        var session = slot.Session!;
        if (session.ReceiverToken == slot.Token)
        {
            session.ReceiverToken = 0;
        }

        session.Socket.Dispose(); // the session finished and left it to us: nothing in the ring names it now
        slot.Session = null;
        slot.State = SlotState.Free;
        slot.Done?.TrySetResult();
        slot.Done = null;
        _free.Push(index);
        _live--;
    }

    private void CancelAll()
    {
        for (int i = 0; i < _used; i++)
        {
            if (_slots[i] is { Session: { } session, Detached: false, State: SlotState.Armed })
            {
                session.OnReceiveFailed(); // finishes it: Remove on this thread cancels the receive
                _registered.TryRemove(session, out _);
                Detach(session); // no-op unless it had already finished without being removed
            }
        }
    }

    private void FailEverything()
    {
        while (_control.TryDequeue(out var request))
        {
            request.Attached?.TrySetResult();
        }

        foreach (var registration in _registered)
        {
            registration.Key.OnReceiveFailed();
        }

        for (int i = 0; i < _used; i++)
        {
            if (_slots[i] is { Session: { } session } slot)
            {
                session.Socket.Dispose();
                slot.Done?.TrySetResult();
            }
        }
    }
}
