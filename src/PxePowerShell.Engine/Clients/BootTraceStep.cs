using System.Globalization;
using System.Net;
using System.Text;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// One step of a client's network boot as the inventory remembers it: a DHCP message the module received, a reply
/// it sent (or chose not to send), a TFTP/HTTP transfer or a refused request.
/// </summary>
public sealed record BootTraceStep
{
    /// <summary>When it happened.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>What happened.</summary>
    public required PxeEventKind Kind { get; init; }

    /// <summary>The protocol.</summary>
    public PxeProtocol Protocol { get; init; }

    /// <summary>The module server that saw it.</summary>
    public string? Server { get; init; }

    /// <summary>The client's IP address at that moment, when it had one.</summary>
    public IPAddress? ClientAddress { get; init; }

    /// <summary>The client's architecture as its DHCP message gave it.</summary>
    public string? Architecture { get; init; }

    /// <summary>The client's user class (<c>iPXE</c> once iPXE runs).</summary>
    public string? UserClass { get; init; }

    /// <summary>The DHCP transaction id.</summary>
    public uint? TransactionId { get; init; }

    /// <summary>The type of the DHCP message the client sent (what a reply or an Ignored step answers).</summary>
    public Net.DhcpMessageType? MessageType { get; init; }

    /// <summary>True when the step is, or answers, a DHCP DISCOVER.</summary>
    public bool IsDiscover => MessageType == Net.DhcpMessageType.Discover || Kind == PxeEventKind.DhcpDiscover;

    /// <summary>The DHCP server the client's message names (option 54): whose offer it took.</summary>
    public IPAddress? ServerIdentifier { get; init; }

    /// <summary>The address offered or acknowledged.</summary>
    public IPAddress? IPAddress { get; init; }

    /// <summary>The boot file named to the client (DHCP).</summary>
    public string? BootFile { get; init; }

    /// <summary>The path transferred or refused (TFTP/HTTP).</summary>
    public string? Path { get; init; }

    /// <summary>Bytes transferred (the file size on TransferStarted).</summary>
    public long? Bytes { get; init; }

    /// <summary>TFTP block size.</summary>
    public int? BlockSize { get; init; }

    /// <summary>TFTP window size.</summary>
    public int? WindowSize { get; init; }

    /// <summary>Packets sent again after a timeout.</summary>
    public int? Retransmits { get; init; }

    /// <summary>How long the transfer took.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Why it failed or was refused.</summary>
    public string? Error { get; init; }

    /// <summary>Why the module answered as it did, or ignored the message.</summary>
    public string? Reason { get; init; }

    /// <summary>Transfer speed in bytes per second, for finished transfers.</summary>
    public double? BytesPerSecond =>
        Kind is PxeEventKind.TransferCompleted or PxeEventKind.TransferFailed && Bytes is { } bytes && Duration is { TotalSeconds: > 0 } duration
            ? bytes / duration.TotalSeconds
            : null;

    /// <summary>True for a DHCP or proxyDHCP message.</summary>
    public bool IsDhcp => Protocol is PxeProtocol.Dhcp or PxeProtocol.ProxyDhcp;

    /// <summary>True for a TFTP or HTTP step (a transfer or a refused request).</summary>
    public bool IsTransfer => Kind is PxeEventKind.TransferStarted or PxeEventKind.TransferCompleted or PxeEventKind.TransferFailed or PxeEventKind.RequestRefused;

    /// <summary>True when the step reports a failure: a failed or refused transfer, or a DHCP NAK.</summary>
    public bool IsFailure => Kind is PxeEventKind.TransferFailed or PxeEventKind.RequestRefused or PxeEventKind.DhcpNak;

    /// <summary>The step from an event; null for events that are not part of a client's boot.</summary>
    public static BootTraceStep? FromEvent(PxeEvent pxeEvent)
    {
        ArgumentNullException.ThrowIfNull(pxeEvent);
        if (pxeEvent.Kind is PxeEventKind.ServerStarted or PxeEventKind.ServerStopped)
        {
            return null;
        }

        return new BootTraceStep
        {
            Time = pxeEvent.Time,
            Kind = pxeEvent.Kind,
            Protocol = pxeEvent.Protocol,
            Server = pxeEvent.Server,
            ClientAddress = pxeEvent.ClientAddress ?? pxeEvent.ClientEndPoint?.Address,
            Architecture = pxeEvent.Architecture,
            UserClass = pxeEvent.UserClass,
            TransactionId = pxeEvent.TransactionId,
            MessageType = pxeEvent.MessageType,
            ServerIdentifier = pxeEvent.ServerIdentifier,
            IPAddress = pxeEvent.IPAddress,
            BootFile = pxeEvent.BootFile,
            Path = pxeEvent.Path,
            Bytes = pxeEvent.Bytes,
            BlockSize = pxeEvent.BlockSize,
            WindowSize = pxeEvent.WindowSize,
            Retransmits = pxeEvent.Retransmits,
            Duration = pxeEvent.Duration,
            Error = pxeEvent.Error,
            Reason = pxeEvent.Reason,
        };
    }

