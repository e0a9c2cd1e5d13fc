using System.Net;
using System.Net.Sockets;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// The live transfers by client end point (address and port), so that a request repeated by the network or by a client
/// whose first answer was lost does not start a second transfer towards the same end point (tftp-hpa follows the source
/// port of every packet it receives and would abort on the second transfer's ERROR). O(1) per request; nothing on the
/// DATA/ACK path.
/// </summary>
/// <remarks>
/// <para>A repeated request (the same bytes: file name, mode and options) while the end point's transfer runs is not
/// answered. It is held, though: a PXE ROM's size probe ends its transfer with an ERROR (code 8 or 0) to the transfer's
/// port and at once sends the same request again from the same port to port 69, and the two sockets are read in either
/// order. When the held request was read first and the transfer then ends by the client's ERROR, without progress since
/// and within the transfer's retransmission timeout, <see cref="Remove"/> hands the held request back to be served at
/// once. Likewise when the transfer completes with nothing but its final ACK after the repeat: a client that asks for
/// the same file again from the same port as soon as it has it (the final ACK and the new request, read in either
/// order). When the transfer moves on (an ACK or DATA) or ends any other way, the held request is dropped.</para>
/// <para>A different request from the same end point means the client abandoned its transfer (it re-used the port):
/// <see cref="Admit"/> removes the old transfer and returns its owner to be ended silently, as dnsmasq (single-port mode)
/// replaces the transfer of an end point that sends a new read request.</para>
/// </remarks>
/// <typeparam name="TOwner">What runs a transfer (the server's session).</typeparam>
internal sealed class TftpRequestTable<TOwner>
    where TOwner : class
{
    private readonly Dictionary<IPEndPoint, Entry> _live = [];
    private readonly TimeProvider _time;

    /// <summary>Creates an empty table reading <paramref name="time"/> for the held requests' freshness.</summary>
    public TftpRequestTable(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
    }

    /// <summary>Transfers in the table.</summary>
    public int Count
    {
        get
        {
            lock (_live)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>
    /// Decides what a request from <paramref name="client"/> is. A repeat of the live transfer's request is held (a copy
    /// of <paramref name="request"/> and <paramref name="packetInformation"/>, replacing any earlier one) and answers
    /// <see cref="TftpRequestVerdict.Repeated"/>; a different request removes the live transfer, returns its owner in
    /// <paramref name="abandoned"/> and answers <see cref="TftpRequestVerdict.Replaces"/>; else <see cref="TftpRequestVerdict.New"/>.
    /// </summary>
    public TftpRequestVerdict Admit(IPEndPoint client, ReadOnlySpan<byte> request, IPPacketInformation packetInformation, out TOwner? abandoned)
    {
        abandoned = null;
        lock (_live)
        {
            if (!_live.TryGetValue(client, out var entry))
            {
                return TftpRequestVerdict.New;
            }

            if (!request.SequenceEqual(entry.Request))
            {
                _live.Remove(client);
                abandoned = entry.Owner;
                return TftpRequestVerdict.Replaces;
            }

            entry.Held = true; // the same bytes: the first copy serves
            entry.HeldPacketInformation = packetInformation;
            entry.HeldAt = _time.GetTimestamp();
            entry.HeldProgress = entry.Transfer.Progress;
            return TftpRequestVerdict.Repeated;
        }
    }

    /// <summary>Records the transfer <paramref name="owner"/> runs for <paramref name="client"/> (replacing any other).</summary>
    public void Add(IPEndPoint client, ReadOnlySpan<byte> request, TOwner owner, TftpTransfer transfer)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(transfer);
        var entry = new Entry(owner, transfer, request.ToArray());
        lock (_live)
        {
            _live[client] = entry;
        }
    }

    /// <summary>
    /// Removes <paramref name="owner"/>'s transfer (it has ended; nothing when another owner has the end point now) and
    /// returns the held request to serve at once, or null: only when the hold is no older than the transfer's timeout and
    /// the transfer ended by the client's ERROR with no progress since the hold, or completed with one step (the final
    /// ACK or DATA) since.
    /// </summary>
    public TftpHeldRequest? Remove(IPEndPoint client, TOwner owner)
    {
        Entry? entry;
        lock (_live)
        {
            if (!_live.TryGetValue(client, out entry) || !ReferenceEquals(entry.Owner, owner))
            {
                return null;
            }

            _live.Remove(client);
        }

        if (!entry.Held)
        {
            return null;
        }

        var transfer = entry.Transfer;
        long steps = transfer.Progress - entry.HeldProgress;
        bool fresh = _time.GetElapsedTime(entry.HeldAt) <= transfer.Negotiated.Timeout;
        bool serve = transfer.EndedByClient
            ? steps == 0 // the size probe: its ERROR, nothing else, came after the repeat
            : transfer.State == TftpTransferState.Completed && steps <= 1; // the final ACK and a new request for the same file, read in either order
        return serve && fresh ? new TftpHeldRequest(entry.Request, entry.HeldPacketInformation) : null;
    }

    private sealed class Entry(TOwner owner, TftpTransfer transfer, byte[] request)
    {
        public TOwner Owner { get; } = owner;

        public TftpTransfer Transfer { get; } = transfer;

        public byte[] Request { get; } = request;

        /// <summary>Whether a repeat of <see cref="Request"/> came while the transfer ran.</summary>
        public bool Held { get; set; }

        public IPPacketInformation HeldPacketInformation { get; set; }

        public long HeldAt { get; set; }

        public long HeldProgress { get; set; }
    }
}
