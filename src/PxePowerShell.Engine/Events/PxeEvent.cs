using System.Net;
using System.Text;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Events;

/// <summary>
/// One thing that happened in a server, as a flat record that scripts filter, group and export
/// (<c>Where-Object Kind -eq TransferCompleted | Export-Csv</c>). Properties that do not apply to a kind are null.
/// </summary>
public sealed record PxeEvent
{
    /// <summary>What happened.</summary>
    public required PxeEventKind Kind { get; init; }

    /// <summary>When it happened.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The name of the server that reports it.</summary>
    public required string Server { get; init; }

    /// <summary>
    /// The fleet node that recorded it in a shared store (the store's server name: the machine name unless one was
    /// given); null for an event of this process's own history.
    /// </summary>
    public string? Node { get; init; }

    /// <summary>The protocol.</summary>
    public PxeProtocol Protocol { get; init; }

    /// <summary>The client's address and port.</summary>
    public IPEndPoint? ClientEndPoint { get; init; }

    /// <summary>The client's IP address.</summary>
    public IPAddress? ClientAddress { get; init; }

    /// <summary>The client's hardware address, <c>aa-bb-cc-dd-ee-ff</c>.</summary>
    public string? MacAddress { get; init; }

    /// <summary>The DHCPv6 client's DUID as hyphenated hex (IPv6 clients), or null.</summary>
    public string? Duid { get; init; }

    /// <summary>The client's architecture (RFC 4578 name), when known.</summary>
    public string? Architecture { get; init; }

    /// <summary>The architecture number the client sent (DHCP option 93: 7 and 9 are both EfiX64), when known.</summary>
    public int? ArchitectureId { get; init; }

    /// <summary>The client's vendor class (DHCP option 60).</summary>
    public string? VendorClass { get; init; }

    /// <summary>The client's UUID/GUID (DHCP option 97).</summary>
    public Guid? Uuid { get; init; }

    /// <summary>The client's user class (DHCP option 77), <c>iPXE</c> once iPXE is running.</summary>
    public string? UserClass { get; init; }

    /// <summary>The DHCP server the client's message names (option 54): the server whose offer it took.</summary>
    public IPAddress? ServerIdentifier { get; init; }

    /// <summary>The DHCP transaction id.</summary>
    public uint? TransactionId { get; init; }

    /// <summary>The type of the DHCP message the client sent (the request that a reply or an Ignored event answers).</summary>
    public Net.DhcpMessageType? MessageType { get; init; }

    /// <summary>The path requested or transferred.</summary>
    public string? Path { get; init; }

    /// <summary>The boot file named to the client (DHCP).</summary>
    public string? BootFile { get; init; }

    /// <summary>The address offered or acknowledged (DHCP).</summary>
    public IPAddress? IPAddress { get; init; }

    /// <summary>Bytes transferred (or the file size on TransferStarted, when known).</summary>
    public long? Bytes { get; init; }

    /// <summary>TFTP block size in force.</summary>
    public int? BlockSize { get; init; }

    /// <summary>TFTP window size in force.</summary>
    public int? WindowSize { get; init; }

    /// <summary>Packets sent again after a timeout.</summary>
    public int? Retransmits { get; init; }

    /// <summary>How long the transfer or exchange took.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Why something failed or was refused.</summary>
    public string? Error { get; init; }

    /// <summary>Why something was ignored, or other detail.</summary>
    public string? Reason { get; init; }

    /// <summary>A one-line summary, like a log line.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Time.ToLocalTime().ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture))
            .Append(' ').Append(Kind);
        if (ClientEndPoint is not null)
        {
            text.Append(' ').Append(ClientEndPoint);
        }
        else if (ClientAddress is not null)
        {
            text.Append(' ').Append(ClientAddress);
        }

        if (MacAddress is not null)
        {
            text.Append(' ').Append(MacAddress);
        }

        if (Path is not null)
        {
            text.Append(' ').Append(Path);
        }

        if (BootFile is not null)
        {
            text.Append(" boot=").Append(BootFile);
        }

        if (Bytes is not null)
        {
            text.Append(' ').Append(Bytes).Append(" bytes");
        }

        if (Duration is not null)
        {
            text.Append(" in ").Append(Duration.Value.TotalMilliseconds.ToString("0", System.Globalization.CultureInfo.InvariantCulture)).Append(" ms");
        }

        if (Error is not null)
        {
            text.Append(": ").Append(Error);
        }
        else if (Reason is not null)
        {
            text.Append(": ").Append(Reason);
        }

        return text.ToString();
    }
}
