using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// PXE vendor options (DHCP option 43 when option 60 is PXEClient, PXE 2.1 spec): discovery control (6),
/// boot servers (8), boot menu (9), menu prompt (10) and boot item (71). Encoded in the order dnsmasq uses
/// (6, 10, 8, 9, 71) and terminated by 255.
/// </summary>
internal sealed record PxeVendorOptions
{
    /// <summary>Sub-option 6: bit 0 disables broadcast discovery, bit 1 multicast, bit 2 uses only the boot server list, bit 3 boots the file in the offer without a menu.</summary>
    public byte? DiscoveryControl { get; init; }

    /// <summary>Sub-option 8: boot servers by type.</summary>
    public IReadOnlyList<PxeBootServer> BootServers { get; init; } = [];

    /// <summary>Sub-option 9: the boot menu.</summary>
    public IReadOnlyList<PxeMenuItem> Menu { get; init; } = [];

    /// <summary>Sub-option 10: seconds the prompt waits (0 = boot the first item at once, 255 = wait forever).</summary>
    public byte? PromptTimeout { get; init; }

    /// <summary>Sub-option 10: the prompt text.</summary>
    public string? PromptText { get; init; }

    /// <summary>Sub-option 71: the boot item requested or acknowledged.</summary>
    public PxeBootItem? BootItem { get; init; }

    /// <summary>Encodes the sub-options, ending with 255.</summary>
    public byte[] Encode()
    {
        var buffer = new List<byte>(64);
        if (DiscoveryControl is byte dc)
        {
            buffer.AddRange([6, 1, dc]);
        }

        if (PromptTimeout is not null || PromptText is not null)
        {
            var text = Encoding.UTF8.GetBytes(PromptText ?? string.Empty);
            Add(buffer, 10, [PromptTimeout ?? 0, .. text]);
        }

        if (BootServers.Count > 0)
        {
            var value = new List<byte>();
            foreach (var server in BootServers)
            {
                value.Add((byte)(server.Type >> 8));
                value.Add((byte)server.Type);
                value.Add((byte)server.Addresses.Count);
                foreach (var address in server.Addresses)
                {
                    value.AddRange(address.GetAddressBytes());
                }
            }

            Add(buffer, 8, [.. value]);
        }

        if (Menu.Count > 0)
        {
            var value = new List<byte>();
            foreach (var item in Menu)
            {
                var text = Encoding.UTF8.GetBytes(item.Description);
                int len = Math.Min(text.Length, 255);
                value.Add((byte)(item.Type >> 8));
                value.Add((byte)item.Type);
                value.Add((byte)len);
                value.AddRange(text.AsSpan(0, len).ToArray());
            }

            Add(buffer, 9, [.. value]);
        }

        if (BootItem is not null)
        {
            Add(buffer, 71, [(byte)(BootItem.Type >> 8), (byte)BootItem.Type, (byte)(BootItem.Layer >> 8), (byte)BootItem.Layer]);
        }

        buffer.Add(255);
        return [.. buffer];
    }

    /// <summary>Decodes option 43 as PXE sub-options. Never throws; false and a reason when malformed.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> data, [NotNullWhen(true)] out PxeVendorOptions? options, [NotNullWhen(false)] out string? error)
    {
        options = null;
        byte? discovery = null;
        byte? promptTimeout = null;
        string? promptText = null;
        PxeBootItem? item = null;
        var servers = new List<PxeBootServer>();
        var menu = new List<PxeMenuItem>();
        int i = 0;
        while (i < data.Length)
        {
            byte code = data[i];
            if (code == 0)
            {
                i++;
                continue;
            }

            if (code == 255)
            {
                break;
            }

            if (i + 1 >= data.Length || i + 2 + data[i + 1] > data.Length)
            {
                error = $"PXE sub-option {code} is truncated";
                return false;
            }

            var value = data.Slice(i + 2, data[i + 1]);
            i += 2 + value.Length;
            switch (code)
            {
                case 6 when value.Length >= 1:
                    discovery = value[0];
                    break;
                case 8:
                    for (int p = 0; p < value.Length;)
                    {
                        if (p + 3 > value.Length || p + 3 + (value[p + 2] * 4) > value.Length)
                        {
                            error = "PXE boot server list (8) is truncated";
                            return false;
                        }

                        ushort type = BinaryPrimitives.ReadUInt16BigEndian(value[p..]);
                        int count = value[p + 2];
                        var addresses = new IPAddress[count];
                        for (int a = 0; a < count; a++)
                        {
                            addresses[a] = new IPAddress(value.Slice(p + 3 + (a * 4), 4));
                        }

                        servers.Add(new PxeBootServer(type, addresses));
                        p += 3 + (count * 4);
                    }

                    break;
                case 9:
                    for (int p = 0; p < value.Length;)
                    {
                        if (p + 3 > value.Length || p + 3 + value[p + 2] > value.Length)
                        {
                            error = "PXE boot menu (9) is truncated";
                            return false;
                        }

                        menu.Add(new PxeMenuItem(BinaryPrimitives.ReadUInt16BigEndian(value[p..]), Encoding.UTF8.GetString(value.Slice(p + 3, value[p + 2]))));
                        p += 3 + value[p + 2];
                    }

                    break;
                case 10 when value.Length >= 1:
                    promptTimeout = value[0];
                    promptText = Encoding.UTF8.GetString(value[1..]);
                    break;
                case 71 when value.Length >= 4:
                    item = new PxeBootItem(BinaryPrimitives.ReadUInt16BigEndian(value), BinaryPrimitives.ReadUInt16BigEndian(value[2..]));
                    break;
                default:
                    break; // other sub-options (multicast discovery, MTFTP) are not used.
            }
        }

        options = new PxeVendorOptions
        {
            DiscoveryControl = discovery,
            BootServers = servers,
            Menu = menu,
            PromptTimeout = promptTimeout,
            PromptText = promptText,
            BootItem = item,
        };
        error = null;
        return true;
    }

    private static void Add(List<byte> buffer, byte code, byte[] value)
    {
        // Sub-options cannot be split; longer values are cut at 255 bytes.
        int len = Math.Min(value.Length, 255);
        buffer.Add(code);
        buffer.Add((byte)len);
        buffer.AddRange(value.AsSpan(0, len).ToArray());
    }
}
