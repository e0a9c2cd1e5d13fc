using System.Collections.Immutable;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Which server of a high-availability group answers which client (pure; time comes in as arguments): the 256 RFC 3074
/// buckets go round the peers in name order (bucket b to peer b mod n, as Kea's load balancing gives every other bucket to
/// the secondary); a peer whose last heartbeat is older than <see cref="DhcpHaOptions.MaxResponseDelay"/> is down, and each
/// of its buckets goes to a live peer (round the live ones in name order), until it heartbeats again and gets them back.
/// Every peer computes the same answer from the same heartbeats, so no message is needed between them. This server counts
/// as live always. Thread-safe: <see cref="Observe"/> swaps an immutable view that <see cref="Owner"/> reads.
/// </summary>
internal sealed class HaPeerSet
{
    private readonly string[] _peers;
    private readonly TimeSpan _maxResponseDelay;
    private ImmutableDictionary<string, DateTimeOffset> _lastSeen = ImmutableDictionary.Create<string, DateTimeOffset>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Creates the set for this server (<see cref="DhcpHaOptions.ServerName"/>); nobody else has been seen yet.</summary>
    public HaPeerSet(DhcpHaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _peers = [.. options.Peers];
        Array.Sort(_peers, StringComparer.OrdinalIgnoreCase);
        Self = _peers.First(p => string.Equals(p, options.ServerName, StringComparison.OrdinalIgnoreCase));
        _maxResponseDelay = options.MaxResponseDelay;
    }

    /// <summary>This server's name, as spelled in the peer list.</summary>
    public string Self { get; }

    /// <summary>The peers in bucket order.</summary>
    public IReadOnlyList<string> Peers => _peers;

    /// <summary>
    /// Takes the heartbeats read at <paramref name="now"/>: for each peer that has one, how old it was by the store's clock
    /// (so the servers' clocks need not agree). A peer missing from <paramref name="ages"/> keeps what was seen before.
    /// </summary>
    public void Observe(IReadOnlyDictionary<string, TimeSpan> ages, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(ages);
        var seen = _lastSeen;
        foreach (var (peer, age) in ages)
        {
            // The latest read wins, also when it is older: a peer that left set its heartbeat back to the epoch.
            seen = seen.SetItem(peer, now - (age < TimeSpan.Zero ? TimeSpan.Zero : age));
        }

        Volatile.Write(ref _lastSeen, seen);
    }

    /// <summary>Whether <paramref name="peer"/> counts as up at <paramref name="now"/> (this server always does).</summary>
    public bool IsAlive(string peer, DateTimeOffset now) =>
        string.Equals(peer, Self, StringComparison.OrdinalIgnoreCase)
        || (Volatile.Read(ref _lastSeen).TryGetValue(peer, out var at) && now - at <= _maxResponseDelay);

    /// <summary>The peers up at <paramref name="now"/>, in bucket order.</summary>
    public IReadOnlyList<string> Live(DateTimeOffset now) => [.. _peers.Where(p => IsAlive(p, now))];

    /// <summary>The peer that answers the clients of <paramref name="bucket"/> at <paramref name="now"/>.</summary>
    public string Owner(byte bucket, DateTimeOffset now)
    {
        string home = _peers[bucket % _peers.Length];
        if (IsAlive(home, now))
        {
            return home;
        }

        var live = Live(now);
        return live[bucket / _peers.Length % live.Count];
    }

    /// <summary>
    /// Where this server stands at <paramref name="now"/>: its state, the buckets it answers and whose they are, and each
    /// other peer's last heartbeat and buckets (<see cref="DhcpServerStatistics.HighAvailability"/>).
    /// </summary>
    public DhcpHaStatus Status(DateTimeOffset now)
    {
        var seen = Volatile.Read(ref _lastSeen);
        var buckets = new Dictionary<string, int>(StringComparer.Ordinal);
        var scopes = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int bucket = 0; bucket < 256; bucket++)
        {
            string owner = Owner((byte)bucket, now);
            buckets[owner] = buckets.GetValueOrDefault(owner) + 1;
            if (string.Equals(owner, Self, StringComparison.Ordinal))
            {
                scopes.Add(_peers[bucket % _peers.Length]);
            }
        }

        var peers = _peers.Where(p => !string.Equals(p, Self, StringComparison.Ordinal)).Select(p => new DhcpHaPeerStatus
        {
            Name = p,
            IsAlive = IsAlive(p, now),
            HeartbeatAge = seen.TryGetValue(p, out var at) ? now - at : null,
            Buckets = buckets.GetValueOrDefault(p),
        }).ToList();
        return new DhcpHaStatus
        {
            ServerName = Self,
            State = peers.TrueForAll(p => p.IsAlive) ? DhcpHaState.LoadBalancing : DhcpHaState.PartnerDown,
            Buckets = buckets.GetValueOrDefault(Self),
            Scopes = [.. scopes],
            Peers = peers,
            MaxResponseDelay = _maxResponseDelay,
        };
    }

    /// <summary>Whether this server answers the clients of <paramref name="bucket"/> at <paramref name="now"/>.</summary>
    public bool Answers(byte bucket, DateTimeOffset now) => string.Equals(Owner(bucket, now), Self, StringComparison.Ordinal);
}
