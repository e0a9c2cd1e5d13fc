using System.Net;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>Which clients to return; every criterion given must match (null criteria match everything).</summary>
public sealed record ClientQuery
{
    /// <summary>Every client.</summary>
    public static ClientQuery All { get; } = new();

    /// <summary>Only these hardware addresses.</summary>
    public IReadOnlyCollection<MacAddress>? MacAddresses { get; init; }

    /// <summary>Only these DHCPv6 DUIDs (hyphenated lowercase hex, as <see cref="ClientRecord.Duid"/> holds them).</summary>
    public IReadOnlyCollection<string>? Duids { get; init; }

    /// <summary>Only these architectures (case-insensitive names).</summary>
    public IReadOnlyCollection<string>? Architectures { get; init; }

    /// <summary>Only clients seen at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Only the client with this IP address.</summary>
    public IPAddress? IPAddress { get; init; }
}
