namespace PxePowerShell.Engine.Metrics;

/// <summary>The kind of a metric family, as the Prometheus text format's <c># TYPE</c> line names it.</summary>
internal enum MetricType
{
    /// <summary>A value that only goes up while the process runs (named with <c>_total</c>).</summary>
    Counter,

    /// <summary>A value that goes up and down.</summary>
    Gauge,

    /// <summary>Observations counted in cumulative buckets, with their sum and count.</summary>
    Histogram,
}
