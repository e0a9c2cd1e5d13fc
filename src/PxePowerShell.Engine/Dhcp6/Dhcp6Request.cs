using System.Globalization;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>What a DHCPv6 client message says about the client: identity, firmware and what it asks for.</summary>
internal sealed record Dhcp6Request
{
    /// <summary>The message type.</summary>
    public required Dhcp6MessageType MessageType { get; init; }

    /// <summary>The transaction id.</summary>
    public required uint TransactionId { get; init; }

    /// <summary>The client DUID (option 1) as hyphenated hex, empty when absent.</summary>
    public required string Duid { get; init; }

    /// <summary>The client's Ethernet address from a link-layer DUID or a relay's option 79, or null.</summary>
    public string? MacAddress { get; init; }

    /// <summary>The server DUID the message is addressed to (option 2) as hex, or null.</summary>
    public string? ServerDuid { get; init; }

    /// <summary>The first architecture of option 61, or the Arch field of a PXEClient vendor class, or null.</summary>
    public ClientArchitecture? Architecture { get; init; }

    /// <summary>The first string of option 16, or null.</summary>
    public string? VendorClass { get; init; }

    /// <summary>The strings of option 15 joined by commas, or null.</summary>
    public string? UserClass { get; init; }

    /// <summary>Option 62 as "UNDI major.minor", or null.</summary>
    public string? NetworkInterfaceId { get; init; }

    /// <summary>True when the vendor class starts with PXEClient.</summary>
    public bool IsPxeClient { get; init; }

    /// <summary>True when the vendor class starts with HTTPClient (UEFI HTTP boot).</summary>
    public bool IsHttpClient { get; init; }

    /// <summary>True when a user class is "iPXE".</summary>
    public bool IsIpxe { get; init; }

    /// <summary>Option 6, empty when absent.</summary>
    public IReadOnlyList<ushort> RequestedOptions { get; init; } = [];

    /// <summary>The IA_NA options that decoded.</summary>
    public IReadOnlyList<Dhcp6IaNa> IaNa { get; init; } = [];

    /// <summary>True when the client asked for a two-message exchange (option 14).</summary>
    public bool RapidCommit { get; init; }

    /// <summary>True when the client looks like a network-boot client: architecture, PXE/HTTP vendor class, iPXE, or asks for option 59.</summary>
    public bool IsBootClient => Architecture is not null || IsPxeClient || IsHttpClient || IsIpxe || Contains(RequestedOptions, (ushort)Dhcp6OptionCode.BootFileUrl);

    /// <summary>The architecture as text for events ("EfiX64"), or null.</summary>
    public string? ArchitectureName => Architecture is { } a ? (Enum.IsDefined(a) ? a.ToString() : ((ushort)a).ToString(CultureInfo.InvariantCulture)) : null;

    /// <summary>Derives the view from a client message (not a relay message).</summary>
    public static Dhcp6Request From(Dhcp6Message message, string? relayedMacAddress = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        ClientArchitecture? arch = null;
        if (message.TryGet(Dhcp6OptionCode.ClientArchitecture, out var a) && Dhcp6OptionValues.TryDecodeUInt16List(a.Span, out var archs) && archs.Length > 0)
        {
            arch = (ClientArchitecture)archs[0];
        }

        string? vendor = null;
        if (message.TryGet(Dhcp6OptionCode.VendorClass, out var v) && Dhcp6OptionValues.TryDecodeVendorClass(v.Span, out _, out var vendorStrings) && vendorStrings.Length > 0)
        {
            vendor = vendorStrings[0];
        }

        string? user = null;
        bool ipxe = false;
        if (message.TryGet(Dhcp6OptionCode.UserClass, out var u) && Dhcp6OptionValues.TryDecodeStrings(u.Span, out var userStrings) && userStrings.Length > 0)
        {
            user = string.Join(',', userStrings);
            ipxe = Array.Exists(userStrings, s => s == "iPXE");
        }

        string? undi = null;
        if (message.TryGet(Dhcp6OptionCode.NetworkInterfaceId, out var n) && Dhcp6OptionValues.TryDecodeNetworkInterface(n.Span, out _, out byte major, out byte minor))
        {
            undi = string.Create(CultureInfo.InvariantCulture, $"UNDI {major}.{minor}");
        }

        ushort[] oro = message.TryGet(Dhcp6OptionCode.OptionRequest, out var o) && Dhcp6OptionValues.TryDecodeUInt16List(o.Span, out var list) ? list : [];
        var ias = new List<Dhcp6IaNa>();
        foreach (var value in message.GetAll(Dhcp6OptionCode.IaNa))
        {
            if (Dhcp6IaNa.TryDecode(value, out var ia))
            {
                ias.Add(ia!);
            }
        }

        bool pxe = vendor is not null && vendor.StartsWith("PXEClient", StringComparison.Ordinal);
        bool http = vendor is not null && vendor.StartsWith("HTTPClient", StringComparison.Ordinal);
        var clientId = message.ClientId.Span;
        return new Dhcp6Request
        {
            MessageType = message.MessageType,
            TransactionId = message.TransactionId,
            Duid = Dhcp6Duid.ToText(clientId),
            MacAddress = Dhcp6Duid.MacAddressOf(clientId) ?? relayedMacAddress,
            ServerDuid = message.ServerId.IsEmpty ? null : Dhcp6Duid.ToText(message.ServerId.Span),
            Architecture = arch ?? VendorClassArchitecture(vendor),
            VendorClass = vendor,
            UserClass = user,
            NetworkInterfaceId = undi,
            IsPxeClient = pxe,
            IsHttpClient = http,
            IsIpxe = ipxe,
            RequestedOptions = oro,
            IaNa = ias,
            RapidCommit = message.Contains(Dhcp6OptionCode.RapidCommit),
        };
    }

    /// <summary>The same client as a DHCPv4 request view, so <see cref="BootPolicy"/> decides for both protocols.</summary>
    public PxeRequest ToPxeRequest() => new()
    {
        MessageType = MessageType == Dhcp6MessageType.Solicit ? DhcpMessageType.Discover : DhcpMessageType.Request,
        MacAddress = MacAddress ?? Duid,
        TransactionId = TransactionId,
        Architecture = Architecture,
        VendorClass = VendorClass,
        UserClass = UserClass,
        NetworkInterfaceId = NetworkInterfaceId,
        IsPxeClient = IsPxeClient,
        IsHttpClient = IsHttpClient,
        IsIpxe = IsIpxe,
    };

    private static bool Contains(IReadOnlyList<ushort> list, ushort value)
    {
        foreach (var x in list)
        {
            if (x == value)
            {
                return true;
            }
        }

        return false;
    }

    private static ClientArchitecture? VendorClassArchitecture(string? vendor)
    {
        int at = vendor?.IndexOf(":Arch:", StringComparison.Ordinal) ?? -1;
        return at >= 0 && vendor!.Length >= at + 11
            && ushort.TryParse(vendor.AsSpan(at + 6, 5), NumberStyles.None, CultureInfo.InvariantCulture, out ushort value) ? (ClientArchitecture)value : null;
    }
}
