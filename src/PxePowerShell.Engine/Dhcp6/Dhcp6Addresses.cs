using System.Buffers.Binary;
using System.Net;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>IPv6 address arithmetic and URL forms.</summary>
internal static class Dhcp6Addresses
{
    /// <summary>The address as a 128-bit number.</summary>
    public static UInt128 ToUInt128(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        Span<byte> b = stackalloc byte[16];
        return address.TryWriteBytes(b, out int n) && n == 16 ? BinaryPrimitives.ReadUInt128BigEndian(b) : UInt128.Zero;
    }

    /// <summary>The address of a 128-bit number.</summary>
    public static IPAddress FromUInt128(UInt128 value)
    {
        Span<byte> b = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(b, value);
        return new IPAddress(b);
    }

    /// <summary>True when both addresses share the first <paramref name="prefixLength"/> bits.</summary>
    public static bool SamePrefix(IPAddress a, IPAddress b, int prefixLength)
    {
        if (prefixLength <= 0)
        {
            return true;
        }

        var mask = prefixLength >= 128 ? UInt128.MaxValue : ~(UInt128.MaxValue >> prefixLength);
        return (ToUInt128(a) & mask) == (ToUInt128(b) & mask);
    }
}
