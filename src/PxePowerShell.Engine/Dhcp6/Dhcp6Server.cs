using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>
/// The DHCPv6 server: one socket per interface on UDP 547 (joined to ff02::1:2) feeding <see cref="Dhcp6Responder"/>.
/// Boot-only without a range (answers network-boot clients beside the segment's DHCPv6 server), full DHCPv6 with one;
/// leases in a <see cref="JournalLeaseStore"/> under <see cref="Dhcp6ServerOptions.DataDirectory"/> (memory when null).
/// </summary>
public sealed class Dhcp6Server : PxeServiceBase
{
    private readonly DhcpCounters _counters = new();
    private readonly List<Dhcp6Listener> _listeners = [];
    private readonly List<Task> _loops = [];
    private ILeaseStore? _store;
    private Dhcp6Responder? _responder;
    private IReadOnlyList<IPEndPoint> _endPoints = [];

    /// <summary>Creates the server; throws <see cref="ArgumentException"/> listing what is wrong with the options.</summary>
    public Dhcp6Server(string name, Dhcp6ServerOptions options, EventHub? events = null, TimeProvider? timeProvider = null)
        : base(name, options?.AssignsAddresses == true ? "Dhcp6" : "ProxyDhcp6", events, timeProvider)
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
    public Dhcp6ServerOptions Options { get; }

    /// <summary>The interfaces served (once started).</summary>
    public IReadOnlyList<Dhcp6Interface> Interfaces { get; private set; } = [];

    /// <summary>The server's DUID as hex (once started).</summary>
    public string? ServerDuid => _responder?.ServerDuid;

    /// <inheritdoc />
    public override IReadOnlyList<IPEndPoint> EndPoints => _endPoints;

    /// <inheritdoc />
    public override DhcpServerStatistics GetStatistics() => _counters.Snapshot();

    /// <summary>The counters.</summary>
    public DhcpServerStatistics Statistics => _counters.Snapshot();

    /// <summary>The IPv6 leases: live while running, else read from the data directory.</summary>
    public IReadOnlyList<DhcpLease> GetLeases()
    {
        if (_responder is { } r && State == PxeServerState.Running)
        {
            return r.GetLeases(Time.GetUtcNow());
        }

        return Storage()?.Read().Leases ?? [];
    }

    /// <summary>The IPv6 leases with DUID, MAC and IAID: live while running, else read from the data directory (IAID unknown).</summary>
    public IReadOnlyList<Dhcp6Lease> GetLeases6()
    {
        if (_responder is { } r && State == PxeServerState.Running)
        {
            return r.GetLeases6(Time.GetUtcNow());
        }

        return GetLeases().Select(l => Dhcp6Lease.From(l, null)).ToList();
    }

    /// <summary>The reservations: live while running, else those of the options and the data directory.</summary>
    public IReadOnlyList<Dhcp6Reservation> GetReservations()
    {
        if (_responder is { } r && State == PxeServerState.Running)
        {
            return r.GetReservations();
        }

        if (!Options.AssignsAddresses)
        {
            return [];
        }

        var stored = (Storage()?.Read().Reservations ?? []).Select(Dhcp6Reservation.FromStored).OfType<Dhcp6Reservation>().ToList();
        return [.. Options.Reservations.Where(o => !stored.Any(s => s.IPAddress.Equals(o.IPAddress))).Concat(stored)];
    }

    /// <summary>Adds a reservation (running full server only); throws <see cref="ArgumentException"/> when it conflicts.</summary>
    public void AddReservation(Dhcp6Reservation reservation) => RunningResponder().AddReservation(reservation);

    /// <summary>Removes the reservation of an address (running full server only); false when there is none.</summary>
    public bool RemoveReservation(IPAddress address) => RunningResponder().RemoveReservation(address);

    /// <summary>Removes a lease (running full server only); false when the address has none.</summary>
    public bool RemoveLease(IPAddress address) => RunningResponder().RemoveLease(address);

    private Dhcp6Responder RunningResponder() =>
        _responder is { } r && State == PxeServerState.Running ? r : throw new InvalidOperationException($"The DHCPv6 server '{Name}' is not running.");

