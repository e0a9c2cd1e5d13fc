using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The full DHCP state machine (RFC 2131 section 4.3): DISCOVER → OFFER, REQUEST in SELECTING, INIT-REBOOT,
/// RENEWING and REBINDING → ACK or NAK, DECLINE (quarantine), RELEASE and INFORM; PXE and HTTP-boot clients get
/// boot options as in proxy mode. The server is authoritative for its scope: a client asking for an address
/// that is free in the range gets it even without a record (a lost lease file never strands a client).
/// Thread-safe; the clock is injected; leases are durable before an ACK leaves. With a shared store (<see cref="ILeaseAllocator"/>)
/// the in-memory pool is locked only around its own reads and writes, never across the store's allocation, so several
/// threads allocate at once (each in its own database transaction).
/// </summary>
internal sealed class DhcpLeaseResponder
{
    private readonly object _gate = new();
    private readonly DhcpServerOptions _options;
    private readonly LeasePool _pool;
    private readonly TimeProvider _time;
    private readonly BootPolicy? _boot;
    private readonly ILeaseAllocator? _allocator;
    private readonly List<IPAddress> _excluded = [];
    private readonly IPAddress _broadcast;
    private volatile LeaseRange _range;

    /// <summary>Creates the responder; loads leases from <paramref name="store"/> when given.</summary>
    public DhcpLeaseResponder(DhcpServerOptions options, ILeaseStore? store, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _pool = new LeasePool(options, store);
        _allocator = store as ILeaseAllocator; // a shared store allocates in its own transaction (several servers, one pool)
        _boot = options.Boot is null ? null : new BootPolicy(options.Boot);
        _range = LeaseRange.Of(options);
        _broadcast = IPv4.ToAddress(IPv4.ToUInt32(options.ScopeId) | ~IPv4.ToUInt32(options.SubnetMask)); // option 28, for a client that asks for it
    }

    /// <summary>The options.</summary>
    public DhcpServerOptions Options => _options;

    /// <summary>Torn or corrupt journal records dropped at load.</summary>
    public int DiscardedRecords => _pool.Discarded;

    /// <summary>Excludes the server's own address from the pool.</summary>
    public void Exclude(IPAddress address)
    {
        lock (_gate)
        {
            _pool.Exclude(address);
            _excluded.Add(address);
            _range = LeaseRange.Of(_options, [.. _excluded]); // built once, not per allocation
        }
    }

    /// <summary>Has a shared store make ready the range (its rows) once the server's own addresses are excluded: at start, not at the first client.</summary>
    public void PrepareStore() => _allocator?.Prepare(_range);

    /// <summary>The leases as of now.</summary>
    public IReadOnlyList<DhcpLease> GetLeases()
    {
        lock (_gate)
        {
            return _pool.Snapshot(_time.GetUtcNow());
        }
    }

    /// <summary>Removes a lease; false when the address has none.</summary>
    public bool RemoveLease(IPAddress address)
    {
        lock (_gate)
        {
            return _pool.Remove(address);
        }
    }

    /// <summary>The reservations, by address.</summary>
    public IReadOnlyList<DhcpReservation> GetReservations()
    {
        lock (_gate)
        {
            return _pool.Reservations;
        }
    }

    /// <summary>Removes the reservation of an address; false when there is none.</summary>
    public bool RemoveReservation(IPAddress address)
    {
        lock (_gate)
        {
            return _pool.RemoveReservation(address);
        }
    }

    /// <summary>Adds a reservation; throws <see cref="ArgumentException"/> with the reason when it cannot.</summary>
    public void AddReservation(DhcpReservation reservation)
    {
        lock (_gate)
        {
            _pool.AddReservation(reservation);
        }
    }

    /// <summary>Takes in the reservations a shared store holds now (<see cref="IReservationFeed"/>), beside those of the options.</summary>
    public void ReplaceReservations(IEnumerable<DhcpReservation> stored)
    {
        lock (_gate)
        {
            _pool.ReplaceReservations(stored);
        }
    }