    /// <summary>What the step says, in one line without its time: <c>TransferCompleted tftp vmlinuz 7.9 MB in 0.6 s (12.4 MB/s, blksize 1468, window 8)</c>.</summary>
    public string Describe()
    {
        var text = new StringBuilder(Kind.ToString());
        switch (Kind)
        {
            case PxeEventKind.DhcpDiscover:
            case PxeEventKind.DhcpRequest:
            case PxeEventKind.DhcpDecline:
            case PxeEventKind.DhcpRelease:
                if (TransactionId is { } xid)
                {
                    text.Append(" xid 0x").Append(xid.ToString("x8", CultureInfo.InvariantCulture));
                }

                if (UserClass is not null)
                {
                    text.Append(" from ").Append(UserClass);
                }

                if (IPAddress is not null)
                {
                    text.Append(" for ").Append(IPAddress);
                }

                if (ServerIdentifier is not null)
                {
                    text.Append(" to server ").Append(ServerIdentifier);
                }

                break;
            case PxeEventKind.Ignored:
                if (MessageType is { } type)
                {
                    text.Append(' ').Append(type.ToString().ToUpperInvariant());
                }

                if (UserClass is not null)
                {
                    text.Append(" from ").Append(UserClass);
                }

                if (ServerIdentifier is not null)
                {
                    text.Append(" (client chose server ").Append(ServerIdentifier).Append(IPAddress is null ? ")" : $", address {IPAddress})");
                }

                break;
            default:
                if (IsDhcp && UserClass is not null)
                {
                    text.Append(" to ").Append(UserClass);
                }

                if (IPAddress is not null && IsDhcp)
                {
                    text.Append(' ').Append(IPAddress);
                }

                if (BootFile is not null)
                {
                    text.Append(" boot=").Append(BootFile);
                }

                if (Path is not null)
                {
                    text.Append(' ').Append(Protocol.ToString().ToLowerInvariant()).Append(' ').Append(Path);
                }

                if (Bytes is { } bytes)
                {
                    text.Append(' ').Append(FormatBytes(bytes));
                }

                if (Duration is { } duration && IsTransfer)
                {
                    text.Append(" in ").Append(duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)).Append(" s");
                }

                var details = new List<string>();
                if (BytesPerSecond is { } speed)
                {
                    details.Add(FormatBytes((long)speed) + "/s");
                }

                if (BlockSize is { } blksize)
                {
                    details.Add("blksize " + blksize.ToString(CultureInfo.InvariantCulture));
                }

                if (WindowSize is { } window && window > 1)
                {
                    details.Add("window " + window.ToString(CultureInfo.InvariantCulture));
                }

                if (Retransmits is { } retransmits && retransmits > 0)
                {
                    details.Add(retransmits.ToString(CultureInfo.InvariantCulture) + " retransmits");
                }

                if (details.Count > 0)
                {
                    text.Append(" (").AppendJoin(", ", details).Append(')');
                }

                break;
        }

        if (Error is not null)
        {
            text.Append(": ").Append(Error);
        }
        else if (Reason is not null && Kind is PxeEventKind.Ignored or PxeEventKind.RequestRefused or PxeEventKind.DhcpNak)
        {
            text.Append(": ").Append(Reason);
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public override string ToString() =>
        Time.ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture) + " " + Describe();

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => (bytes / (double)(1L << 30)).ToString("0.0", CultureInfo.InvariantCulture) + " GiB",
        >= 1L << 20 => (bytes / (double)(1L << 20)).ToString("0.0", CultureInfo.InvariantCulture) + " MiB",
        >= 1L << 10 => (bytes / (double)(1L << 10)).ToString("0.0", CultureInfo.InvariantCulture) + " KiB",
        _ => bytes.ToString(CultureInfo.InvariantCulture) + " B",
    };
}
