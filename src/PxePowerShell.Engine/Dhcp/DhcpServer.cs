using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The full DHCP server (<c>Start-PxeDhcpServer</c>): one socket per interface on the DHCP port feeding
/// <see cref="DhcpLeaseResponder"/>, leases kept in a <see cref="JournalLeaseStore"/> under
/// <see cref="DhcpServerOptions.DataDirectory"/> (or in memory when it is null).
/// </summary>
public sealed class DhcpServer : PxeServiceBase
{
    private readonly DhcpCounters _counters = new();
    private readonly DhcpListenerGroup _listeners = new();
    private ILeaseStore? _store;
    private IGroupCommitLeaseStore? _commits;
    private DhcpLeaseResponder? _responder;
    private DhcpWorkQueue? _work;
    private HaPeerSet? _peers;
    private Task? _heartbeats;

    /// <summary>How many DISCOVERs and REQUESTs a server with a shared store answers at once (each one database transaction).</summary>
    internal const int AllocationWorkers = 8;

    /// <summary>How many packets wait for each worker; beyond that the oldest is dropped (8 × 32 packets: a wait of a fraction of a second, not of seconds).</summary>
    internal const int AllocationQueueDepth = 32;

    /// <summary>Creates the server; throws <see cref="ArgumentException"/> listing what is wrong with the options.</summary>
    public DhcpServer(string name, DhcpServerOptions options, EventHub? events = null, TimeProvider? timeProvider = null)
        : base(name, "Dhcp", events, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        Options = options;
    }

    /// <summary>The settings.</summary>
    public DhcpServerOptions Options { get; }

    /// <summary>The interfaces served (once started).</summary>
    public IReadOnlyList<DhcpInterface> Interfaces { get; private set; } = [];

    /// <inheritdoc />
    public override IReadOnlyList<IPEndPoint> EndPoints => _listeners.EndPoints;

    /// <inheritdoc />
    public override DhcpServerStatistics GetStatistics() => Statistics;

    /// <summary>ACKs the start-up warm-up got on its throwaway pool (<see cref="DhcpWarmUp"/>); 0 before the start.</summary>
    internal int WarmUpAcks { get; private set; }

    /// <summary>The counters, and the high-availability status of a server with <see cref="DhcpServerOptions.HighAvailability"/> once started.</summary>
    public DhcpServerStatistics Statistics => _peers is { } peers
        ? _counters.Snapshot() with { HighAvailability = peers.Status(Time.GetUtcNow()) }
        : _counters.Snapshot();

    /// <summary>The leases: live while running, else read from the data directory.</summary>
    public IReadOnlyList<DhcpLease> GetLeases()
    {
        if (_responder is { } r && State == PxeServerState.Running)
        {
            return r.GetLeases();
        }

        return StoredLeases()?.Leases ?? [];
    }

    /// <summary>Removes a lease (running server only); false when the address has none.</summary>
    public bool RemoveLease(IPAddress address) => Committed(RunningResponder().RemoveLease(address));

    /// <summary>The reservations: live while running, else those of the options and the data directory.</summary>
    public IReadOnlyList<DhcpReservation> GetReservations()
    {
        if (_responder is { } r && State == PxeServerState.Running)
        {
            return r.GetReservations();
        }

        var stored = StoredLeases()?.Reservations ?? [];
        return [.. Options.Reservations.Where(o => !stored.Any(s => s.IPAddress.Equals(o.IPAddress))).Concat(stored)];
    }

    /// <summary>Removes the reservation of an address (running server only); false when there is none.</summary>
    public bool RemoveReservation(IPAddress address) => Committed(RunningResponder().RemoveReservation(address));

    /// <summary>Adds a reservation (running server only); throws <see cref="ArgumentException"/> when it conflicts.</summary>
    public void AddReservation(DhcpReservation reservation)
    {
        RunningResponder().AddReservation(reservation);
        Committed(true);
    }

