using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// Feeds a <see cref="ClientRegistry"/> from an <see cref="EventHub"/>: every DHCP, proxyDHCP, TFTP and HTTP event
/// that concerns a client becomes a <see cref="ClientSighting"/>, so any server that publishes events keeps the
/// inventory without knowing about it. Reads its own bounded subscription on a background task; a slow store never
/// slows a server. Woken by an event after it was idle, the task lingers a few milliseconds and then hands over everything that came
/// (a DORA is four events), rather than waking for each.
/// </summary>
public sealed class ClientInventoryObserver : IAsyncDisposable, IDisposable
{
    private readonly EventHub.Subscription _subscription;
    private readonly ClientRegistry _registry;
    private readonly Task _loop;
    private readonly Linger _linger = new(Linger.ForBatches);
    private readonly object _gate = new();
    private readonly List<(long Target, TaskCompletionSource Done)> _waiters = [];
    private long _read;
    private long _handled;
    private long _sightings;

    /// <summary>Subscribes to <paramref name="events"/> and starts feeding <paramref name="registry"/>.</summary>
    public ClientInventoryObserver(EventHub events, ClientRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(registry);
        _registry = registry;
        _subscription = events.Subscribe();
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The registry being fed.</summary>
    public ClientRegistry Registry => _registry;

    /// <summary>Events turned into sightings so far.</summary>
    public long Sightings => Interlocked.Read(ref _sightings);

    /// <summary>
    /// What <paramref name="pxeEvent"/> says about a client, or null when it says nothing (server life cycle,
    /// DHCP messages ignored without a MAC, events with no MAC, DUID or client address).
    /// </summary>
    /// <remarks>
    /// The IP address comes from the address a DHCP ACK gives, otherwise from the client's source address; a
    /// DHCP message that arrived from port 67 (a DHCPv6 one from 547) came through a relay agent, whose address is not the
    /// client's. A DHCPv6 event's DUID goes with the sighting; one whose DUID carries no MAC (and no relay gave one) is a
    /// client known by its DUID.
    /// DHCP events name the boot file given to the client, transfers the path it asked for; a failed transfer or a
    /// refused request becomes the client's last error; a DISCOVER starts a boot. Every such event is also a step of
    /// the client's boot trace, and so is a DHCP message from a known client that the module ignored (its REQUEST to
    /// another server says whose offer it took).
    /// </remarks>
    public static ClientSighting? ToSighting(PxeEvent pxeEvent)
    {
        ArgumentNullException.ThrowIfNull(pxeEvent);
        bool transfer;
        switch (pxeEvent.Kind)
        {
            case PxeEventKind.TransferStarted:
            case PxeEventKind.TransferCompleted:
            case PxeEventKind.TransferFailed:
            case PxeEventKind.RequestRefused:
                transfer = true;
                break;
            case PxeEventKind.DhcpDiscover:
            case PxeEventKind.DhcpOffer:
            case PxeEventKind.DhcpRequest:
            case PxeEventKind.DhcpAck:
            case PxeEventKind.DhcpNak:
            case PxeEventKind.DhcpDecline:
            case PxeEventKind.DhcpRelease:
            case PxeEventKind.DhcpInform:
            case PxeEventKind.ProxyOffer:
            case PxeEventKind.ProxyAck:
                transfer = false;
                break;
            case PxeEventKind.Ignored when MacAddress.TryParse(pxeEvent.MacAddress, out var ignoredMac):
                // Traffic the module let another server answer: part of a known client's boot trace, nothing more.
                return new ClientSighting { Time = pxeEvent.Time, MacAddress = ignoredMac, Trace = BootTraceStep.FromEvent(pxeEvent), TraceOnly = true };
            default:
                return null;
        }

        MacAddress? mac = MacAddress.TryParse(pxeEvent.MacAddress, out var parsed) ? parsed : null;
        var source = pxeEvent.ClientAddress ?? pxeEvent.ClientEndPoint?.Address;
        if (!transfer && pxeEvent.ClientEndPoint?.Port == (pxeEvent.Protocol == PxeProtocol.Dhcp6 ? 547 : 67))
        {
            source = null; // relayed (DHCPv4 from port 67, DHCPv6 from 547): the source is the relay agent
        }

        IPAddress? ip = pxeEvent.Kind == PxeEventKind.DhcpAck ? pxeEvent.IPAddress ?? source : source;
        if (pxeEvent.Kind is PxeEventKind.DhcpRelease or PxeEventKind.DhcpDecline or PxeEventKind.DhcpNak)
        {
            ip = null; // the client gives the address up or was refused it
        }

        if (ip is not null && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.Broadcast) || ip.Equals(IPAddress.IPv6Any)))
        {
            ip = null;
        }

        string? duid = Dhcp6.Dhcp6Duid.TryParse(pxeEvent.Duid, out var duidBytes) ? Dhcp6.Dhcp6Duid.ToText(duidBytes) : null;
        if (mac is null && ip is null && duid is null)
        {
            return null;
        }

        return new ClientSighting
        {
            Time = pxeEvent.Time,
            MacAddress = mac,
            Duid = duid,
            IPAddress = ip,
            Architecture = pxeEvent.Architecture,
            VendorClass = pxeEvent.VendorClass,
            Uuid = pxeEvent.Uuid,
            BootFile = transfer ? pxeEvent.Path : pxeEvent.BootFile,
            Error = pxeEvent.Kind is PxeEventKind.TransferFailed or PxeEventKind.RequestRefused ? pxeEvent.Error ?? pxeEvent.Reason ?? pxeEvent.Kind.ToString() : null,
            StartsBoot = pxeEvent.Kind == PxeEventKind.DhcpDiscover,
            TransactionId = pxeEvent.TransactionId,
            Trace = BootTraceStep.FromEvent(pxeEvent),
        };
    }

    /// <summary>
    /// Completes once every event this observer had received when it was called has been handed to the registry
    /// and the registry has written it. Events a full subscription dropped are not waited for, so pass a
    /// cancellation token (or a timeout) when the hub may be overloaded.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource? done = null;
        lock (_gate)
        {
            long target = _read + _subscription.Reader.Count;
            if (_handled < target && !_loop.IsCompleted)
            {
                done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((target, done));
            }
        }

        _linger.Hurry();

        if (done is not null)
        {
            await Task.WhenAny(done.Task, _loop).WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        await _registry.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops reading events; sightings already handed to the registry are still written by it.</summary>
    public async ValueTask DisposeAsync()
    {
        _subscription.Dispose();
        _linger.Hurry();
        await _loop.ConfigureAwait(false);
    }

    /// <summary>Stops reading events.</summary>
    public void Dispose()
    {
        _subscription.Dispose();
        _linger.Hurry();
        _loop.GetAwaiter().GetResult();
    }

    private async Task RunAsync()
    {
        var reader = _subscription.Reader;
        while (await _linger.WaitToReadAsync(reader).ConfigureAwait(false))
        {
            while (true)
            {
                PxeEvent? pxeEvent;
                lock (_gate)
                {
                    if (!reader.TryRead(out pxeEvent))
                    {
                        break;
                    }

                    _read++;
                }

                if (ToSighting(pxeEvent) is { } sighting)
                {
                    _registry.Observe(sighting);
                    Interlocked.Increment(ref _sightings);
                }

                lock (_gate)
                {
                    _handled++;
                    for (int i = _waiters.Count - 1; i >= 0; i--)
                    {
                        if (_waiters[i].Target <= _handled)
                        {
                            _waiters[i].Done.TrySetResult();
                            _waiters.RemoveAt(i);
                        }
                    }
                }
            }
        }
    }
}