    /// <summary>Where the leases are kept: <see cref="Dhcp6ServerOptions.LeaseStorage"/>, else the journal of <see cref="Dhcp6ServerOptions.DataDirectory"/>, else nowhere.</summary>
    private ILeaseStorage? Storage() => Options.LeaseStorage ?? (Options.DataDirectory is { } dir ? new JournalLeaseStorage(dir) : null);

    /// <inheritdoc />
    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        var interfaces = Dhcp6Interface.Resolve(Options.Interfaces);
        if (interfaces.Count == 0)
        {
            throw new PxeStartException(PxeErrorIds.InterfaceNotFound, PxeErrorCategory.ObjectNotFound, "There is no up, non-loopback interface with an IPv6 link-local address to serve; name one with -Interface.");
        }

        byte[] duid = Options.ServerDuid is { Length: > 0 } configured ? configured : ServerDuidOf(interfaces);
        _store = Options.AssignsAddresses ? Storage()?.Open() : null;
        _responder = new Dhcp6Responder(Options, duid, _store);
        if (_store is IReservationFeed feed)
        {
            // Reservations another server adds or removes in the shared store reach this one's replies at once.
            feed.ReservationsChanged += OnReservationsChanged;
        }

        foreach (var iface in interfaces)
        {
            foreach (var own in new[] { iface.Global, iface.LinkLocal })
            {
                if (own is not null)
                {
                    _responder.Pool?.Exclude(own);
                }
            }

            _listeners.Add(Dhcp6Listener.Open(iface, Options.Port));
        }

        Interfaces = interfaces;
        _endPoints = _listeners.ConvertAll(l => l.LocalEndPoint);
        foreach (var listener in _listeners)
        {
            _loops.Add(Task.Run(() => listener.RunAsync(Handle, _counters, Lifetime)));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task OnStopAsync()
    {
        foreach (var listener in _listeners)
        {
            listener.Dispose();
        }

        await Task.WhenAll(_loops).ConfigureAwait(false);
        if (_store is IReservationFeed feed)
        {
            feed.ReservationsChanged -= OnReservationsChanged;
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
            // The store is down: it announces a change again once it is back.
        }
    }

    private static byte[] ServerDuidOf(IReadOnlyList<Dhcp6Interface> interfaces)
    {
        foreach (var i in interfaces)
        {
            if (i.MacAddress.Length == 6)
            {
                return Dhcp6Duid.FromMacAddress(i.MacAddress);
            }
        }

        // DUID-UUID (RFC 6355) when no interface has an Ethernet address (loopback only).
        var duid = new byte[18];
        duid[1] = 4;
        Guid.NewGuid().TryWriteBytes(duid.AsSpan(2));
        return duid;
    }

    private Dhcp6Message? Handle(Dhcp6Listener listener, ReadOnlySpan<byte> datagram, IPEndPoint source)
    {
        _counters.Received();
        if (!Dhcp6Message.TryParse(datagram, out var message, out _))
        {
            _counters.Malformed();
            return null;
        }

        var now = Time.GetUtcNow();
        if (source.Address.Equals(IPAddress.IPv6Any) || source.Address.IsIPv6Multicast)
        {
            // A reply to [::] goes to this host's own loopback (the BSD rule Linux keeps); to a group, to everyone on it.
            _counters.Outcome(PxeEventKind.Ignored);
            Publish(Dhcp6Events.Outcome(Name, now, Dhcp6Response.Ignore(null, $"from {source.Address}, where no reply can go"), source));
            return null;
        }

        if (message!.MessageType == Dhcp6MessageType.RelayForward && Dhcp6RelayCheck.Problem(message, source.Port, Options.Port) is { } badRelay)
        {
            // The Relay-repl would go to a forged relay: a multicast or unreachable peer, a loop, another port.
            _counters.BadRelay();
            _counters.Outcome(PxeEventKind.Ignored);
            Publish(Dhcp6Events.Outcome(Name, now, Dhcp6Response.Ignore(null, badRelay), source));
            return null;
        }

        var response = _responder!.Respond(message, Options.ServerAddress ?? listener.Interface.UrlAddress, now);
        if (response.Request is { } r)
        {
            _counters.Request(r.MessageType == Dhcp6MessageType.Solicit ? DhcpMessageType.Discover : DhcpMessageType.Request);
        }

        _counters.Outcome(response.Kind);
        Publish(Dhcp6Events.Outcome(Name, now, response, source));
        return response.Reply;
    }
}