    /// <summary>Where the leases are kept: <see cref="DhcpServerOptions.LeaseStorage"/>, else the journal of <see cref="DhcpServerOptions.DataDirectory"/>, else nowhere.</summary>
    private ILeaseStorage? Storage() => Options.LeaseStorage ?? (Options.DataDirectory is { } dir ? new JournalLeaseStorage(dir) : null);

    private LeaseStoreContents? StoredLeases() => Storage()?.Read();

    /// <inheritdoc />
    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        var interfaces = DhcpInterface.Resolve(Options.Interfaces, Options.Addresses, InScope);
        var serving = interfaces.Where(InScope).ToList();
        if (serving.Count == 0)
        {
            string have = interfaces.Count == 0 ? "no interface is in that subnet" : "listening on " + string.Join(", ", interfaces.Select(i => $"{i.Name} {i.Address}/{i.SubnetMask}"));
            throw new PxeStartException(
                PxeErrorIds.RangeOutsideSubnet,
                PxeErrorCategory.InvalidArgument,
                $"The range {Options.StartRange}-{Options.EndRange} is outside the subnet of every listening interface ({have}); pick a range in an interface's subnet.");
        }

        _store = Storage()?.Open();
        if (_store is IGroupCommitLeaseStore grouped)
        {
            // Replies wait for the group commit covering them (see Handle), so the receive loop never waits for a disk.
            grouped.DeferCommit = true;
            _commits = grouped;
        }

        if (Options.HighAvailability is { } ha)
        {
            // Heartbeat once before the first packet: the peers see this server, and it sees them, from the start.
            if (_store is not IHaHeartbeatStore beats)
            {
                _store?.Dispose(); // an embedded journal would stay locked
                _store = null;
                throw new PxeStartException(
                    PxeErrorIds.SharedStoreRequired,
                    PxeErrorCategory.InvalidArgument,
                    $"High availability (HaPeers) needs a lease store that the peers share and that keeps their heartbeats, a PostgreSQL store (-Store, Store in a file); {Storage()?.Location ?? "no store"} does not.");
            }

            _peers = new HaPeerSet(ha);
            _peers.Observe(beats.Heartbeat(ha.ServerName, _peers.Peers), Time.GetUtcNow());
            _heartbeats = HeartbeatAsync(ha, beats, Lifetime);
        }

        _responder = new DhcpLeaseResponder(Options, _store, Time);
        if (_store is IReservationFeed feed)
        {
            // Reservations another server changes reach this one's replies (address, lease time) at once.
            feed.ReservationsChanged += OnReservationsChanged;
        }

        foreach (var iface in serving)
        {
            _responder.Exclude(iface.Address);
        }

        _responder.PrepareStore(); // a shared store's rows of the range, before the first client rather than at it

        foreach (var iface in serving)
        {
            _listeners.Open(iface, Options.Port, pxePort: false, bindToDevice: true);
        }

        Interfaces = serving;
        WarmUpAcks = DhcpWarmUp.Run(Options, serving[0].Address, Time); // the DORA path compiled before the first client
        if (_store is ILeaseAllocator)
        {
            // A shared database allocates: DISCOVERs and REQUESTs are answered by workers, several transactions at once.
            _work = new DhcpWorkQueue(Name, AllocationWorkers, AllocationQueueDepth, ex => Fault(new InvalidOperationException($"a DHCP worker failed: {ex.Message}", ex)));
        }

        if (_commits is not null)
        {
            // The ACKs a commit released leave from the store's flusher as it announces the commit: no thread-pool hop per commit.
            _commits.Committed += _listeners.SendCommitted;
        }

