using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The proxyDHCP decision (PXE 2.1): answers only PXEClient/HTTPClient requests, never gives an address.
/// Port 67: DISCOVER → proxy OFFER (no yiaddr; option 60, 54, 97 echo and option 43 menu, or the file for
/// HTTP and iPXE clients). Port 4011 (or a port-67 REQUEST naming this server): REQUEST → ACK with the boot file.
/// Pure and thread-safe: request and receiving address in, reply and reason out.
/// </summary>
internal sealed class ProxyDhcpResponder
{
    private readonly BootPolicy _policy;

    /// <summary>Creates a responder over the boot options.</summary>
    public ProxyDhcpResponder(PxeBootOptions options)
    {
        _policy = new BootPolicy(options);
    }

    /// <summary>The boot policy.</summary>
    public BootPolicy Policy => _policy;

    /// <summary>Decides the reply to a request that arrived on the interface with address <paramref name="serverAddress"/>.</summary>
    /// <param name="request">The parsed request.</param>
    /// <param name="serverAddress">The receiving interface's address (the server identifier).</param>
    /// <param name="pxePort">True when it arrived on the PXE port (4011).</param>
    public DhcpResponse Respond(DhcpMessage request, IPAddress serverAddress, bool pxePort)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(serverAddress);
        if (request.Op != 1)
        {
            return DhcpResponse.Ignore(null, "not a BOOTREQUEST");
        }

        var pxe = PxeRequest.From(request);
        if (!pxe.IsPxeClient && !pxe.IsHttpClient)
        {
            return DhcpResponse.Ignore(pxe, pxe.VendorClass is null ? "not a PXE client (no vendor class)" : $"not a PXE client (vendor class '{pxe.VendorClass}')");
        }

        var type = request.MessageType;
        if (pxePort)
        {
            return type is DhcpMessageType.Request or DhcpMessageType.Inform
                ? Acknowledge(request, pxe, serverAddress)
                : DhcpResponse.Ignore(pxe, $"{type} on the PXE port");
        }

