using PxePowerShell.Engine.Metrics;

namespace PxePowerShell.Engine.Tests.Metrics;

/// <summary>The Prometheus text exposition format 0.0.4, byte for byte.</summary>
public sealed class PrometheusWriterTests
{
    [Fact]
    public void Families_are_written_with_one_help_and_one_type_line_each_however_their_samples_were_added()
    {
        var snapshot = new MetricsSnapshot()
            .Counter("pxe_dhcp_offers_total", "DHCPOFFERs sent.", 3, ("server", "a"))
            .Gauge("pxe_tftp_active_sessions", "TFTP transfers in progress.", 2, ("server", "a"))
            .Counter("pxe_dhcp_offers_total", "DHCPOFFERs sent.", 5, ("server", "b"));

        Assert.Equal(
            "# HELP pxe_dhcp_offers_total DHCPOFFERs sent.\n" +
            "# TYPE pxe_dhcp_offers_total counter\n" +
            "pxe_dhcp_offers_total{server=\"a\"} 3\n" +
            "pxe_dhcp_offers_total{server=\"b\"} 5\n" +
            "# HELP pxe_tftp_active_sessions TFTP transfers in progress.\n" +
            "# TYPE pxe_tftp_active_sessions gauge\n" +
            "pxe_tftp_active_sessions{server=\"a\"} 2\n",
            PrometheusWriter.Write(snapshot));
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_line_feed_and_help_escapes_backslash_and_line_feed()
    {
        var snapshot = new MetricsSnapshot().Gauge("x", "a \\ b\nc \"q\"", 1, ("path", "C:\\boot\n\"x\""), ("empty", string.Empty));

        Assert.Equal(
            "# HELP x a \\\\ b\\nc \"q\"\n" +
            "# TYPE x gauge\n" +
            "x{path=\"C:\\\\boot\\n\\\"x\\\"\",empty=\"\"} 1\n",
            PrometheusWriter.Write(snapshot));
    }

    [Fact]
    public void A_sample_without_labels_has_no_braces_and_numbers_use_the_shortest_invariant_form()
    {
        var snapshot = new MetricsSnapshot()
            .Gauge("a", "h", 0.25)
            .Gauge("b", "h", 1234567890123)
            .Gauge("c", "h", double.NaN)
            .Gauge("d", "h", double.NegativeInfinity);

        Assert.Equal(
            "# HELP a h\n# TYPE a gauge\na 0.25\n" +
            "# HELP b h\n# TYPE b gauge\nb 1234567890123\n" +
            "# HELP c h\n# TYPE c gauge\nc NaN\n" +
            "# HELP d h\n# TYPE d gauge\nd -Inf\n",
            PrometheusWriter.Write(snapshot));
    }

    [Fact]
    public void A_histogram_has_cumulative_buckets_ending_at_plus_inf_then_sum_and_count()
    {
        var histogram = new LatencyHistogram([0.001, 0.01]);
        histogram.Observe(TimeSpan.FromMilliseconds(0.5));
        histogram.Observe(TimeSpan.FromMilliseconds(1)); // on a bound: counted in it (le = less or equal)
        histogram.Observe(TimeSpan.FromMilliseconds(5));
        histogram.Observe(TimeSpan.FromSeconds(2));

        var snapshot = new MetricsSnapshot().Histogram("pxe_store_commit_duration_seconds", "Commit time.", histogram.Snapshot(), ("store", "journal"));

        Assert.Equal(
            "# HELP pxe_store_commit_duration_seconds Commit time.\n" +
            "# TYPE pxe_store_commit_duration_seconds histogram\n" +
            "pxe_store_commit_duration_seconds_bucket{store=\"journal\",le=\"0.001\"} 2\n" +
            "pxe_store_commit_duration_seconds_bucket{store=\"journal\",le=\"0.01\"} 3\n" +
            "pxe_store_commit_duration_seconds_bucket{store=\"journal\",le=\"+Inf\"} 4\n" +
            "pxe_store_commit_duration_seconds_sum{store=\"journal\"} 2.0065\n" +
            "pxe_store_commit_duration_seconds_count{store=\"journal\"} 4\n",
            PrometheusWriter.Write(snapshot));
    }

    [Fact]
    public void A_histogram_observed_from_many_threads_loses_nothing()
    {
        var histogram = new LatencyHistogram();
        Parallel.For(0, 8, t =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                histogram.Observe(TimeSpan.FromTicks(i % 1000));
            }
        });

        var snapshot = histogram.Snapshot();
        Assert.Equal(80_000, snapshot.Count);
        Assert.Equal(80_000, snapshot.CumulativeCounts[^1]);
        Assert.Equal(8 * 10 * 499_500 / (double)TimeSpan.TicksPerSecond, snapshot.Sum, 9);
    }

    [Fact]
    public void A_name_added_again_with_another_type_is_refused_so_a_family_never_has_two_type_lines()
    {
        var snapshot = new MetricsSnapshot().Counter("pxe_x_total", "h", 1);
        Assert.Throws<ArgumentException>(() => snapshot.Gauge("pxe_x_total", "h", 1));
        Assert.Throws<ArgumentException>(() => snapshot.Counter("pxe_x_total", "other help", 1));
        Assert.Single(snapshot.Families);
    }

    [Theory]
    [InlineData("pxe_offers")] // a counter ends in _total
    [InlineData("1pxe_total")]
    [InlineData("pxe-offers_total")]
    public void Counter_names_that_the_format_or_its_conventions_refuse_are_refused(string name) =>
        Assert.Throws<ArgumentException>(() => new MetricsSnapshot().Counter(name, "h", 1));

    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_counter_is_never_negative_or_not_a_number(double value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new MetricsSnapshot().Counter("pxe_x_total", "h", value));

    [Theory]
    [InlineData("__reserved")]
    [InlineData("has-dash")]
    [InlineData("")]
    public void Label_names_the_format_refuses_are_refused(string label) =>
        Assert.Throws<ArgumentException>(() => new MetricsSnapshot().Gauge("x", "h", 1, (label, "v")));

    [Fact]
    public void Bounds_must_ascend()
    {
        Assert.Throws<ArgumentException>(() => new LatencyHistogram([0.1, 0.1]));
        Assert.Throws<ArgumentException>(() => new LatencyHistogram([double.PositiveInfinity]));
    }
}