        _listeners.Start(Handle, _counters, Lifetime);

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task OnStopAsync()
    {
        await _listeners.StopAsync().ConfigureAwait(false);
        if (_commits is not null)
        {
            _commits.Committed -= _listeners.SendCommitted;
        }

        if (_work is not null)
        {
            await _work.StopAsync().ConfigureAwait(false); // before the store closes: a worker finishes its transaction
        }

        if (_store is IReservationFeed feed)
        {
            feed.ReservationsChanged -= OnReservationsChanged;
        }

        if (_heartbeats is not null)
        {
            await _heartbeats.ConfigureAwait(false);
        }

        _store?.Dispose();
    }

    private void OnReservationsChanged(object? sender, EventArgs e)
    {
        if (_store is not IReservationFeed feed || _responder is not { } responder)
        {
            return;
        }

        try
        {
            responder.ReplaceReservations(feed.ReadReservations());
        }
        catch (IOException)
        {
            // The store is down: it announces a change again once it is back, and allocation reads it anyway.
        }
    }

    private bool InScope(DhcpInterface i) =>
        !i.IsLoopback || Options.Interfaces.Contains(i.Name) || Options.Addresses.Contains(i.Address)
            ? IPv4.SameSubnet(i.Address, Options.StartRange, i.SubnetMask) && IPv4.SameSubnet(i.Address, Options.StartRange, Options.SubnetMask)
            : false;

    /// <summary>Waits until what the cmdlet just changed is durable (the store throws its PxeStorageException when not).</summary>
    private T Committed<T>(T result)
    {
        _commits?.WhenCommitted().GetAwaiter().GetResult();
        return result;
    }

    private DhcpLeaseResponder RunningResponder() =>
        _responder is { } r && State == PxeServerState.Running ? r : throw new InvalidOperationException($"The DHCP server '{Name}' is not running.");

    private int Handle(DhcpListener listener, ReadOnlySpan<byte> datagram, IPEndPoint source, Span<byte> reply, out IPEndPoint? destination)
    {
        destination = null;
        if (!DhcpIntake.TryAccept(_counters, listener, datagram, source, Interfaces, [(Options.ScopeId, Options.SubnetMask)], out var request, out var ignored))
        {
            if (ignored is not null)
            {
                Publish(DhcpEvents.Outcome(Name, PxeProtocol.Dhcp, Time.GetUtcNow(), ignored, source));
            }

            return 0;
        }

        if (_peers is not null && LoadBalanced(request) is { } owner)
        {
            // Another peer of the group answers this client (RFC 3074 load balancing); it is ours again if that peer goes down.
            _counters.LeftToPeer();
            Ignore(request, source, $"load balancing: peer {owner} serves this client");
            return 0;
        }

        if (_work is not null && request.MessageType is DhcpMessageType.Discover or DhcpMessageType.Request)
        {
            // A REQUEST finishes an exchange that has its offer: it goes ahead of the DISCOVERs waiting.
            _work.Post(request.HardwareAddress, request.MessageType == DhcpMessageType.Request, () => AnswerLater(listener, request, source), () =>
            {
                // The worker's queue was full and this was its oldest packet: dropped for a newer one, counted and said why.
                Ignore(request, source, "allocation queue full: dropped for a newer packet (the lease store is slower than the offered load)");
            });
            return 0;
        }

        return Answer(listener, request, source, reply, out destination);
    }

    /// <summary>A request left unanswered before the responder saw it: counted as received and ignored, and published with <paramref name="reason"/>.</summary>
    private void Ignore(DhcpMessage request, IPEndPoint source, string reason)
    {
        _counters.Request(request.MessageType);
        _counters.Outcome(PxeEventKind.Ignored);
        Publish(DhcpEvents.Outcome(Name, PxeProtocol.Dhcp, Time.GetUtcNow(), DhcpResponse.Ignore(PxeRequest.From(request), reason), source));
    }

