using System.Security.Cryptography;

namespace PxePowerShell.Module.Tests;

public sealed class HttpCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxeps-http-").FullName;

    [Fact]
    public void Start_fetch_with_curl_including_a_range_and_stop()
    {
        var payload = RandomNumberGenerator.GetBytes(50_000);
        File.WriteAllBytes(Path.Combine(_root, "initrd.img"), payload);
        var server = host.Invoke("Start-PxeHttpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-http", new Dictionary<string, object?> { ["root"] = _root })
            .AssertNoErrors().Output.Single();
        string baseUri = server.Properties["BaseUri"].Value.ToString()!;
        try
        {
            string output = Path.Combine(_root, "out.img");
            var full = ExternalProcess.Run("curl", $"-s -f --max-time 20 -o {output} {baseUri}initrd.img");
            Assert.Equal(0, full.ExitCode);
            Assert.Equal(payload, File.ReadAllBytes(output));

            var range = ExternalProcess.Run("curl", $"-s -f --max-time 20 -r 10-19 -o {output} {baseUri}initrd.img");
            Assert.Equal(0, range.ExitCode);
            Assert.Equal(payload[10..20], File.ReadAllBytes(output));

            var escape = ExternalProcess.Run("curl", $"-s --path-as-is --max-time 20 -o /dev/null -w %{{http_code}} {baseUri}../../etc/passwd");
            Assert.Equal("403", escape.StdOut);

            var events = host.Invoke("Get-PxeEvent -Server mt-http -Kind TransferCompleted").AssertNoErrors().Output;
            Assert.Contains(events, e => e.Properties["Path"].Value as string == "initrd.img" && e.Properties["Protocol"].Value.ToString() == "Http");
        }
        finally
        {
            host.Invoke("Stop-PxeServer -Name mt-http").AssertNoErrors();
        }
    }

    [Fact]
    public void WhatIf_starts_nothing()
    {
        host.Invoke("Start-PxeHttpServer -Root $root -Port 0 -Name mt-http-whatif -WhatIf", new Dictionary<string, object?> { ["root"] = _root }).AssertNoErrors();
        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-http-whatif*'").AssertNoErrors().Output);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
