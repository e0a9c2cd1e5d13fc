using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Fuzz;

/// <summary>
/// DHCPv6: <see cref="Dhcp6Message.TryParse"/> (never throws), the value decoders over every option of a message
/// that parsed, <see cref="Dhcp6Request.From"/>, and the responder boot-only (URLs, iPXE script) and full (a fresh
/// lease pool each input). Invariants: the request and every reply write and parse again to the same bytes.
/// </summary>
internal static class Dhcp6Target
{
    private static readonly IPAddress Server = IPAddress.Parse("2001:db8::1");
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly byte[] ServerDuid = Dhcp6Duid.FromMacAddress([2, 0, 0, 0, 0, 1]);

    private static readonly PxeBootOptions Boot = new()
    {
        BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.EfiX64] = "ipxe.efi", [ClientArchitecture.EfiArm64] = "grubaa64.efi" },
        HttpBootUrl = "http://{server}:8080/",
        IpxeScript = "boot.ipxe",
    };

    private static readonly Dhcp6Responder BootOnly = new(new Dhcp6ServerOptions { Boot = Boot }, ServerDuid);

    private static readonly Dhcp6ServerOptions FullOptions = new()
    {
        Boot = Boot,
        StartRange = IPAddress.Parse("2001:db8::100"),
        EndRange = IPAddress.Parse("2001:db8::103"),
        DnsServers = [Server],
        Preference = 10,
    };

    public static void Run(ReadOnlySpan<byte> data)
    {
        if (!Dhcp6Message.TryParse(data, out var message, out string? error))
        {
            Program.Log?.Invoke("refused: " + error);
            return;
        }

        Decode(message!);
        var client = message!.IsRelay ? Innermost(message) : message;
        if (client is not null && !client.IsRelay)
        {
            var request = Dhcp6Request.From(client);
            _ = request.ArchitectureName;
            _ = request.IsBootClient;
            _ = request.ToPxeRequest();
            Program.Log?.Invoke($"{request.MessageType} from {request.Duid}, architecture {request.ArchitectureName ?? "none"}");
        }

        RoundTrip(message, "the request", data);
        Check(BootOnly.Respond(message, Server, Now));

        // A fresh responder each time: state carried between inputs would make AFL's runs unrepeatable.
        var full = new Dhcp6Responder(FullOptions, ServerDuid);
        Check(full.Respond(message, Server, Now));
        Check(full.Respond(message, Server, Now.AddHours(2)));
        _ = full.GetLeases(Now);
    }

    private static Dhcp6Message? Innermost(Dhcp6Message relay)
    {
        var m = relay;
        while (m is { IsRelay: true })
        {
            m = m.RelayedMessage;
        }

        return m;
    }

    private static void Decode(Dhcp6Message message)
    {
        foreach (var o in message.Options)
        {
            var v = o.Value.Span;
            _ = Dhcp6OptionValues.TryDecodeUInt16List(v, out _);
            _ = Dhcp6OptionValues.TryDecodeStrings(v, out _);
            _ = Dhcp6OptionValues.TryDecodeVendorClass(v, out _, out _);
            _ = Dhcp6OptionValues.TryDecodeStatus(v, out _, out _);
            _ = Dhcp6OptionValues.TryDecodeNetworkInterface(v, out _, out _, out _);
            _ = Dhcp6IaNa.TryDecode(o.Value, out _);
            _ = Dhcp6Duid.MacAddressOf(v);
            _ = Dhcp6Duid.ToText(v);
        }

        if (message.RelayedMessage is { } inner)
        {
            Decode(inner);
        }
    }

    private static void Check(Dhcp6Response response)
    {
        if (response.Reply is { } reply)
        {
            RoundTrip(reply, $"the {response.Kind} reply", null);
        }
    }

    private static void RoundTrip(Dhcp6Message message, string what, ReadOnlySpan<byte> original)
    {
        var bytes = message.ToArray();
        if (bytes.Length > Dhcp6Message.MaxMessageSize * 2)
        {
            throw new FuzzInvariantException($"{what} was written in {bytes.Length} bytes");
        }

        if (!Dhcp6Message.TryParse(bytes, out var again, out string? error))
        {
            throw new FuzzInvariantException($"{what} was written but does not parse again: {error}");
        }

        if (!original.IsEmpty && !original.SequenceEqual(bytes))
        {
            throw new FuzzInvariantException($"{what} parsed but writes back different bytes");
        }

        if (!again!.ToArray().AsSpan().SequenceEqual(bytes))
        {
            throw new FuzzInvariantException($"{what} does not write back to the same bytes after parsing");
        }
    }
}
