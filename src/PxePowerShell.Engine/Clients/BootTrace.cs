using System.Globalization;
using System.Net;
using System.Text;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// One network boot of one client: every step the module's servers saw, from the firmware's DHCP DISCOVER through
/// chainloaded loaders to the last file, and where it stopped.
/// </summary>
public sealed record BootTrace
{
    /// <summary>The client's hardware address; null for a client known only by its IP address.</summary>
    public string? MacAddress { get; init; }

    /// <summary>The client's last IP address in this boot.</summary>
    public IPAddress? IPAddress { get; init; }

    /// <summary>The firmware's architecture (the first one the client gave in this boot).</summary>
    public string? Architecture { get; init; }

    /// <summary>The steps, oldest first.</summary>
    public required IReadOnlyList<BootTraceStep> Steps { get; init; }

    /// <summary>When the first step happened.</summary>
    public DateTimeOffset Started => Steps[0].Time;

    /// <summary>When the last step happened (the end of the last transfer).</summary>
    public DateTimeOffset Ended => Steps[^1].Time;

    /// <summary>From the first step to the last.</summary>
    public TimeSpan Duration => Ended - Started;

    /// <summary>The DHCP servers the client took its address from (option 54 of its REQUESTs, and this module when it acknowledged).</summary>
    public IReadOnlyList<IPAddress> AnsweredBy =>
        Steps.Where(s => s.ServerIdentifier is not null && s.Kind is Events.PxeEventKind.DhcpRequest or Events.PxeEventKind.Ignored)
            .Select(s => s.ServerIdentifier!)
            .Distinct()
            .ToList();

    /// <summary>Files the client finished downloading, in order.</summary>
    public IReadOnlyList<string> FilesLoaded =>
        Steps.Where(s => s.Kind == Events.PxeEventKind.TransferCompleted && s.Path is not null).Select(s => s.Path!).ToList();

    /// <summary>Where the boot stopped.</summary>
    public BootTraceOutcome Outcome
    {
        get
        {
            var last = LastMeaningfulStep;
            return last switch
            {
                { IsFailure: true } => BootTraceOutcome.Failed,
                { Kind: Events.PxeEventKind.TransferStarted } => BootTraceOutcome.Transferring,
                { Kind: Events.PxeEventKind.TransferCompleted } => BootTraceOutcome.Loaded,
                _ => BootTraceOutcome.DhcpOnly,
            };
        }
    }

    /// <summary>The step the boot stopped at, described: the last transfer, failure or DHCP reply.</summary>
    public string StoppedAt
    {
        get
        {
            var last = LastMeaningfulStep;
            string text = last.Describe();
            return Outcome == BootTraceOutcome.DhcpOnly && !Steps.Any(s => s.IsTransfer)
                ? text + " (the client never asked the module for a file)"
                : text;
        }
    }

    /// <summary>
    /// The last step that says where the boot is: transfers and failures outrank the DHCP chatter that follows a
    /// loaded kernel (its own DHCP client), and a completed transfer outranks a TransferStarted of the same file.
    /// </summary>
    private BootTraceStep LastMeaningfulStep
    {
        get
        {
            for (int i = Steps.Count - 1; i >= 0; i--)
            {
                if (Steps[i].IsTransfer)
                {
                    return Steps[i];
                }
            }

            for (int i = Steps.Count - 1; i >= 0; i--)
            {
                if (Steps[i].Kind is not Events.PxeEventKind.Ignored)
                {
                    return Steps[i];
                }
            }

            return Steps[^1];
        }
    }

    /// <summary>The timeline as text: a header line, then one line per step with its offset from the start.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(MacAddress ?? IPAddress?.ToString() ?? "(unknown client)");
        if (Architecture is not null)
        {
            text.Append("  ").Append(Architecture);
        }

        text.Append("  started ").Append(Started.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture))
            .Append("  ").Append(Outcome).Append(" after ").Append(Duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)).Append(" s")
            .AppendLine();
        foreach (var step in Steps)
        {
            text.Append("  +").Append((step.Time - Started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture).PadLeft(8))
                .Append("  ").Append(step.Describe()).AppendLine();
        }

        text.Append("  stopped at: ").Append(StoppedAt);
        return text.ToString();
    }

    /// <summary>
    /// Splits a client's steps (oldest first) into boots. A boot starts again when a PXE DISCOVER comes from the same
    /// stage (firmware, or iPXE) as an earlier DISCOVER of the current boot that was followed by a transfer: iPXE's first
    /// DISCOVER after the firmware fetched it continues the boot, and so does the booted system's own DHCP client
    /// (no PXE architecture). Silence longer than <paramref name="gap"/> (default five minutes) also starts a new boot.
    /// </summary>
    public static IReadOnlyList<BootTrace> Split(string? macAddress, IReadOnlyList<BootTraceStep> steps, TimeSpan? gap = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var silence = gap ?? TimeSpan.FromMinutes(5);
        var boots = new List<BootTrace>();
        var current = new List<BootTraceStep>();
        foreach (var step in steps)
        {
            if (current.Count > 0 && (step.Time - current[^1].Time > silence || StartsNewBoot(step, current)))
            {
                boots.Add(Create(macAddress, current));
                current = [];
            }

            current.Add(step);
        }

        if (current.Count > 0)
        {
            boots.Add(Create(macAddress, current));
        }

        return boots;
    }

    private static bool StartsNewBoot(BootTraceStep step, List<BootTraceStep> current)
    {
        if (!step.IsDiscover || step.Architecture is null || current.Any(s => s.IsDiscover && s.TransactionId == step.TransactionId))
        {
            return false; // not a PXE DISCOVER, or a retransmission of one already in this boot
        }

        // The same stage (firmware, or iPXE) asking again after it fetched a file means the machine started over;
        // iPXE's first DISCOVER after the firmware's transfers is the chainload continuing.
        bool ipxe = IsIpxe(step);
        int last = current.FindLastIndex(s => s.IsDiscover && s.Architecture is not null && IsIpxe(s) == ipxe);
        return last >= 0 && current.Skip(last + 1).Any(s => s.IsTransfer);
    }

    private static bool IsIpxe(BootTraceStep step) => string.Equals(step.UserClass, "iPXE", StringComparison.OrdinalIgnoreCase);

    private static BootTrace Create(string? macAddress, List<BootTraceStep> steps) => new()
    {
        MacAddress = macAddress,
        IPAddress = steps.LastOrDefault(s => s.IPAddress is not null && s.Kind is Events.PxeEventKind.DhcpAck or Events.PxeEventKind.ProxyAck)?.IPAddress
            ?? steps.LastOrDefault(s => s.ClientAddress is not null)?.ClientAddress,
        Architecture = steps.FirstOrDefault(s => s.Architecture is not null)?.Architecture,
        Steps = steps,
    };
}
