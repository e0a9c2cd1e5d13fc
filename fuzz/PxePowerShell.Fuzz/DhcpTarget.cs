using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Fuzz;

/// <summary>
/// DHCP: <see cref="DhcpMessage.TryParse"/> (never throws), then what the servers do with a message that parsed:
/// <see cref="PxeRequest.From"/>, the proxyDHCP responder on port 67 and 4011 (with a menu, HTTP boot and iPXE
/// configured, and with nothing configured) and the full DHCP responder. Invariants: every reply the responders build
/// writes and parses again, and so does the request itself.
/// </summary>
internal static class DhcpTarget
{
    private static readonly IPAddress Server = IPAddress.Parse("192.0.2.1");

    private static readonly ProxyDhcpResponder Configured = new(new PxeBootOptions
    {
        BootFiles = new Dictionary<ClientArchitecture, string>
        {
            [ClientArchitecture.Bios] = "pxelinux.0",
            [ClientArchitecture.EfiX64] = "syslinux.efi",
            [ClientArchitecture.EfiArm64] = "grubaa64.efi",
        },
        HttpBootUrl = "http://192.0.2.1/boot/ipxe.efi",
        IpxeScript = "http://192.0.2.1/boot.ipxe",
        TftpServer = IPAddress.Parse("192.0.2.2"),
        Menu =
        [
            new PxeMenuEntry("Network Boot"),
            new PxeMenuEntry("Rescue", new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "rescue.0" }),
        ],
        Prompt = "Press F8 for the boot menu",
        Timeout = 5,
    });

    private static readonly ProxyDhcpResponder Default = new(new PxeBootOptions());

    private static readonly DhcpServerOptions LeaseOptions = new()
    {
        StartRange = IPAddress.Parse("192.0.2.100"),
        EndRange = IPAddress.Parse("192.0.2.109"),
        SubnetMask = IPAddress.Parse("255.255.255.0"),
        Router = [Server],
        DnsServers = [Server],
        DomainName = "lab.example",
        Boot = new PxeBootOptions { IpxeScript = "http://192.0.2.1/boot.ipxe" },
    };

    private static readonly TimeProvider Clock = new FixedTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static readonly byte[] Buffer = new byte[DhcpMessage.MaxMessageSize];

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (!DhcpMessage.TryParse(data, out var message, out string? error))
        {
            Program.Log?.Invoke("refused: " + error);
            return;
        }

        var request = PxeRequest.From(message);
        _ = request.ArchitectureName;
        _ = request.ToString();

        Check(Configured.Respond(message, Server, pxePort: false));
        Check(Configured.Respond(message, Server, pxePort: true));
        Check(Default.Respond(message, Server, pxePort: false));
        Check(Default.Respond(message, Server, pxePort: true));

        // A fresh responder each time: state carried between inputs would make AFL's runs unrepeatable.
        var leases = new DhcpLeaseResponder(LeaseOptions, store: null, Clock);
        Check(leases.Respond(message, Server));
        Check(leases.Respond(message, Server));

        RoundTrip(message, DhcpMessage.MaxMessageSize, "the request");
        Program.Log?.Invoke($"{request.MessageType} from {request.MacAddress}, architecture {request.ArchitectureName ?? "none"}");
    }

    private static void Check(DhcpResponse response)
    {
        if (response.Reply is { } reply)
        {
            RoundTrip(reply, response.MaxMessageSize, $"the {response.Kind} reply");
        }
    }

    private static void RoundTrip(DhcpMessage message, int maxMessageSize, string what)
    {
        int length = message.WriteTo(Buffer, maxMessageSize);
        if (length > Math.Max(maxMessageSize, DhcpMessage.MinimumBootpLength))
        {
            throw new FuzzInvariantException($"{what} was written in {length} bytes, more than the {maxMessageSize} allowed");
        }

        if (!DhcpMessage.TryParse(Buffer.AsSpan(0, length), out _, out string? error))
        {
            throw new FuzzInvariantException($"{what} was written but does not parse again: {error}");
        }
    }
}
