using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>
/// One dedicated I/O thread: an epoll instance over its sessions' non-blocking sockets plus an eventfd that
/// wakes it for shutdown. On readiness it reads the waiting datagrams with <see cref="Socket.ReceiveFrom(Span{byte}, SocketFlags, SocketAddress)"/>
/// and hands each to <see cref="TftpSession.OnDatagram"/>, which answers from this thread: no thread-pool
/// hop per packet. Registrations carry a token (slot, worker, generation) so a stale event for a reused slot
/// is ignored. No allocation per packet.
/// </summary>
internal sealed unsafe class EpollWorker : ITftpIoWorker
{
    private const int MaxEvents = 256;
    private const int MaxDatagramsPerWakeup = 64; // per session and readiness, so one busy sender cannot starve the rest
    private const ulong WakeToken = ulong.MaxValue;

    private readonly int _index;
    private readonly int _epoll;
    private readonly int _wake;
    private readonly object _gate = new();
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly byte[] _buffer = new byte[65536];
    private readonly SocketAddress _from4 = new(AddressFamily.InterNetwork);
    private readonly SocketAddress _from6 = new(AddressFamily.InterNetworkV6);
    private TftpSession?[] _slots = new TftpSession?[64];
    private uint[] _generations = new uint[64];
    private int[] _free = new int[64];
    private int _freeCount;
    private int _used;
    private int _registered;
    private volatile bool _stopping;
    private bool _closed;

    private EpollWorker(int index, int epoll, int wake)
    {
        _index = index;
        _epoll = epoll;
        _wake = wake;
        _thread = new Thread(Run) { IsBackground = true, Name = $"tftp-epoll-{index}" };
    }

    /// <summary>Sessions registered right now.</summary>
    public int Registered => Volatile.Read(ref _registered);

    /// <summary>Completes when the thread has exited and closed its descriptors.</summary>
    public Task Stopped => _stopped.Task;

    /// <summary>Creates the epoll instance and eventfd and starts the thread; throws when the kernel refuses.</summary>
    public static EpollWorker Start(int index)
    {
        int epoll = Epoll.Create();
        int wake;
        try
        {
            wake = EventFd.Create();
        }
        catch (SocketException)
        {
            FileDescriptors.Close(epoll);
            throw;
        }

        int failed = Epoll.Control(epoll, Epoll.CtlAdd, wake, Epoll.In, WakeToken);
        if (failed != 0)
        {
            FileDescriptors.Close(wake);
            FileDescriptors.Close(epoll);
            throw new SocketException(failed);
        }

        var worker = new EpollWorker(index, epoll, wake);
        worker._thread.Start();
        return worker;
    }

    /// <summary>Registers the session's socket; null when stopping or the session already finished.</summary>
    public Task? Add(TftpSession session)
    {
        lock (_gate)
        {
            if (_stopping || session.IsFinished)
            {
                return null;
            }

            int slot = _freeCount > 0 ? _free[--_freeCount] : _used++;
            if (slot >= _slots.Length)
            {
                Grow();
            }

            uint generation = ++_generations[slot];
            ulong token = WorkerToken.Make(generation, _index, slot);
            session.ReceiverToken = token;
            var slots = _slots;
            slots[slot] = session;
            Volatile.Write(ref _slots, slots);
            session.Socket.Blocking = false; // safe: the socket closes only after Remove, which waits for this lock
            int fd = (int)session.Socket.SafeHandle.DangerousGetHandle();
            int error = Epoll.Control(_epoll, Epoll.CtlAdd, fd, Epoll.In, token);
            if (error != 0)
            {
                slots[slot] = null;
                session.ReceiverToken = 0;
                _free[_freeCount++] = slot;
                throw new SocketException(error);
            }

            _registered++;
            return Task.CompletedTask; // Remove runs under the same lock before the socket closes: nothing to wait for
        }
    }

