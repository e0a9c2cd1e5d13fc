using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The proxyDHCP server (<c>Start-PxeProxyDhcp</c>): for each interface, a socket on the DHCP port (67) and one
/// on the PXE port (4011), feeding <see cref="ProxyDhcpResponder"/>. Replies leave by the interface the request
/// came in on, with that interface's address as server identifier. Never assigns addresses.
/// </summary>
public sealed class ProxyDhcpServer : PxeServiceBase
{
    private readonly ProxyDhcpResponder _responder;
    private readonly DhcpCounters _counters = new();
    private readonly DhcpListenerGroup _listeners = new();

    /// <summary>Creates the server (call <see cref="PxeServiceBase.StartAsync"/> to listen).</summary>
    public ProxyDhcpServer(string name, ProxyDhcpServerOptions options, EventHub? events = null, TimeProvider? timeProvider = null)
        : base(name, "ProxyDhcp", events, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _responder = new ProxyDhcpResponder(options.Boot);
    }

    /// <summary>The settings.</summary>
    public ProxyDhcpServerOptions Options { get; }

    /// <summary>The interfaces served (once started).</summary>
    public IReadOnlyList<DhcpInterface> Interfaces { get; private set; } = [];

    /// <inheritdoc />
    public override IReadOnlyList<IPEndPoint> EndPoints => _listeners.EndPoints;

    /// <inheritdoc />
    public override DhcpServerStatistics GetStatistics() => _counters.Snapshot();

    /// <summary>The counters.</summary>
    public DhcpServerStatistics Statistics => _counters.Snapshot();

    /// <inheritdoc />
    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        var interfaces = DhcpInterface.Resolve(Options.Interfaces, Options.Addresses, i => !i.IsLoopback);
        if (interfaces.Count == 0)
        {
            throw new PxeStartException(PxeErrorIds.InterfaceNotFound, PxeErrorCategory.ObjectNotFound, "There is no up, non-loopback IPv4 interface to serve; name one with -Interface or -Address.");
        }

        bool bindToDevice = true;
        foreach (var iface in interfaces)
        {
            foreach (var (port, pxe) in new[] { (Options.Port, false), (Options.PxePort, true) })
            {
                _listeners.Open(iface, port, pxe, bindToDevice);
            }
        }

        Interfaces = interfaces;
        _listeners.Start(Handle, _counters, Lifetime);

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task OnStopAsync()
    {
        await _listeners.StopAsync().ConfigureAwait(false);
    }

    private int Handle(DhcpListener listener, ReadOnlySpan<byte> datagram, IPEndPoint source, Span<byte> reply, out IPEndPoint? destination)
    {
        destination = null;
        if (!DhcpIntake.TryAccept(_counters, listener, datagram, source, Interfaces, null, out var request, out var ignored))
        {
            if (ignored is not null)
            {
                Publish(DhcpEvents.Outcome(Name, PxeProtocol.ProxyDhcp, Time.GetUtcNow(), ignored, source));
            }

            return 0;
        }

        var response = _responder.Respond(request, listener.Interface.Address, listener.PxePort);
        _counters.Request(request.MessageType);
        _counters.Outcome(response.Kind);
        var now = Time.GetUtcNow();
        // One event per request (the outcome carries the request's details): proxyDHCP sees every PXE boot on the LAN.
        Publish(DhcpEvents.Outcome(Name, PxeProtocol.ProxyDhcp, now, response, source));
        if (response.Reply is null)
        {
            return 0;
        }

        destination = DhcpReplyRouting.Destination(request, response.Reply, source, Options.ClientPort, DhcpPorts.ServerOrDefault(Options.Port), listener.PxePort);
        return response.Reply.WriteTo(reply, response.MaxMessageSize, !Options.NoOverride);
    }
}
