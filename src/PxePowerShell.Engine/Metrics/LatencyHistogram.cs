using System.Diagnostics;

namespace PxePowerShell.Engine.Metrics;

/// <summary>
/// Durations counted in fixed buckets, cheap enough for a hot path: one bucket search over a few bounds and two
/// interlocked additions per observation, no lock and no allocation. Safe from several threads.
/// </summary>
public sealed class LatencyHistogram
{
    /// <summary>The default bounds in seconds: 100 µs to 10 s, roughly 1-2.5-5 per decade (an fsync to a database round trip).</summary>
    public static IReadOnlyList<double> DefaultBounds { get; } = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _sumTicks;

    /// <summary>Creates a histogram with <paramref name="bounds"/> (ascending seconds; <see cref="DefaultBounds"/> when null).</summary>
    public LatencyHistogram(IReadOnlyList<double>? bounds = null)
    {
        _bounds = [.. bounds ?? DefaultBounds];
        for (int i = 0; i < _bounds.Length; i++)
        {
            if (!double.IsFinite(_bounds[i]) || (i > 0 && _bounds[i] <= _bounds[i - 1]))
            {
                throw new ArgumentException("Histogram bounds must be finite and strictly ascending.", nameof(bounds));
            }
        }

        _counts = new long[_bounds.Length + 1];
    }

    /// <summary>Counts one duration (a negative one as zero).</summary>
    public void Observe(TimeSpan duration)
    {
        long ticks = Math.Max(0, duration.Ticks);
        double seconds = ticks / (double)TimeSpan.TicksPerSecond;
        int i = 0;
        while (i < _bounds.Length && seconds > _bounds[i])
        {
            i++;
        }

        Interlocked.Increment(ref _counts[i]);
        Interlocked.Add(ref _sumTicks, ticks);
    }

    /// <summary>Counts the time since <paramref name="startTimestamp"/> (a <see cref="Stopwatch.GetTimestamp"/> value).</summary>
    public void ObserveSince(long startTimestamp) => Observe(Stopwatch.GetElapsedTime(startTimestamp));

    /// <summary>The counts now, cumulative per bound, ending with +Inf.</summary>
    public HistogramSnapshot Snapshot()
    {
        var cumulative = new long[_counts.Length];
        long running = 0;
        for (int i = 0; i < _counts.Length; i++)
        {
            running += Interlocked.Read(ref _counts[i]);
            cumulative[i] = running;
        }

        double[] bounds = [.. _bounds, double.PositiveInfinity];
        return new HistogramSnapshot(bounds, cumulative, Interlocked.Read(ref _sumTicks) / (double)TimeSpan.TicksPerSecond, running);
    }
}
