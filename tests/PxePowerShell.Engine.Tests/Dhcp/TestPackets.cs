using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>Builds client requests for tests.</summary>
internal static class TestPackets
{
    public static byte[] Mac(int n) => [0x52, 0x54, 0x00, (byte)(n >> 16), (byte)(n >> 8), (byte)n];

    public static DhcpMessage Request(DhcpMessageType type, byte[] mac, uint xid = 0x1234, string? vendorClass = null, ClientArchitecture? arch = null, bool ipxe = false)
    {
        var chaddr = new byte[16];
        mac.CopyTo(chaddr, 0);
        var m = new DhcpMessage { Op = 1, TransactionId = xid, ClientHardwareAddress = chaddr, HardwareAddressLength = (byte)mac.Length };
        m.MessageType = type;
        if (arch is { } a)
        {
            m.Options.Set(DhcpOptionCode.ClientArchitecture, [(byte)((ushort)a >> 8), (byte)a]);
        }

        if (vendorClass is not null)
        {
            m.Options.SetString(DhcpOptionCode.VendorClassIdentifier, vendorClass);
        }

        if (ipxe)
        {
            m.Options.SetString(DhcpOptionCode.UserClass, "iPXE");
        }

        return m;
    }

    public static DhcpMessage Pxe(DhcpMessageType type, byte[] mac, ClientArchitecture arch, uint xid = 0x1234, bool ipxe = false) =>
        Request(type, mac, xid, $"PXEClient:Arch:{(ushort)arch:D5}:UNDI:003001", arch, ipxe);

    public static DhcpMessage With(this DhcpMessage m, DhcpOptionCode code, IPAddress address)
    {
        m.Options.SetAddresses(code, address);
        return m;
    }

    public static DhcpMessage WithClientAddress(this DhcpMessage m, IPAddress address)
    {
        m.ClientAddress = address;
        return m;
    }
}
