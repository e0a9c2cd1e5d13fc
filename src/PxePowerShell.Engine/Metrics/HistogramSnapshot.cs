namespace PxePowerShell.Engine.Metrics;

/// <summary>A histogram's state at one moment: cumulative counts per upper bound (the last one +Inf), the sum and the count.</summary>
/// <param name="UpperBounds">Bucket upper bounds in seconds, ascending, the last one <see cref="double.PositiveInfinity"/>.</param>
/// <param name="CumulativeCounts">Observations at or below each bound; the last equals <paramref name="Count"/>.</param>
/// <param name="Sum">The sum of every observation, in seconds.</param>
/// <param name="Count">The number of observations.</param>
public sealed record HistogramSnapshot(IReadOnlyList<double> UpperBounds, IReadOnlyList<long> CumulativeCounts, double Sum, long Count);
