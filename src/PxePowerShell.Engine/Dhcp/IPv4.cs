using System.Buffers.Binary;
using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>IPv4 address arithmetic.</summary>
public static class IPv4
{
    /// <summary>The address as a host-order number.</summary>
    public static uint ToUInt32(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> b = stackalloc byte[16];
        if (!address.TryWriteBytes(b, out int n) || n != 4)
        {
            throw new ArgumentException($"'{address}' is not an IPv4 address.", nameof(address));
        }

        return BinaryPrimitives.ReadUInt32BigEndian(b);
    }

    /// <summary>A host-order number as an address.</summary>
    public static IPAddress ToAddress(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        return new IPAddress(b);
    }

    /// <summary>True for a contiguous mask (255.255.255.0).</summary>
    public static bool IsValidMask(IPAddress mask)
    {
        if (mask.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return false;
        }

        uint m = ToUInt32(mask);
        return m != 0 && (~m & (~m + 1)) == 0;
    }

    /// <summary>True when both addresses are in the same subnet.</summary>
    public static bool SameSubnet(IPAddress a, IPAddress b, IPAddress mask) =>
        a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && b.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
        && (ToUInt32(a) & ToUInt32(mask)) == (ToUInt32(b) & ToUInt32(mask));
}
