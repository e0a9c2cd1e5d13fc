namespace PxePowerShell.Engine.Metrics;

/// <summary>One line of a family: its labels and value; <paramref name="Suffix"/> is "_bucket", "_sum" or "_count" for a histogram's lines.</summary>
/// <param name="Labels">Label names and values, in the order written.</param>
/// <param name="Value">The value.</param>
/// <param name="Suffix">Appended to the family name (histograms), else empty.</param>
internal sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, string Suffix = "");