        switch (type)
        {
            case DhcpMessageType.Discover:
                return Offer(request, pxe, serverAddress);
            case DhcpMessageType.Request when serverAddress.Equals(pxe.ServerIdentifier):
                return Acknowledge(request, pxe, serverAddress);
            case DhcpMessageType.Request:
                return DhcpResponse.Ignore(pxe, pxe.ServerIdentifier is null ? "REQUEST is for the DHCP server" : $"REQUEST is for server {pxe.ServerIdentifier}");
            default:
                return DhcpResponse.Ignore(pxe, $"{(type == DhcpMessageType.None ? "BOOTP" : type.ToString().ToUpperInvariant())} is not answered by proxyDHCP");
        }
    }

    private DhcpResponse Offer(DhcpMessage request, PxeRequest pxe, IPAddress server)
    {
        var entries = _policy.EntriesFor(pxe);
        if (entries.Count == 0)
        {
            // Like dnsmasq: a client no pxe-service matches gets the dhcp-boot file in the offer, without a menu.
            return _policy.FallbackFor(pxe) is { } fallback
                ? DirectOffer(request, pxe, server, _policy.Decide(pxe, server, fallback))
                : DhcpResponse.Ignore(pxe, $"no boot file for architecture {pxe.ArchitectureName ?? "Bios"}");
        }

        var arch = BootPolicy.ArchitectureOf(pxe);
        var first = _policy.Decide(pxe, server, entries[0].Entry);
        bool direct = pxe.IsHttpClient || ClientArchitectures.IsHttp(arch) || (pxe.IsIpxe && first.BootFile is not null && first.Reason.StartsWith("iPXE", StringComparison.Ordinal));
        if (direct)
        {
            // HTTP boot and iPXE take the file from the offer; they never ask port 4011.
            return DirectOffer(request, pxe, server, first);
        }

        var reply = NewReply(request, DhcpMessageType.Offer, server);
        reply.Broadcast = true;

        reply.Options.SetString(DhcpOptionCode.VendorClassIdentifier, "PXEClient");
        EchoUuid(request, reply);
        if (ClientArchitectures.IsEfi(arch) && entries.Count == 1)
        {
            // UEFI firmware does not show menus: like dnsmasq (with or without pxe-prompt), point it at the boot server and let it ask 4011.
            reply.ServerAddress = _policy.Options.TftpServer ?? server;
            return new DhcpResponse(reply, PxeEventKind.ProxyOffer, pxe, "UEFI single entry: boot server discovery on port 4011");
        }

        var menu = new List<PxeMenuItem>(entries.Count);
        var servers = new List<PxeBootServer>(entries.Count);
        foreach (var (type, entry) in entries)
        {
            menu.Add(new PxeMenuItem(type, entry.Label));
            servers.Add(new PxeBootServer(type, [server]));
        }

        var vendor = new PxeVendorOptions
        {
            DiscoveryControl = _policy.Options.DiscoveryControl ?? 3,
            PromptTimeout = (byte)Math.Clamp(_policy.Options.Timeout, 0, 255),
            PromptText = _policy.Options.Prompt ?? "PXE",
            BootServers = servers,
            Menu = menu,
        };
        reply.Options.Set(DhcpOptionCode.VendorSpecific, vendor.Encode());
        return new DhcpResponse(reply, PxeEventKind.ProxyOffer, pxe, $"PXE menu with {menu.Count} entr{(menu.Count == 1 ? "y" : "ies")}");
    }

    private DhcpResponse DirectOffer(DhcpMessage request, PxeRequest pxe, IPAddress server, BootDecision decision)
    {
        if (decision.BootFile is null)
        {
            return DhcpResponse.Ignore(pxe, decision.Reason);
        }

        var reply = NewReply(request, DhcpMessageType.Offer, server);
        reply.Broadcast = true;
        reply.ServerAddress = _policy.Options.TftpServer ?? server;
        SetFile(reply, decision.BootFile);
        reply.Options.SetString(DhcpOptionCode.VendorClassIdentifier, decision.IsHttp ? "HTTPClient" : "PXEClient");
        EchoUuid(request, reply);
        return new DhcpResponse(reply, PxeEventKind.ProxyOffer, pxe, decision.Reason);
    }

    private DhcpResponse Acknowledge(DhcpMessage request, PxeRequest pxe, IPAddress server)
    {
        PxeMenuEntry? entry;
        if (pxe.BootItem is { } item)
        {
            if (item.Type == 0)
            {
                return DhcpResponse.Ignore(pxe, "client chose local boot");
            }

            entry = _policy.EntryForType(item.Type);
            if (entry is null)
            {
                return DhcpResponse.Ignore(pxe, $"no menu entry for boot server type 0x{item.Type:x4}");
            }
        }
        else
        {
            var entries = _policy.EntriesFor(pxe);
            entry = entries.Count > 0 ? entries[0].Entry : _policy.FallbackFor(pxe);
            if (entry is null)
            {
                return DhcpResponse.Ignore(pxe, $"no boot file for architecture {pxe.ArchitectureName ?? "Bios"}");
            }
        }

        var decision = _policy.Decide(pxe, server, entry);
        if (decision.BootFile is null)
        {
            return DhcpResponse.Ignore(pxe, decision.Reason);
        }

        var reply = NewReply(request, DhcpMessageType.Ack, server);
        reply.Flags = request.Flags;
        if (pxe.BootItem is not null)
        {
            // dnsmasq answers a boot-item request with the client's address in yiaddr.
            reply.YourAddress = request.ClientAddress;
        }
        else
        {
            reply.ClientAddress = request.ClientAddress;
        }

        reply.ServerAddress = _policy.Options.TftpServer ?? server;
        if (pxe.BootItem is null)
        {
            // Like dnsmasq's UEFI path: the next server's address also goes in sname as text.
            reply.ServerName = reply.ServerAddress.ToString();
        }

        SetFile(reply, decision.BootFile);
        reply.Options.SetString(DhcpOptionCode.VendorClassIdentifier, decision.IsHttp ? "HTTPClient" : "PXEClient");
        EchoUuid(request, reply);
        if (pxe.BootItem is { } bootItem)
        {
            reply.Options.Set(DhcpOptionCode.VendorSpecific, new PxeVendorOptions { BootItem = bootItem }.Encode());
        }

        return new DhcpResponse(reply, PxeEventKind.ProxyAck, pxe, decision.Reason);
    }

    internal static DhcpMessage NewReply(DhcpMessage request, DhcpMessageType type, IPAddress server)
    {
        var reply = new DhcpMessage
        {
            Op = 2,
            HardwareType = request.HardwareType,
            HardwareAddressLength = request.HardwareAddressLength,
            TransactionId = request.TransactionId,
            RelayAgentAddress = request.RelayAgentAddress,
            ClientHardwareAddress = (byte[])request.ClientHardwareAddress.Clone(),
        };
        reply.MessageType = type;
        reply.Options.SetAddresses(DhcpOptionCode.ServerIdentifier, server);
        return reply;
    }

    internal static void EchoUuid(DhcpMessage request, DhcpMessage reply) => Echo(request, reply, DhcpOptionCode.ClientMachineIdentifier);

    /// <summary>Copies an option the request carried, unaltered, into the reply.</summary>
    internal static void Echo(DhcpMessage request, DhcpMessage reply, DhcpOptionCode code)
    {
        if (request.Options.TryGet(code, out var value))
        {
            reply.Options.Set(code, value.Span);
        }
    }

    internal static void SetFile(DhcpMessage reply, string file)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(file) <= 127)
        {
            reply.BootFileName = file;
        }
        else
        {
            // Too long for the file field: send it as option 67 (RFC 2132).
            reply.Options.SetString(DhcpOptionCode.BootFileName, file);
        }
    }
}
