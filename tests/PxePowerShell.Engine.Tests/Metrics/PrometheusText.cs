using System.Globalization;
using System.Text;

namespace PxePowerShell.Engine.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4 for tests: every family has exactly one HELP and one TYPE line
/// before its samples, every sample belongs to the family above it (histograms: _bucket with le, _sum, _count), label
/// values are unescaped, no series appears twice, counters end in _total. Any deviation fails the test.
/// </summary>
internal sealed class PrometheusText
{
    private PrometheusText(Dictionary<string, double> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    /// <summary>Values by series: <c>name{label="value",...}</c> with labels as written, or the bare name.</summary>
    public IReadOnlyDictionary<string, double> Samples { get; }

    /// <summary>Family types by name.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>The value of a series (0 when absent is not assumed: it must be there).</summary>
    public double this[string series] => Samples.TryGetValue(series, out var v) ? v : throw new Xunit.Sdk.XunitException($"no series {series} in the scrape");

    public static PrometheusText Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        string? family = null;
        foreach (string line in text[..^1].Split('\n'))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                string name = line[7..].Split(' ')[0];
                Assert.True(helps.Add(name), $"two HELP lines for {name}");
                Assert.False(types.ContainsKey(name), $"HELP after TYPE for {name}");
                family = name;
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line[7..].Split(' ');
                Assert.Equal(2, parts.Length);
                Assert.Equal(family, parts[0]);
                Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram" });
                Assert.True(types.TryAdd(parts[0], parts[1]), $"two TYPE lines for {parts[0]}");
                if (parts[1] == "counter")
                {
                    Assert.EndsWith("_total", parts[0], StringComparison.Ordinal);
                }

                continue;
            }

            Assert.False(line.StartsWith('#'), $"unexpected comment: {line}");
            Assert.NotNull(family);
            int brace = line.IndexOf('{', StringComparison.Ordinal);
            int space = brace < 0 ? line.IndexOf(' ', StringComparison.Ordinal) : line.IndexOf("} ", brace, StringComparison.Ordinal) + 1;
            string sampleName = line[..(brace < 0 ? space : brace)];
            string type = types[family!];
            bool belongs = sampleName == family || (type == "histogram" && (sampleName == family + "_bucket" || sampleName == family + "_sum" || sampleName == family + "_count"));
            Assert.True(belongs, $"sample {sampleName} under family {family}");
            var labels = brace < 0 ? [] : Labels(line[(brace + 1)..(space - 1)]);
            Assert.Equal(sampleName == family + "_bucket", labels.Any(l => l.Key == "le"));
            string key = labels.Count == 0 ? sampleName : $"{sampleName}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}";
            string valueText = line[(space + 1)..];
            double value = valueText switch
            {
                "+Inf" => double.PositiveInfinity,
                "-Inf" => double.NegativeInfinity,
                "NaN" => double.NaN,
                _ => double.Parse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture),
            };
            Assert.True(samples.TryAdd(key, value), $"the series {key} appears twice");
        }

        return new PrometheusText(samples, types);
    }

    private static List<KeyValuePair<string, string>> Labels(string text)
    {
        var labels = new List<KeyValuePair<string, string>>();
        int i = 0;
        while (i < text.Length)
        {
            int eq = text.IndexOf("=\"", i, StringComparison.Ordinal);
            Assert.True(eq > i, $"bad labels: {text}");
            string name = text[i..eq];
            Assert.Matches("^[a-zA-Z_][a-zA-Z0-9_]*$", name);
            var value = new StringBuilder();
            int j = eq + 2;
            for (; text[j] != '"'; j++)
            {
                if (text[j] == '\\')
                {
                    j++;
                    value.Append(text[j] switch { 'n' => '\n', '\\' => '\\', '"' => '"', _ => throw new Xunit.Sdk.XunitException($"bad escape \\{text[j]} in {text}") });
                }
                else
                {
                    value.Append(text[j]);
                }
            }

            labels.Add(new(name, value.ToString()));
            i = j + 1;
            if (i < text.Length)
            {
                Assert.Equal(',', text[i]);
                i++;
            }
        }

        return labels;
    }
}
