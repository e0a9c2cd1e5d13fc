using System.Net;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>
/// The DHCPv6 decisions, pure: a message (and the server's address, the time) in, a reply or nothing out. Boot-only
/// (no range) answers only network-boot clients, with the boot-file URL (option 59) and no addresses: an Advertise for
/// a Solicit, a Reply for a Request addressed to this server and for an Information-request. Full (a range) also
/// leases IA_NA addresses to every client. Boot URLs come from the same <see cref="BootPolicy"/> as DHCPv4.
/// Thread-safe (one lock around the pool).
/// </summary>
internal sealed class Dhcp6Responder
{
    private const uint PxeEnterprise = 343;
    private readonly object _gate = new();
    private readonly Dhcp6ServerOptions _options;
    private readonly BootPolicy _policy;
    private readonly Dhcp6LeasePool? _pool;
    private readonly byte[] _serverDuid;
    private readonly string _serverDuidText;

    /// <summary>Creates the responder; <paramref name="store"/> persists leases in full mode.</summary>
    public Dhcp6Responder(Dhcp6ServerOptions options, ReadOnlySpan<byte> serverDuid, ILeaseStore? store = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _policy = new BootPolicy(options.Boot);
        _serverDuid = serverDuid.ToArray();
        _serverDuidText = Dhcp6Duid.ToText(serverDuid);
        _pool = options.AssignsAddresses ? new Dhcp6LeasePool(options, store) : null;
    }

    /// <summary>The server DUID as hex.</summary>
    public string ServerDuid => _serverDuidText;

    /// <summary>The lease pool (full mode), or null.</summary>
    public Dhcp6LeasePool? Pool => _pool;

