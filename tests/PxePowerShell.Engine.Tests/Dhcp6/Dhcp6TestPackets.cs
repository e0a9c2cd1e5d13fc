using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>Builds DHCPv6 client messages for tests.</summary>
internal static class Dhcp6TestPackets
{
    public static readonly byte[] ServerDuid = Dhcp6Duid.FromMacAddress([0x02, 0, 0, 0, 0, 0x01]);

    public static byte[] ClientDuid(int n) => Dhcp6Duid.FromMacAddress([0x52, 0x54, 0x00, (byte)(n >> 16), (byte)(n >> 8), (byte)n]);

    public static Dhcp6Message Message(
        Dhcp6MessageType type,
        int client,
        ClientArchitecture? arch = null,
        string? vendorClass = null,
        bool ipxe = false,
        bool ia = false,
        IPAddress? address = null,
        bool serverId = false,
        bool rapidCommit = false,
        uint xid = 0x123456)
    {
        var options = new List<Dhcp6Option> { new(Dhcp6OptionCode.ClientId, ClientDuid(client)) };
        if (serverId)
        {
            options.Add(new(Dhcp6OptionCode.ServerId, ServerDuid));
        }

        options.Add(new(Dhcp6OptionCode.OptionRequest, Dhcp6OptionValues.EncodeUInt16List([59, 60, 23])));
        options.Add(new(Dhcp6OptionCode.ElapsedTime, Dhcp6OptionValues.EncodeUInt16(0)));
        if (arch is { } a)
        {
            options.Add(new(Dhcp6OptionCode.ClientArchitecture, Dhcp6OptionValues.EncodeUInt16List([(ushort)a])));
            options.Add(new(Dhcp6OptionCode.NetworkInterfaceId, new byte[] { 1, 3, 0 }));
        }

        if (vendorClass is not null)
        {
            options.Add(new(Dhcp6OptionCode.VendorClass, Dhcp6OptionValues.EncodeVendorClass(343, [vendorClass])));
        }

        if (ipxe)
        {
            options.Add(new(Dhcp6OptionCode.UserClass, Dhcp6OptionValues.EncodeStrings(["iPXE"])));
        }

        if (ia || address is not null)
        {
            var addresses = address is null ? Array.Empty<Dhcp6IaAddress>() : [new Dhcp6IaAddress(address, 0, 0)];
            options.Add(new(Dhcp6OptionCode.IaNa, new Dhcp6IaNa { Iaid = 7, Addresses = addresses }.Encode()));
        }

        if (rapidCommit)
        {
            options.Add(new(Dhcp6OptionCode.RapidCommit, ReadOnlyMemory<byte>.Empty));
        }

        return new Dhcp6Message { MessageType = type, TransactionId = xid, Options = options };
    }

    public static Dhcp6Message Pxe(Dhcp6MessageType type, int client, ClientArchitecture arch = ClientArchitecture.EfiBC, bool ia = false, bool serverId = false) =>
        Message(type, client, arch, $"PXEClient:Arch:{(ushort)arch:D5}:UNDI:003000", ia: ia, serverId: serverId);

    public static string? Url(Dhcp6Message reply) =>
        reply.TryGet(Dhcp6OptionCode.BootFileUrl, out var v) ? System.Text.Encoding.UTF8.GetString(v.Span) : null;

    public static Dhcp6IaNa? Ia(Dhcp6Message reply) =>
        reply.TryGet(Dhcp6OptionCode.IaNa, out var v) && Dhcp6IaNa.TryDecode(v, out var ia) ? ia : null;
}
