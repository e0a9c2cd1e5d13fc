using PxePowerShell.Engine.Net;
using System.Globalization;
using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>What a DHCP request says about the client: identity, firmware and what it asks for.</summary>
internal sealed record PxeRequest
{
    /// <summary>The message type.</summary>
    public required DhcpMessageType MessageType { get; init; }

    /// <summary>The client's hardware address, <c>aa-bb-cc-dd-ee-ff</c>.</summary>
    public required string MacAddress { get; init; }

    /// <summary>The transaction id.</summary>
    public required uint TransactionId { get; init; }

    /// <summary>Option 93 (or the Arch field of a PXEClient vendor class), or null.</summary>
    public ClientArchitecture? Architecture { get; init; }

    /// <summary>Option 60, or null.</summary>
    public string? VendorClass { get; init; }

    /// <summary>Option 77, or null.</summary>
    public string? UserClass { get; init; }

    /// <summary>Option 97 (type 0 GUID), or null.</summary>
    public Guid? Uuid { get; init; }

    /// <summary>Option 94 as "UNDI major.minor", or null.</summary>
    public string? NetworkInterfaceId { get; init; }

    /// <summary>True when option 60 starts with PXEClient.</summary>
    public bool IsPxeClient { get; init; }

    /// <summary>True when option 60 starts with HTTPClient (UEFI HTTP boot).</summary>
    public bool IsHttpClient { get; init; }

    /// <summary>True when the client is iPXE (user class "iPXE" or option 175).</summary>
    public bool IsIpxe { get; init; }

    /// <summary>Option 55, empty when absent.</summary>
    public IReadOnlyList<byte> RequestedOptions { get; init; } = [];

    /// <summary>ciaddr.</summary>
    public IPAddress ClientAddress { get; init; } = IPAddress.Any;

    /// <summary>giaddr, or null when not relayed.</summary>
    public IPAddress? RelayAgentAddress { get; init; }

    /// <summary>Option 50, or null.</summary>
    public IPAddress? RequestedAddress { get; init; }

    /// <summary>Option 54, or null.</summary>
    public IPAddress? ServerIdentifier { get; init; }

    /// <summary>Option 12, or null.</summary>
    public string? HostName { get; init; }

    /// <summary>Option 57, or null.</summary>
    public ushort? MaxMessageSize { get; init; }

    /// <summary>Option 43 sub-option 71 of a PXE client, or null.</summary>
    public PxeBootItem? BootItem { get; init; }

    /// <summary>
    /// The architecture as text for events and the client inventory ("EfiX64"), or null. 7, which the IANA registry
    /// names x64 UEFI and OVMF and most x64 firmware send, is EfiX64 like 9; <see cref="ArchitectureId"/> keeps the number.
    /// </summary>
    public string? ArchitectureName => Architecture is { } a
        ? (a == ClientArchitecture.EfiBC ? nameof(ClientArchitecture.EfiX64) : Enum.IsDefined(a) ? a.ToString() : ((ushort)a).ToString(CultureInfo.InvariantCulture))
        : null;

    /// <summary>The architecture number the client sent (option 93, else its vendor class), or null.</summary>
    public int? ArchitectureId => Architecture is { } a ? (ushort)a : null;

    /// <summary>Derives the view from a parsed message.</summary>
    public static PxeRequest From(DhcpMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = message.Options;
        string? vendor = o.GetString(DhcpOptionCode.VendorClassIdentifier);
        bool pxe = vendor is not null && vendor.StartsWith("PXEClient", StringComparison.Ordinal);
        bool http = vendor is not null && vendor.StartsWith("HTTPClient", StringComparison.Ordinal);

        ClientArchitecture? arch = o.GetUInt16(DhcpOptionCode.ClientArchitecture) is ushort a ? (ClientArchitecture)a : ArchFromVendorClass(vendor);

        Guid? uuid = null;
        if (o.TryGet(DhcpOptionCode.ClientMachineIdentifier, out var g) && g.Length == 17 && g.Span[0] == 0)
        {
            uuid = new Guid(g.Span[1..]);
        }

        string? undi = null;
        if (o.TryGet(DhcpOptionCode.ClientNetworkInterface, out var n) && n.Length == 3)
        {
            undi = string.Create(CultureInfo.InvariantCulture, $"UNDI {n.Span[1]}.{n.Span[2]}");
        }

        string? userClass = o.GetString(DhcpOptionCode.UserClass);
        bool ipxe = o.Contains(DhcpOptionCode.IpxeEncapsulated) || (userClass is not null && userClass.Contains("iPXE", StringComparison.Ordinal));

        PxeBootItem? item = null;
        if (pxe && o.TryGet(DhcpOptionCode.VendorSpecific, out var v) && PxeVendorOptions.TryDecode(v.Span, out var vendorOptions, out _))
        {
            item = vendorOptions.BootItem;
        }

        byte[] prl = o.TryGet(DhcpOptionCode.ParameterRequestList, out var p) ? p.ToArray() : [];
        return new PxeRequest
        {
            MessageType = message.MessageType,
            MacAddress = message.MacAddress,
            TransactionId = message.TransactionId,
            Architecture = arch,
            VendorClass = vendor,
            UserClass = userClass,
            Uuid = uuid,
            NetworkInterfaceId = undi,
            IsPxeClient = pxe,
            IsHttpClient = http,
            IsIpxe = ipxe,
            RequestedOptions = prl,
            ClientAddress = message.ClientAddress,
            RelayAgentAddress = message.RelayAgentAddress.Equals(IPAddress.Any) ? null : message.RelayAgentAddress,
            RequestedAddress = o.GetAddress(DhcpOptionCode.RequestedAddress),
            ServerIdentifier = o.GetAddress(DhcpOptionCode.ServerIdentifier),
            HostName = o.GetString(DhcpOptionCode.HostName),
            MaxMessageSize = o.GetUInt16(DhcpOptionCode.MaxMessageSize),
            BootItem = item,
        };
    }

    /// <summary>The architecture number in a PXE/HTTP vendor class ("PXEClient:Arch:00007:…"), or null.</summary>
    internal static ClientArchitecture? ArchFromVendorClass(string? vendor)
    {
        // "PXEClient:Arch:00007:UNDI:003010" / "HTTPClient:Arch:00016:UNDI:003001"
        if (vendor is null)
        {
            return null;
        }

        int at = vendor.IndexOf(":Arch:", StringComparison.Ordinal);
        if (at < 0 || vendor.Length < at + 11)
        {
            return null;
        }

        return ushort.TryParse(vendor.AsSpan(at + 6, 5), NumberStyles.None, CultureInfo.InvariantCulture, out ushort value) ? (ClientArchitecture)value : null;
    }
}