    /// <summary>Decides the reply to a request received on the interface with address <paramref name="serverAddress"/>.</summary>
    public DhcpResponse Respond(DhcpMessage request, IPAddress serverAddress)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(serverAddress);
        if (request.Op != 1)
        {
            return DhcpResponse.Ignore(null, "not a BOOTREQUEST");
        }

        var pxe = PxeRequest.From(request);
        if (request.HardwareAddressLength == 0)
        {
            return DhcpResponse.Ignore(pxe, "no hardware address");
        }

        var via = pxe.RelayAgentAddress ?? serverAddress;
        if (!IPv4.SameSubnet(via, _options.StartRange, _options.SubnetMask))
        {
            return DhcpResponse.Ignore(pxe, pxe.RelayAgentAddress is null
                ? $"interface address {serverAddress} is not in the scope {_options.ScopeId}/{_options.SubnetMask}"
                : $"relay {pxe.RelayAgentAddress} is not in the scope {_options.ScopeId}/{_options.SubnetMask}");
        }

        if (_allocator is not null && request.MessageType is DhcpMessageType.Discover or DhcpMessageType.Request)
        {
            // The shared store's allocation runs outside the lock (Discover, Request and Allocated lock around the pool).
            var at = _time.GetUtcNow();
            try
            {
                string key;
                lock (_gate)
                {
                    key = ClientKey(request, pxe.MacAddress);
                }

                return request.MessageType == DhcpMessageType.Discover
                    ? Discover(request, pxe, key, serverAddress, at)
                    : Request(request, pxe, key, serverAddress, at);
            }
            catch (IOException ex)
            {
                // The lease could not be recorded: say nothing, the client retries.
                return DhcpResponse.Ignore(pxe, "lease store write failed: " + ex.Message);
            }
        }

