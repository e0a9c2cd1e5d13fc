namespace PxePowerShell.Module.Tests;

/// <summary>Start-PxeServer serves GET /-/metrics on its HTTP port unless -NoMetrics (or Metrics = $false in its file).</summary>
public sealed class MetricsCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    private string Start(string name, string extra)
    {
        var v = new Dictionary<string, object?> { ["root"] = ModuleHost.SampleRoot };
        var server = host.Invoke($"Start-PxeServer -Root $root -NoDhcp -Address 127.0.0.1 -TftpPort 0 -Http -HttpPort 0 -Name {name} {extra}", v).AssertNoErrors().Output.Single();
        return (string)server.Properties["HttpBootUrl"].Value;
    }

    [Fact]
    public async Task The_http_part_serves_the_server_s_counters_and_NoMetrics_turns_them_off()
    {
        string on = Start("mt-metrics-on", string.Empty);
        using (var response = await Http.GetAsync(on + "-/metrics"))
        {
            Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
            string text = await response.Content.ReadAsStringAsync();
            Assert.Contains("# TYPE pxe_tftp_transfers_started_total counter\n", text, StringComparison.Ordinal);
            Assert.Contains("pxe_service_up{server=\"mt-metrics-on\",role=\"Http\"} 1\n", text, StringComparison.Ordinal);
        }

        string off = Start("mt-metrics-off", "-NoMetrics");
        using var refused = await Http.GetAsync(off + "-/metrics");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.StatusCode);
    }

    public void Dispose() => host.Invoke("Get-PxeServer -Name 'mt-metrics*' | Stop-PxeServer");
}