    /// <summary>Deregisters the session (EPOLL_CTL_DEL) while its socket is still open; the session closes it. Idempotent.</summary>
    public bool Remove(TftpSession session)
    {
        lock (_gate)
        {
            ulong token = session.ReceiverToken;
            if (token == 0)
            {
                return false;
            }

            int slot = WorkerToken.Slot(token);
            if (_slots[slot] != session)
            {
                return false;
            }

            try
            {
                if (_closed)
                {
                    return false; // the epoll descriptor is gone (its number may belong to someone else now)
                }

                int fd = (int)session.Socket.SafeHandle.DangerousGetHandle();
                Epoll.Control(_epoll, Epoll.CtlDel, fd, 0, 0);
            }
            catch (ObjectDisposedException)
            {
                // Already closed: the kernel dropped the registration with the last reference.
            }

            _slots[slot] = null;
            session.ReceiverToken = 0;
            _free[_freeCount++] = slot;
            _registered--;
            return false;
        }
    }

    /// <summary>Tells the thread to exit; it closes its descriptors on the way out.</summary>
    public void RequestStop()
    {
        lock (_gate)
        {
            _stopping = true;
        }

        EventFd.Signal(_wake);
    }

    private void Grow()
    {
        int size = _slots.Length * 2;
        var slots = new TftpSession?[size];
        Array.Copy(_slots, slots, _slots.Length);
        Array.Resize(ref _generations, size);
        Array.Resize(ref _free, size);
        Volatile.Write(ref _slots, slots);
    }

    private void Run()
    {
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * Epoll.EventSize));
        try
        {
            var poll = default(BusyPoll);
            while (!_stopping)
            {
                int count = Epoll.Wait(_epoll, events, MaxEvents, poll.Polling ? 0 : -1);
                if (count == 0)
                {
                    poll.OnEmpty();
                    continue;
                }

                if (count < 0)
                {
                    if (count == -Errno.Eintr)
                    {
                        continue;
                    }

                    break;
                }

                bool served = false;
                for (int i = 0; i < count; i++)
                {
                    ulong token = Epoll.EventData(events, i, out _);
                    if (token == WakeToken)
                    {
                        EventFd.Drain(_wake);
                        continue;
                    }

                    var session = Volatile.Read(ref _slots)[WorkerToken.Slot(token)];
                    if (session is null || session.ReceiverToken != token || session.IsFinished)
                    {
                        continue; // deregistered since this batch was collected
                    }

                    Drain(session);
                    served = true;
                }

                poll.OnBatch(served);
            }
        }
        finally
        {
            NativeMemory.Free(events);
            lock (_gate)
            {
                _stopping = true;
                _closed = true;
                FileDescriptors.Close(_wake);
                FileDescriptors.Close(_epoll);
            }

            _stopped.TrySetResult();
        }
    }

    private void Drain(TftpSession session)
    {
        var socket = session.Socket;
        var from = socket.AddressFamily == AddressFamily.InterNetworkV6 ? _from6 : _from4;
        var buffer = _buffer.AsSpan(0, session.ReceiveSize + 1); // one byte more: a longer datagram shows as too long
        try
        {
            for (int n = 0; n < MaxDatagramsPerWakeup; n++)
            {
                int received;
                try
                {
                    received = socket.ReceiveFrom(buffer, SocketFlags.None, from);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    continue;
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.WouldBlock)
                {
                    return;
                }

                if (received < buffer.Length) // a longer datagram is dropped whole, never handled cut short
                {
                    session.OnDatagram(buffer[..received], from);
                }

                // A read session gets one ACK per window: back to epoll at once. A write session may have a
                // window of DATA queued: FIONREAD instead of reading until EAGAIN (no exception per wake-up).
                // Whatever is left (even a zero-length datagram) is reported again by the level-triggered epoll.
                if (session.IsFinished || session.IsRead || socket.Available == 0)
                {
                    return;
                }
            }
        }
        catch (ObjectDisposedException)
        {
            // Finished and closed by another thread (timer, stop) while we were reading.
        }
        catch (Exception)
        {
            // One session's failure must never stop the loop that serves the others.
            session.OnReceiveFailed();
        }
    }
}