        lock (_gate)
        {
            var now = _time.GetUtcNow();
            try
            {
                return request.MessageType switch
                {
                    DhcpMessageType.Discover => Discover(request, pxe, ClientKey(request, pxe.MacAddress), serverAddress, now),
                    DhcpMessageType.Request => Request(request, pxe, ClientKey(request, pxe.MacAddress), serverAddress, now),
                    DhcpMessageType.Decline => Decline(pxe, ClientKey(request, pxe.MacAddress), serverAddress, now),
                    DhcpMessageType.Release => Release(request, pxe, ClientKey(request, pxe.MacAddress), serverAddress, now),
                    DhcpMessageType.Inform => Inform(request, pxe, serverAddress),
                    _ => DhcpResponse.Ignore(pxe, $"message type {request.MessageType} is not served"),
                };
            }
            catch (IOException ex)
            {
                // The lease could not be made durable: say nothing, the client retries.
                return DhcpResponse.Ignore(pxe, "lease store write failed: " + ex.Message);
            }
        }
    }

    /// <summary>
    /// Who the client is for its lease (RFC 2131 4.2: the client identifier, option 61, when it sends one, else chaddr),
    /// as Kea and dnsmasq key leases: two clients behind one MAC (a VM host, PXE firmware then the installed OS with a
    /// DUID) are two clients. The MAC itself when there is no option 61, when option 61 is hardware type 1 and that same
    /// MAC, or when the MAC has a reservation (reservations are by MAC, as dnsmasq's dhcp-host); else the identifier's
    /// bytes in hex, hyphenated ("FF-00-00-00-01-…").
    /// </summary>
    private string ClientKey(DhcpMessage request, string mac)
    {
        if (_pool.ReservationOf(mac) is not null || !request.Options.TryGet(DhcpOptionCode.ClientIdentifier, out var id) || id.Length < 2)
        {
            return mac;
        }

        var span = id.Span;
        if (span[0] == 1 && string.Equals(BitConverter.ToString(span[1..].ToArray()), mac, StringComparison.OrdinalIgnoreCase))
        {
            return mac;
        }

        return BitConverter.ToString(span.ToArray());
    }

    private DhcpResponse Discover(DhcpMessage request, PxeRequest pxe, string client, IPAddress server, DateTimeOffset now)
    {
        string? refused;
        lock (_gate)
        {
            refused = OverDeclineLimit(client, now);
        }

        if (refused is not null)
        {
            return DhcpResponse.Ignore(pxe, refused);
        }

        if (_allocator is not null)
        {
            return Allocated(request, pxe, client, pxe.RequestedAddress, server, now, AddressState.Offered, null);
        }

        uint? requested = pxe.RequestedAddress is { } r ? IPv4.ToUInt32(r) : null;
        if (_pool.Choose(client, requested, now) is not uint address)
        {
            return DhcpResponse.Ignore(pxe, "address pool exhausted");
        }

        _pool.Offer(address, client, pxe.HostName, now);
        var reply = Build(request, pxe, DhcpMessageType.Offer, server, IPv4.ToAddress(address));
        return new DhcpResponse(reply, PxeEventKind.DhcpOffer, pxe, null);
    }

    private DhcpResponse Request(DhcpMessage request, PxeRequest pxe, string client, IPAddress server, DateTimeOffset now)
    {
        DhcpResponse? refused;
        IPAddress? target;
        string phase;
        lock (_gate)
        {
            refused = Requested(request, pxe, client, server, now, out target, out phase);
        }

        if (refused is not null)
        {
            return refused;
        }

        if (_allocator is not null)
        {
            return Allocated(request, pxe, client, target, server, now, AddressState.Active, phase);
        }

        _pool.Commit(IPv4.ToUInt32(target!), client, pxe.HostName, now);
        var reply = Build(request, pxe, DhcpMessageType.Ack, server, target);
        return new DhcpResponse(reply, PxeEventKind.DhcpAck, pxe, phase);
    }

    /// <summary>The address a REQUEST asks for and the phase it is in; the NAK or silence it gets instead when it may not have it (under the lock).</summary>
    private DhcpResponse? Requested(DhcpMessage request, PxeRequest pxe, string mac, IPAddress server, DateTimeOffset now, out IPAddress? target, out string phase)
    {
        target = null;
        phase = "";
        if (pxe.ServerIdentifier is { } sid)
        {
            if (!sid.Equals(server))
            {
                _pool.Forget(mac);
                return DhcpResponse.Ignore(pxe, $"client chose server {sid}");
            }

            target = pxe.RequestedAddress ?? (request.ClientAddress.Equals(IPAddress.Any) ? null : request.ClientAddress);
            phase = "selecting";
        }
        else if (pxe.RequestedAddress is { } requested && request.ClientAddress.Equals(IPAddress.Any))
        {
            target = requested;
            phase = "init-reboot";
        }
        else if (!request.ClientAddress.Equals(IPAddress.Any))
        {
            target = request.ClientAddress;
            phase = "renewing";
        }
        else
        {
            return DhcpResponse.Ignore(pxe, "REQUEST names no address");
        }

        if (target is null)
        {
            return Nak(request, pxe, server, "REQUEST names no address");
        }

        uint a = IPv4.ToUInt32(target);
        if (!_pool.InSubnet(a))
        {
            return Nak(request, pxe, server, $"{phase}: {target} is not in the subnet {_options.ScopeId}/{_options.SubnetMask}");
        }

        if (!_pool.IsAvailableFor(a, mac, now))
        {
            return Nak(request, pxe, server, _pool.ReservationOf(mac) is uint reserved && reserved != a
                ? $"{phase}: client has a reservation for {IPv4.ToAddress(reserved)}"
                : $"{phase}: {target} is not available to this client");
        }

        return null;
    }

    /// <summary>
    /// DISCOVER (an offer) or REQUEST (an ACK of <paramref name="requested"/>, else a NAK) through the shared store's
    /// allocation: what the database gave is what the client gets, so no other server can give it too.
    /// </summary>
    private DhcpResponse Allocated(DhcpMessage request, PxeRequest pxe, string client, IPAddress? requested, IPAddress server, DateTimeOffset now, AddressState state, string? phase)
    {
        var duration = state == AddressState.Offered ? _options.OfferHoldTime : _options.LeaseDuration;
        var lease = _allocator!.TryAllocate(_range, client, pxe.HostName, requested, now, duration, state); // outside the lock: one transaction
        if (lease is null)
        {
            return state == AddressState.Offered ? DhcpResponse.Ignore(pxe, "address pool exhausted") : Nak(request, pxe, server, $"{phase}: {requested} is not available to this client");
        }

        lock (_gate)
        {
            _pool.Adopt(lease);
            if (state == AddressState.Offered)
            {
                return new DhcpResponse(Build(request, pxe, DhcpMessageType.Offer, server, lease.IPAddress), PxeEventKind.DhcpOffer, pxe, null);
            }

            return lease.IPAddress.Equals(requested)
                ? new DhcpResponse(Build(request, pxe, DhcpMessageType.Ack, server, lease.IPAddress), PxeEventKind.DhcpAck, pxe, phase)
                : Nak(request, pxe, server, $"{phase}: {requested} is held by another client (shared store)");
        }
    }

    private DhcpResponse Decline(PxeRequest pxe, string client, IPAddress server, DateTimeOffset now)
    {
        if (pxe.ServerIdentifier is { } sid && !sid.Equals(server))
        {
            return DhcpResponse.Ignore(pxe, $"DECLINE is for server {sid}");
        }

        if (pxe.RequestedAddress is not { } address || !_pool.InSubnet(IPv4.ToUInt32(address)))
        {
            return DhcpResponse.Ignore(pxe, "DECLINE names no address of this scope");
        }

        uint a = IPv4.ToUInt32(address);
        if (_pool.StateOf(a, client) is null)
        {
            return DhcpResponse.Ignore(pxe, $"DECLINE of {address}, which this client does not hold");
        }

        if (OverDeclineLimit(client, now) is { } refused)
        {
            return DhcpResponse.Ignore(pxe, $"DECLINE of {address} ignored: {refused}");
        }

        _pool.Decline(a, client, now);
        return new DhcpResponse(null, PxeEventKind.DhcpDecline, pxe, $"{address} on probation for {_options.DeclineProbation}");
    }

    /// <summary>Why a client that has declined <see cref="DhcpServerOptions.DeclineLimit"/> addresses still on probation gets nothing more; null when it may go on.</summary>
    private string? OverDeclineLimit(string client, DateTimeOffset now)
    {
        int declined = _pool.DeclinesOf(client, now, out var firstBack);
        return declined < _options.DeclineLimit
            ? null
            : $"the client has declined {declined} addresses still on probation (limit {_options.DeclineLimit}); nothing more for it until {firstBack:u}";
    }

    private DhcpResponse Release(DhcpMessage request, PxeRequest pxe, string client, IPAddress server, DateTimeOffset now)
    {
        if (pxe.ServerIdentifier is { } sid && !sid.Equals(server))
        {
            return DhcpResponse.Ignore(pxe, $"RELEASE is for server {sid}");
        }

        var address = request.ClientAddress;
        if (address.Equals(IPAddress.Any) || !_pool.Release(IPv4.ToUInt32(address), client, now))
        {
            return DhcpResponse.Ignore(pxe, $"RELEASE of {address}, which this client does not hold");
        }

        return new DhcpResponse(null, PxeEventKind.DhcpRelease, pxe, $"{address} released");
    }

    private DhcpResponse Inform(DhcpMessage request, PxeRequest pxe, IPAddress server)
    {
        var reply = Build(request, pxe, DhcpMessageType.Ack, server, null);
        reply.ClientAddress = request.ClientAddress;
        reply.Options.Remove(DhcpOptionCode.LeaseTime);
        return new DhcpResponse(reply, PxeEventKind.DhcpInform, pxe, null);
    }

    private static DhcpResponse Nak(DhcpMessage request, PxeRequest pxe, IPAddress server, string reason)
    {
        var reply = ProxyDhcpResponder.NewReply(request, DhcpMessageType.Nak, server);
        reply.Flags = request.Flags;
        if (!request.RelayAgentAddress.Equals(IPAddress.Any))
        {
            reply.Broadcast = true; // RFC 2131 4.3.2: a relayed NAK asks the relay to broadcast.
        }

        reply.Options.SetString(DhcpOptionCode.Message, reason);
        EchoClientIdentifier(request, reply);
        return new DhcpResponse(reply, PxeEventKind.DhcpNak, pxe, reason);
    }

    private DhcpMessage Build(DhcpMessage request, PxeRequest pxe, DhcpMessageType type, IPAddress server, IPAddress? yiaddr)
    {
        var reply = ProxyDhcpResponder.NewReply(request, type, server);
        reply.Flags = request.Flags;
        if (yiaddr is not null)
        {
            reply.YourAddress = yiaddr;
        }

        var o = reply.Options;
        EchoClientIdentifier(request, reply);
        uint lease = (uint)(yiaddr is null ? _options.LeaseDuration : _pool.LeaseDurationOf(IPv4.ToUInt32(yiaddr))).TotalSeconds;
        // No T1/T2 (58/59): they would be RFC 2131's defaults (4.4.5: ½ and ⅞ of the lease), which a client applies
        // without them (as Kea sends none unless configured); 0xffffffff is an infinite lease with nothing to renew.
        o.SetUInt32(DhcpOptionCode.LeaseTime, lease);
        o.SetAddress(DhcpOptionCode.SubnetMask, _options.SubnetMask);
        if (pxe.RequestedOptions.Contains((byte)DhcpOptionCode.BroadcastAddress))
        {
            o.SetAddress(DhcpOptionCode.BroadcastAddress, _broadcast); // a client without it derives it from address and mask (as dnsmasq, only when asked)
        }

        if (_options.Router.Count > 0)
        {
            o.SetAddresses(DhcpOptionCode.Router, ThisServer(_options.Router, server));
        }

        if (_options.DnsServers.Count > 0)
        {
            o.SetAddresses(DhcpOptionCode.DomainNameServer, ThisServer(_options.DnsServers, server));
        }

        if (!string.IsNullOrEmpty(_options.DomainName))
        {
            o.SetString(DhcpOptionCode.DomainName, _options.DomainName);
        }

        if (_boot is not null && (pxe.IsPxeClient || pxe.IsHttpClient))
        {
            var entries = _boot.EntriesFor(pxe);
            var decision = _boot.Decide(pxe, server, entries.Count > 0 ? entries[0].Entry : null);
            if (decision.BootFile is not null)
            {
                reply.ServerAddress = _boot.Options.TftpServer ?? server;
                ProxyDhcpResponder.SetFile(reply, decision.BootFile);
                if (decision.IsHttp)
                {
                    o.SetString(DhcpOptionCode.VendorClassIdentifier, "HTTPClient");
                }

                ProxyDhcpResponder.EchoUuid(request, reply);
            }
        }

        return reply;
    }

    /// <summary>
    /// RFC 6842: a client identifier (option 61) the client sent comes back unaltered in every reply (OFFER, ACK, NAK),
    /// so that a client can tell its replies apart (as Kea's default echo-client-id).
    /// </summary>
    private static void EchoClientIdentifier(DhcpMessage request, DhcpMessage reply) => ProxyDhcpResponder.Echo(request, reply, DhcpOptionCode.ClientIdentifier);

    /// <summary>The addresses with 0.0.0.0 ("this server", as in dnsmasq's dhcp-option) replaced by the serving interface's address.</summary>
    private static IPAddress[] ThisServer(IReadOnlyList<IPAddress> addresses, IPAddress server)
    {
        var result = new IPAddress[addresses.Count];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = addresses[i].Equals(IPAddress.Any) ? server : addresses[i];
        }

        return result;
    }
}
