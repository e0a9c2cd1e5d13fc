using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>Thread-safe counters behind <see cref="DhcpServerStatistics"/>.</summary>
internal sealed class DhcpCounters
{
    private long _received, _malformed, _ignored, _discovers, _requests, _offers, _acks, _naks, _declines, _releases, _proxyOffers, _proxyAcks, _sendErrors, _badRelays;
    private long _leftToPeers, _heartbeatFailures;

    public void Received() => Interlocked.Increment(ref _received);

    public void Malformed() => Interlocked.Increment(ref _malformed);

    public void SendError() => Interlocked.Increment(ref _sendErrors);

    public void SendErrors(int count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _sendErrors, count);
        }
    }

    public void BadRelay() => Interlocked.Increment(ref _badRelays);

    public void LeftToPeer() => Interlocked.Increment(ref _leftToPeers);

    public void HeartbeatFailed() => Interlocked.Increment(ref _heartbeatFailures);

    public void Request(DhcpMessageType type)
    {
        if (type == DhcpMessageType.Discover)
        {
            Interlocked.Increment(ref _discovers);
        }
        else if (type == DhcpMessageType.Request)
        {
            Interlocked.Increment(ref _requests);
        }
    }

    public void Outcome(PxeEventKind kind)
    {
        switch (kind)
        {
            case PxeEventKind.Ignored: Interlocked.Increment(ref _ignored); break;
            case PxeEventKind.DhcpOffer: Interlocked.Increment(ref _offers); break;
            case PxeEventKind.DhcpAck or PxeEventKind.DhcpInform: Interlocked.Increment(ref _acks); break;
            case PxeEventKind.DhcpNak: Interlocked.Increment(ref _naks); break;
            case PxeEventKind.DhcpDecline: Interlocked.Increment(ref _declines); break;
            case PxeEventKind.DhcpRelease: Interlocked.Increment(ref _releases); break;
            case PxeEventKind.ProxyOffer: Interlocked.Increment(ref _proxyOffers); break;
            case PxeEventKind.ProxyAck: Interlocked.Increment(ref _proxyAcks); break;
            default: break;
        }
    }

    public DhcpServerStatistics Snapshot() => new()
    {
        Received = Interlocked.Read(ref _received),
        Malformed = Interlocked.Read(ref _malformed),
        Ignored = Interlocked.Read(ref _ignored),
        Discovers = Interlocked.Read(ref _discovers),
        Requests = Interlocked.Read(ref _requests),
        Offers = Interlocked.Read(ref _offers),
        Acks = Interlocked.Read(ref _acks),
        Naks = Interlocked.Read(ref _naks),
        Declines = Interlocked.Read(ref _declines),
        Releases = Interlocked.Read(ref _releases),
        ProxyOffers = Interlocked.Read(ref _proxyOffers),
        ProxyAcks = Interlocked.Read(ref _proxyAcks),
        SendErrors = Interlocked.Read(ref _sendErrors),
        BadRelayAgents = Interlocked.Read(ref _badRelays),
        LeftToPeers = Interlocked.Read(ref _leftToPeers),
        HeartbeatFailures = Interlocked.Read(ref _heartbeatFailures),
    };
}