    /// <summary>A worker's answer (<see cref="DhcpWorkQueue"/>): decided, recorded by the store, then sent.</summary>
    private void AnswerLater(DhcpListener listener, DhcpMessage request, IPEndPoint source)
    {
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(DhcpMessage.MaxMessageSize);
        try
        {
            int length = Answer(listener, request, source, buffer, out var destination);
            if (length > 0 && destination is not null)
            {
                listener.Reply(buffer.AsSpan(0, length), destination, source, _counters);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private int Answer(DhcpListener listener, DhcpMessage request, IPEndPoint source, Span<byte> reply, out IPEndPoint? destination)
    {
        destination = null;
        var response = _responder!.Respond(request, listener.Interface.Address);
        _counters.Request(request.MessageType);
        _counters.Outcome(response.Kind);
        if (response.Request is { MessageType: DhcpMessageType.Discover or DhcpMessageType.Request } received)
        {
            Publish(DhcpEvents.Received(Name, PxeProtocol.Dhcp, Time.GetUtcNow(), received, source));
        }

        Publish(DhcpEvents.Outcome(Name, PxeProtocol.Dhcp, Time.GetUtcNow(), response, source));
        if (response.Reply is null)
        {
            return 0;
        }

        destination = DhcpReplyRouting.Destination(request, response.Reply, source, Options.ClientPort, DhcpPorts.ServerOrDefault(Options.Port), pxePort: false);
        int length = response.Reply.WriteTo(reply, response.MaxMessageSize, !Options.NoOverride);
        if (length > 0 && response.Kind == PxeEventKind.DhcpAck && _commits?.WhenCommitted() is { IsCompletedSuccessfully: false } commit)
        {
            // An ACK leaves after the fsync of every record written so far (its lease's and any it depends on, such as
            // a release of the address). Nothing else waits: an OFFER is held in memory only (as Kea's), a NAK or an
            // INFORM's ACK promises no lease, so after a crash the journal still decides every address.
            listener.SendAfter(commit, reply[..length], destination, source, _counters);
            destination = null;
            return 0;
        }

        return length;
    }

    /// <summary>
    /// The peer that answers <paramref name="request"/> when it is not this server; null when this server does. As Kea's HA,
    /// the client messages (DISCOVER, REQUEST, DECLINE, RELEASE, INFORM) are balanced; a client with neither a client
    /// identifier nor a hardware address is answered by every peer.
    /// </summary>
    private string? LoadBalanced(DhcpMessage request)
    {
        if (request.MessageType is not (DhcpMessageType.Discover or DhcpMessageType.Request or DhcpMessageType.Decline or DhcpMessageType.Release or DhcpMessageType.Inform)
            || LoadBalanceHash.Bucket(request) is not byte bucket)
        {
            return null;
        }

        string owner = _peers!.Owner(bucket, Time.GetUtcNow());
        return string.Equals(owner, _peers.Self, StringComparison.Ordinal) ? null : owner;
    }

    /// <summary>
    /// Writes this server's heartbeat and reads the peers' every <see cref="DhcpHaOptions.HeartbeatDelay"/> until the server
    /// stops, then marks this server as gone so that the peers take its clients at their next heartbeat. While the store
    /// cannot be reached the peers' heartbeats age in this server's view: it answers their clients too, and the store's
    /// allocation still decides every address.
    /// </summary>
    private async Task HeartbeatAsync(DhcpHaOptions ha, IHaHeartbeatStore store, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await Task.Delay(ha.HeartbeatDelay, Time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            try
            {
                var ages = await Task.Run(() => store.Heartbeat(ha.ServerName, _peers!.Peers), CancellationToken.None).ConfigureAwait(false);
                _peers!.Observe(ages, Time.GetUtcNow());
            }
            catch (PxeStorageException)
            {
                _counters.HeartbeatFailed();
            }
        }

        try
        {
            await Task.Run(() => store.Leave(ha.ServerName), CancellationToken.None).ConfigureAwait(false);
        }
        catch (PxeStorageException)
        {
            _counters.HeartbeatFailed(); // the peers take over when the heartbeat ages instead
        }
    }
}
