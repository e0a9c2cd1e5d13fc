using System.Net;

namespace PxePowerShell.Engine.Events;

/// <summary>Which events to read from an <see cref="IEventStore"/>; every criterion given must match (null matches everything).</summary>
public sealed record PxeEventQuery
{
    /// <summary>Every event the store keeps.</summary>
    public static PxeEventQuery All { get; } = new();

    /// <summary>Only events at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only events before this time.</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Only events of these kinds.</summary>
    public IReadOnlyCollection<PxeEventKind>? Kinds { get; init; }

    /// <summary>Only events of the servers with these names (exact, case-insensitive).</summary>
    public IReadOnlyCollection<string>? Servers { get; init; }

    /// <summary>Only events of the client with this hardware address (<c>aa-bb-cc-dd-ee-ff</c>).</summary>
    public string? MacAddress { get; init; }

    /// <summary>Only events of the client with this IP address (its own address, not one offered to it).</summary>
    public IPAddress? ClientAddress { get; init; }

    /// <summary>Only the newest N matching events (still returned oldest first); null for all of them.</summary>
    public int? Newest { get; init; }

    /// <summary>True when <paramref name="pxeEvent"/> matches every criterion but <see cref="Newest"/>.</summary>
    public bool Matches(PxeEvent pxeEvent)
    {
        ArgumentNullException.ThrowIfNull(pxeEvent);
        return (Since is not { } since || pxeEvent.Time >= since)
            && (Until is not { } until || pxeEvent.Time < until)
            && (Kinds is null || Kinds.Contains(pxeEvent.Kind))
            && (Servers is null || Servers.Any(s => string.Equals(s, pxeEvent.Server, StringComparison.OrdinalIgnoreCase)))
            && (MacAddress is null || string.Equals(MacAddress, pxeEvent.MacAddress, StringComparison.OrdinalIgnoreCase))
            && (ClientAddress is null || ClientAddress.Equals(pxeEvent.ClientAddress ?? pxeEvent.ClientEndPoint?.Address));
    }
}