    /// <summary>The leases (empty in boot-only mode).</summary>
    public IReadOnlyList<DhcpLease> GetLeases(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _pool?.GetLeases(now) ?? [];
        }
    }

    /// <summary>The leases with their DUID, MAC and IAID (empty in boot-only mode).</summary>
    public IReadOnlyList<Dhcp6Lease> GetLeases6(DateTimeOffset now)
    {
        lock (_gate)
        {
            return _pool?.GetLeases6(now) ?? [];
        }
    }

    /// <summary>The reservations (empty in boot-only mode).</summary>
    public IReadOnlyList<Dhcp6Reservation> GetReservations()
    {
        lock (_gate)
        {
            return _pool?.Reservations ?? [];
        }
    }

    /// <summary>Adds a reservation (full mode); throws <see cref="ArgumentException"/> when it conflicts.</summary>
    public void AddReservation(Dhcp6Reservation reservation)
    {
        lock (_gate)
        {
            FullPool().AddReservation(reservation);
        }
    }

    /// <summary>Removes the reservation of an address (full mode); false when there is none.</summary>
    public bool RemoveReservation(IPAddress address)
    {
        lock (_gate)
        {
            return FullPool().RemoveReservation(address);
        }
    }

    /// <summary>Takes in the reservations a shared store holds now (<see cref="IReservationFeed"/>), beside those of the options.</summary>
    public void ReplaceReservations(IEnumerable<DhcpReservation> stored)
    {
        lock (_gate)
        {
            _pool?.SetReservations(stored);
        }
    }

    /// <summary>Removes the lease of an address (full mode); false when it has none.</summary>
    public bool RemoveLease(IPAddress address)
    {
        lock (_gate)
        {
            return FullPool().RemoveLease(address);
        }
    }

    private Dhcp6LeasePool FullPool() =>
        _pool ?? throw new InvalidOperationException("This DHCPv6 server is boot-only (no range): it has no leases or reservations to change.");

    /// <summary>Decides the answer to a message (a client message or a Relay-forw).</summary>
    public Dhcp6Response Respond(Dhcp6Message message, IPAddress serverAddress, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(serverAddress);
        if (message.MessageType == Dhcp6MessageType.RelayForward)
        {
            return RespondRelayed(message, serverAddress, now);
        }

        return RespondClient(message, serverAddress, now, null);
    }

    private Dhcp6Response RespondRelayed(Dhcp6Message relay, IPAddress serverAddress, DateTimeOffset now)
    {
        var inner = relay.RelayedMessage;
        if (inner is null)
        {
            return Dhcp6Response.Ignore(null, "Relay-forw without a relayed message");
        }

        var response = inner.MessageType == Dhcp6MessageType.RelayForward
            ? RespondRelayed(inner, serverAddress, now)
            : RespondClient(inner, serverAddress, now, RelayedMac(relay));
        if (response.Reply is null)
        {
            return response;
        }

        var options = new List<Dhcp6Option>();
        if (relay.TryGet(Dhcp6OptionCode.InterfaceId, out var interfaceId))
        {
            options.Add(new Dhcp6Option(Dhcp6OptionCode.InterfaceId, interfaceId));
        }

        options.Add(new Dhcp6Option(Dhcp6OptionCode.RelayMessage, response.Reply.ToArray()));
        return response with
        {
            Reply = new Dhcp6Message
            {
                MessageType = Dhcp6MessageType.RelayReply,
                HopCount = relay.HopCount,
                LinkAddress = relay.LinkAddress,
                PeerAddress = relay.PeerAddress,
                Options = options,
            },
        };
    }

    private Dhcp6Response RespondClient(Dhcp6Message message, IPAddress serverAddress, DateTimeOffset now, string? relayedMac)
    {
        var type = message.MessageType;
        if (type is Dhcp6MessageType.Advertise or Dhcp6MessageType.Reply or Dhcp6MessageType.Reconfigure or Dhcp6MessageType.RelayReply)
        {
            return Dhcp6Response.Ignore(null, $"{type} is a server's message");
        }

        var request = Dhcp6Request.From(message, relayedMac);
        if (Invalid(message, request) is { } invalid)
        {
            return Dhcp6Response.Ignore(request, invalid);
        }

        if (request.ServerDuid is { } sid && sid != _serverDuidText)
        {
            return Dhcp6Response.Ignore(request, "addressed to another server");
        }

        if (_pool is null)
        {
            return RespondBootOnly(message, request, serverAddress);
        }

        lock (_gate)
        {
            return RespondFull(message, request, serverAddress, now, _pool);
        }
    }

    private static string? Invalid(Dhcp6Message message, Dhcp6Request request)
    {
        bool hasClient = !message.ClientId.IsEmpty;
        bool hasServer = !message.ServerId.IsEmpty;
        return message.MessageType switch
        {
            _ when message.ClientId.Length > Dhcp6Duid.MaxLength || message.ServerId.Length > Dhcp6Duid.MaxLength => "DUID longer than 130 bytes",
            Dhcp6MessageType.Solicit or Dhcp6MessageType.Rebind or Dhcp6MessageType.Confirm when !hasClient || hasServer =>
                $"{message.MessageType} must carry a client identifier and no server identifier",
            Dhcp6MessageType.Request or Dhcp6MessageType.Renew or Dhcp6MessageType.Release or Dhcp6MessageType.Decline when !hasClient || !hasServer =>
                $"{message.MessageType} must carry client and server identifiers",
            Dhcp6MessageType.InformationRequest when request.IaNa.Count > 0 || message.Contains(Dhcp6OptionCode.IaNa) =>
                "Information-request with an IA_NA",
            _ => null,
        };
    }

    private Dhcp6Response RespondBootOnly(Dhcp6Message message, Dhcp6Request request, IPAddress serverAddress)
    {
        if (!request.IsBootClient)
        {
            return Dhcp6Response.Ignore(request, "not a network-boot client (boot-only mode)");
        }

        if (message.MessageType is not (Dhcp6MessageType.Solicit or Dhcp6MessageType.Request or Dhcp6MessageType.InformationRequest))
        {
            return Dhcp6Response.Ignore(request, $"{message.MessageType} is for the segment's DHCPv6 server (boot-only mode)");
        }

        var options = Start(message);
        var url = AddBoot(options, request, serverAddress, out string? reason);
        if (url is null)
        {
            return Dhcp6Response.Ignore(request, reason ?? "no boot file");
        }

        bool advertise = message.MessageType == Dhcp6MessageType.Solicit;
        AddCommon(options, advertise);
        return new Dhcp6Response(Reply(message, advertise ? Dhcp6MessageType.Advertise : Dhcp6MessageType.Reply, options), advertise ? PxeEventKind.ProxyOffer : PxeEventKind.ProxyAck, request, reason)
        {
            BootFileUrl = url,
        };
    }

    private Dhcp6Response RespondFull(Dhcp6Message message, Dhcp6Request request, IPAddress serverAddress, DateTimeOffset now, Dhcp6LeasePool pool)
    {
        var options = Start(message);
        string duid = request.Duid;
        IPAddress? granted = null;
        var kind = PxeEventKind.DhcpAck;
        var replyType = Dhcp6MessageType.Reply;
        string? reason = null;
        switch (message.MessageType)
        {
            case Dhcp6MessageType.Solicit:
            {
                bool commit = _options.RapidCommit && request.RapidCommit;
                if (request.IaNa.Count > 0)
                {
                    var first = request.IaNa[0];
                    var address = pool.Choose(duid, first.Addresses.Count > 0 ? first.Addresses[0].Address : null, now);
                    if (address is null)
                    {
                        options.Add(Status(Dhcp6StatusCode.NoAddrsAvail, "no addresses available"));
                        kind = PxeEventKind.DhcpNak;
                        reason = "the range is exhausted";
                    }
                    else
                    {
                        if (commit)
                        {
                            pool.Commit(duid, address, now, first.Iaid);
                        }
                        else
                        {
                            pool.Offer(duid, address, now, first.Iaid);
                        }

                        granted = address;
                        options.Add(IaNa(first.Iaid, address));
                        AddOtherIas(options, request, 1, Dhcp6StatusCode.NoAddrsAvail);
                    }
                }

                if (commit)
                {
                    options.Add(new Dhcp6Option(Dhcp6OptionCode.RapidCommit, ReadOnlyMemory<byte>.Empty));
                }
                else
                {
                    replyType = Dhcp6MessageType.Advertise;
                    kind = PxeEventKind.DhcpOffer;
                }

                break;
            }

            case Dhcp6MessageType.Request:
            case Dhcp6MessageType.Renew:
            case Dhcp6MessageType.Rebind:
            {
                foreach (var ia in request.IaNa)
                {
                    IPAddress? want = ia.Addresses.Count > 0 ? ia.Addresses[0].Address : null;
                    DhcpLease? lease = null;
                    if (granted is null)
                    {
                        lease = message.MessageType == Dhcp6MessageType.Request
                            ? pool.Commit(duid, want ?? pool.AddressOf(duid) ?? pool.Choose(duid, null, now) ?? IPAddress.IPv6None, now, ia.Iaid)
                            : want is null ? null : pool.Extend(duid, want, now, ia.Iaid);
                    }

                    if (lease is null)
                    {
                        var code = message.MessageType == Dhcp6MessageType.Request ? Dhcp6StatusCode.NoAddrsAvail : Dhcp6StatusCode.NoBinding;
                        options.Add(IaStatus(ia.Iaid, code));
                        reason ??= code.ToString();
                        continue;
                    }

                    granted = lease.IPAddress;
                    options.Add(IaNa(ia.Iaid, lease.IPAddress));
                }

                if (granted is null && request.IaNa.Count > 0)
                {
                    kind = PxeEventKind.DhcpNak;
                }

                break;
            }

            case Dhcp6MessageType.Release:
            case Dhcp6MessageType.Decline:
            {
                bool decline = message.MessageType == Dhcp6MessageType.Decline;
                foreach (var ia in request.IaNa)
                {
                    bool known = false;
                    foreach (var a in ia.Addresses)
                    {
                        known |= decline ? pool.Decline(duid, a.Address, now) : pool.Release(duid, a.Address);
                        granted ??= a.Address;
                    }

                    if (!known)
                    {
                        options.Add(IaStatus(ia.Iaid, Dhcp6StatusCode.NoBinding));
                    }
                }

                options.Add(Status(Dhcp6StatusCode.Success, decline ? "declined" : "released"));
                kind = decline ? PxeEventKind.DhcpDecline : PxeEventKind.DhcpRelease;
                break;
            }

            case Dhcp6MessageType.Confirm:
            {
                bool any = false, onLink = true;
                foreach (var ia in request.IaNa)
                {
                    foreach (var a in ia.Addresses)
                    {
                        any = true;
                        onLink &= pool.OnLink(a.Address);
                    }
                }

                if (!any)
                {
                    return Dhcp6Response.Ignore(request, "Confirm without addresses");
                }

                options.Add(onLink ? Status(Dhcp6StatusCode.Success, "on link") : Status(Dhcp6StatusCode.NotOnLink, "not on this link"));
                kind = onLink ? PxeEventKind.DhcpAck : PxeEventKind.DhcpNak;
                break;
            }

            case Dhcp6MessageType.InformationRequest:
                kind = PxeEventKind.DhcpInform;
                break;

            default:
                return Dhcp6Response.Ignore(request, $"{message.MessageType} is not answered");
        }

        string? url = null;
        if (request.IsBootClient && message.MessageType is not (Dhcp6MessageType.Release or Dhcp6MessageType.Decline or Dhcp6MessageType.Confirm))
        {
            url = AddBoot(options, request, serverAddress, out var bootReason);
            reason ??= bootReason;
        }

        AddCommon(options, replyType == Dhcp6MessageType.Advertise);
        return new Dhcp6Response(Reply(message, replyType, options), kind, request, reason) { BootFileUrl = url, Address = granted };
    }

    private void AddOtherIas(List<Dhcp6Option> options, Dhcp6Request request, int from, Dhcp6StatusCode code)
    {
        for (int i = from; i < request.IaNa.Count; i++)
        {
            options.Add(IaStatus(request.IaNa[i].Iaid, code));
        }
    }

    private List<Dhcp6Option> Start(Dhcp6Message message) =>
    [
        new Dhcp6Option(Dhcp6OptionCode.ServerId, _serverDuid),
        new Dhcp6Option(Dhcp6OptionCode.ClientId, message.ClientId),
    ];

    private void AddCommon(List<Dhcp6Option> options, bool advertise)
    {
        if (advertise && _options.Preference is { } preference)
        {
            options.Add(new Dhcp6Option(Dhcp6OptionCode.Preference, new[] { preference }));
        }

        if (_options.DnsServers.Count > 0)
        {
            var dns = new byte[_options.DnsServers.Count * 16];
            for (int i = 0; i < _options.DnsServers.Count; i++)
            {
                _options.DnsServers[i].TryWriteBytes(dns.AsSpan(i * 16, 16), out _);
            }

            options.Add(new Dhcp6Option(Dhcp6OptionCode.DnsServers, dns));
        }
    }

    /// <summary>Adds option 59 (and the vendor class HTTP-boot clients look for); returns the URL or null.</summary>
    private string? AddBoot(List<Dhcp6Option> options, Dhcp6Request request, IPAddress serverAddress, out string? reason)
    {
        var decision = _policy.Decide(request.ToPxeRequest(), serverAddress);
        reason = decision.Reason;
        if (decision.BootFile is not { } file)
        {
            return null;
        }

        string url = file.Contains("://", StringComparison.Ordinal) ? file : TftpUrl(file, serverAddress);
        options.Add(new Dhcp6Option(Dhcp6OptionCode.BootFileUrl, Encoding.UTF8.GetBytes(url)));
        // HTTP boot looks for HTTPClient in the reply. A PXEClient vendor class would make edk2's PXEv6 take the reply
        // for a BINL offer and ask again on port 4011 (and give up, "PXE-E16"): PXE clients get the URL alone, as from dnsmasq.
        if (decision.IsHttp)
        {
            options.Add(new Dhcp6Option(Dhcp6OptionCode.VendorClass, Dhcp6OptionValues.EncodeVendorClass(PxeEnterprise, ["HTTPClient"])));
        }

        return url;
    }

    private string TftpUrl(string file, IPAddress serverAddress)
    {
        var tftp = _options.Boot.TftpServer is { AddressFamily: AddressFamily.InterNetworkV6 } t ? t : serverAddress;
        return "tftp://" + BootPolicy.UrlHost(tftp) + "/" + file.TrimStart('/');
    }

    private Dhcp6Option IaNa(uint iaid, IPAddress address)
    {
        uint valid = (uint)_options.LeaseDuration.TotalSeconds;
        var ia = new Dhcp6IaNa { Iaid = iaid, T1 = valid / 2, T2 = (uint)(valid * 0.8), Addresses = [new Dhcp6IaAddress(address, valid, valid)] };
        return new Dhcp6Option(Dhcp6OptionCode.IaNa, ia.Encode());
    }

    // No status text: the code says it, and a Solicit repeating IA_NAs gets 22 bytes per 16-byte IA back, not 34.
    private static Dhcp6Option IaStatus(uint iaid, Dhcp6StatusCode code) =>
        new(Dhcp6OptionCode.IaNa, new Dhcp6IaNa { Iaid = iaid, Status = code }.Encode());

    private static Dhcp6Option Status(Dhcp6StatusCode code, string message) => new(Dhcp6OptionCode.StatusCode, Dhcp6OptionValues.EncodeStatus(code, message));

    private static Dhcp6Message Reply(Dhcp6Message request, Dhcp6MessageType type, List<Dhcp6Option> options) =>
        new() { MessageType = type, TransactionId = request.TransactionId, Options = options };

    private static string? RelayedMac(Dhcp6Message relay)
    {
        // RFC 6939: link-layer type (2 bytes, 1 = Ethernet) and address.
        return relay.TryGet(Dhcp6OptionCode.ClientLinkLayerAddress, out var v) && v.Length == 8 && v.Span[0] == 0 && v.Span[1] == 1
            ? Dhcp6Duid.ToText(v.Span[2..])
            : null;
    }
}
