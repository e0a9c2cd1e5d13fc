namespace PxePowerShell.Engine.Metrics;

/// <summary>
/// The metrics of one moment, grouped in families as the Prometheus text format wants them: every sample of a name sits
/// under one <c># HELP</c> and one <c># TYPE</c>, whatever order they were added in. Names and labels are checked as they
/// are added (a wrong one is a programming error: <see cref="ArgumentException"/>); counters must be finite and not negative.
/// </summary>
internal sealed class MetricsSnapshot
{
    private readonly List<MetricFamily> _families = [];
    private readonly Dictionary<string, MetricFamily> _byName = new(StringComparer.Ordinal);

    /// <summary>The families, in the order their first sample was added.</summary>
    public IReadOnlyList<MetricFamily> Families => _families;

    /// <summary>Adds a counter sample; <paramref name="name"/> ends in <c>_total</c>.</summary>
    public MetricsSnapshot Counter(string name, string help, double value, params (string Name, string Value)[] labels)
    {
        if (!name.EndsWith("_total", StringComparison.Ordinal))
        {
            throw new ArgumentException($"The counter '{name}' must end in _total.", nameof(name));
        }

        if (!(value >= 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"The counter '{name}' must be finite and not negative.");
        }

        Family(name, help, MetricType.Counter).Samples.Add(new MetricSample(Labels(labels), value));
        return this;
    }

    /// <summary>Adds a gauge sample.</summary>
    public MetricsSnapshot Gauge(string name, string help, double value, params (string Name, string Value)[] labels)
    {
        Family(name, help, MetricType.Gauge).Samples.Add(new MetricSample(Labels(labels), value));
        return this;
    }

    /// <summary>Adds a histogram: one <c>_bucket</c> line per bound (label <c>le</c>), then <c>_sum</c> and <c>_count</c>.</summary>
    public MetricsSnapshot Histogram(string name, string help, HistogramSnapshot histogram, params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var family = Family(name, help, MetricType.Histogram);
        var common = Labels(labels);
        if (common.Any(l => l.Key == "le"))
        {
            throw new ArgumentException("A histogram's own labels cannot include 'le'.", nameof(labels));
        }

        for (int i = 0; i < histogram.UpperBounds.Count; i++)
        {
            var bucket = new List<KeyValuePair<string, string>>(common) { new("le", PrometheusWriter.Number(histogram.UpperBounds[i])) };
            family.Samples.Add(new MetricSample(bucket, histogram.CumulativeCounts[i], "_bucket"));
        }

        family.Samples.Add(new MetricSample(common, histogram.Sum, "_sum"));
        family.Samples.Add(new MetricSample(common, histogram.Count, "_count"));
        return this;
    }

    private MetricFamily Family(string name, string help, MetricType type)
    {
        if (!IsName(name, colon: true))
        {
            throw new ArgumentException($"'{name}' is not a metric name ([a-zA-Z_:][a-zA-Z0-9_:]*).", nameof(name));
        }

        if (_byName.TryGetValue(name, out var family))
        {
            return family.Type == type && family.Help == help
                ? family
                : throw new ArgumentException($"The metric '{name}' was added before with another type or help text.", nameof(name));
        }

        family = new MetricFamily(name, help, type);
        _byName.Add(name, family);
        _families.Add(family);
        return family;
    }

    private static List<KeyValuePair<string, string>> Labels((string Name, string Value)[] labels)
    {
        var list = new List<KeyValuePair<string, string>>(labels.Length);
        foreach (var (name, value) in labels)
        {
            if (!IsName(name, colon: false) || name.StartsWith("__", StringComparison.Ordinal) || list.Exists(l => l.Key == name))
            {
                throw new ArgumentException($"'{name}' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*, not __..., once per sample).", nameof(labels));
            }

            list.Add(new(name, value ?? string.Empty));
        }

        return list;
    }

    private static bool IsName(string name, bool colon)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool ok = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (colon && c == ':') || (i > 0 && c is >= '0' and <= '9');
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
