namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// High availability of full DHCP on one segment (docs/fleet.md), as Kea's HA hook in load-balancing mode: the servers
/// named in <see cref="Peers"/> share one database, split the clients into the 256 buckets of RFC 3074 and heartbeat in
/// the database; the buckets of a peer whose heartbeat is older than <see cref="MaxResponseDelay"/> go to the others until it
/// heartbeats again.
/// </summary>
public sealed record DhcpHaOptions
{
    /// <summary>This server's name (Kea's this-server-name): one of <see cref="Peers"/>, and the name it heartbeats under.</summary>
    public required string ServerName { get; init; }

    /// <summary>
    /// Every server of the group, this one included (Kea's peers); each must be given the same names. The order does not
    /// matter: bucket b belongs to the (b mod n)-th name in ordinal, case-insensitive order.
    /// </summary>
    public required IReadOnlyList<string> Peers { get; init; }

    /// <summary>How often this server writes its heartbeat and reads the others' (Kea's heartbeat-delay); default 1 second.</summary>
    public TimeSpan HeartbeatDelay { get; init; } = DefaultHeartbeatDelay;

    /// <summary>
    /// How old a peer's last heartbeat may be before it counts as down and its buckets are served by the others (Kea's
    /// max-response-delay); default 3 seconds. Must exceed <see cref="HeartbeatDelay"/>.
    /// </summary>
    public TimeSpan MaxResponseDelay { get; init; } = DefaultMaxResponseDelay;

    /// <summary>The default <see cref="HeartbeatDelay"/>: 1 second.</summary>
    public static TimeSpan DefaultHeartbeatDelay => TimeSpan.FromSeconds(1);

    /// <summary>The default <see cref="MaxResponseDelay"/>: 3 seconds.</summary>
    public static TimeSpan DefaultMaxResponseDelay => TimeSpan.FromSeconds(3);

    /// <summary>Checks the settings; returns the problems (empty when valid).</summary>
    public IReadOnlyList<string> Validate() => [.. Problems().Select(p => p.Message)];

    /// <summary>
    /// Checks the settings; returns each problem with the setting it is about (HaPeers, HaHeartbeatDelay,
    /// HaMaxResponseDelay), as the configuration's one validation reports them (empty when valid).
    /// </summary>
    internal IReadOnlyList<(string Setting, string Message)> Problems()
    {
        var errors = new List<(string, string)>();
        if (Peers.Count < 2 || Peers.Any(string.IsNullOrWhiteSpace))
        {
            errors.Add(("HaPeers", "HaPeers must name at least two servers, this one included, none of them empty."));
        }
        else if (Peers.Distinct(StringComparer.OrdinalIgnoreCase).Count() != Peers.Count)
        {
            errors.Add(("HaPeers", $"HaPeers names a server twice ({string.Join(", ", Peers)}); name each server of the group once."));
        }
        else if (!Peers.Contains(ServerName, StringComparer.OrdinalIgnoreCase))
        {
            errors.Add(("HaPeers", $"HaPeers ({string.Join(", ", Peers)}) does not name this server '{ServerName}'; list every server of the group, this one included, or give the server one of those names (-Name, Name in a file)."));
        }

        if (HeartbeatDelay < MinimumHeartbeatDelay || HeartbeatDelay > TimeSpan.FromMinutes(10))
        {
            errors.Add(("HaHeartbeatDelay", $"HaHeartbeatDelay {HeartbeatDelay:c} must be positive: between 100 milliseconds and 10 minutes, for example 00:00:01."));
        }

        if (MaxResponseDelay <= TimeSpan.Zero || MaxResponseDelay > TimeSpan.FromHours(1))
        {
            errors.Add(("HaMaxResponseDelay", $"HaMaxResponseDelay {MaxResponseDelay:c} must be positive and at most one hour, for example 00:00:03."));
        }
        else if (MaxResponseDelay <= HeartbeatDelay)
        {
            errors.Add(("HaMaxResponseDelay", $"HaMaxResponseDelay {MaxResponseDelay:c} must be longer than HaHeartbeatDelay {HeartbeatDelay:c}: a peer is down only after it missed heartbeats (Kea uses three)."));
        }

        return errors;
    }

    /// <summary>The shortest <see cref="HeartbeatDelay"/>: 100 milliseconds.</summary>
    internal static TimeSpan MinimumHeartbeatDelay => TimeSpan.FromMilliseconds(100);
}
