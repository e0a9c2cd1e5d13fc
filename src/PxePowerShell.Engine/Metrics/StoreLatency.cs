using System.Collections.Concurrent;

namespace PxePowerShell.Engine.Metrics;

/// <summary>
/// The storage seam's timing hook: one <see cref="LatencyHistogram"/> per store kind for the time a commit takes (the
/// lease journal's group-commit flush, a PostgreSQL transaction), shared by the whole process and published by the
/// metrics endpoint as <c>pxe_store_commit_duration_seconds{store="..."}</c>. A store takes its histogram once
/// (<c>static readonly</c>) and calls <see cref="LatencyHistogram.ObserveSince"/> after each commit.
/// </summary>
public static class StoreLatency
{
    private static readonly ConcurrentDictionary<string, LatencyHistogram> s_stores = new(StringComparer.Ordinal);

    /// <summary>The lease journal's flushes (one fsync covering every record written meanwhile).</summary>
    public static LatencyHistogram Journal { get; } = For("journal");

    /// <summary>The histogram of the store named <paramref name="store"/> (lower case, such as "postgres"), created on first use.</summary>
    public static LatencyHistogram For(string store)
    {
        ArgumentException.ThrowIfNullOrEmpty(store);
        return s_stores.GetOrAdd(store, static _ => new LatencyHistogram());
    }

    /// <summary>Every store's histogram, by name.</summary>
    internal static IReadOnlyList<KeyValuePair<string, LatencyHistogram>> All => [.. s_stores.OrderBy(s => s.Key, StringComparer.Ordinal)];
}
