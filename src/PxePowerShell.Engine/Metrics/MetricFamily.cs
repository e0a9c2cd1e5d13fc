namespace PxePowerShell.Engine.Metrics;

/// <summary>A metric family: one name, one help text, one type and its samples (one per label set).</summary>
/// <param name="Name">The metric name (counters end in <c>_total</c>).</param>
/// <param name="Help">What it counts, for <c># HELP</c>.</param>
/// <param name="Type">Counter, gauge or histogram.</param>
internal sealed record MetricFamily(string Name, string Help, MetricType Type)
{
    /// <summary>The samples, in the order they were added.</summary>
    public List<MetricSample> Samples { get; } = [];
}
