using System.Security.Cryptography;

namespace PxePowerShell.Module.Tests;

public sealed class TftpCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxeps-tftp-").FullName;

    [Fact]
    public void Start_fetch_with_curl_read_the_event_and_stop()
    {
        var payload = RandomNumberGenerator.GetBytes(100_000);
        File.WriteAllBytes(Path.Combine(_root, "kernel.bin"), payload);
        var started = host.Invoke("Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-fetch", new Dictionary<string, object?> { ["root"] = _root }).AssertNoErrors();
        var server = Assert.Single(started.Output);
        Assert.Equal("Running", server.Properties["State"].Value.ToString());
        int port = PortOf(server);
        try
        {
            string output = Path.Combine(_root, "fetched.bin");
            var curl = ExternalProcess.Run("curl", $"-s --max-time 20 -o {output} tftp://127.0.0.1:{port}/kernel.bin");
            Assert.Equal(0, curl.ExitCode);
            Assert.Equal(payload, File.ReadAllBytes(output));

            var completed = WaitForEvent("mt-fetch", "TransferCompleted");
            Assert.Equal("kernel.bin", completed.Properties["Path"].Value);
            Assert.Equal(100_000L, Convert.ToInt64(completed.Properties["Bytes"].Value));

            var stats = host.Invoke("(Get-PxeServer -Name mt-fetch).GetStatistics()").AssertNoErrors().Output.Single();
            Assert.True(Convert.ToInt64(stats.Properties["CompletedTransfers"].Value) >= 1);
        }
        finally
        {
            host.Invoke("Get-PxeServer -Name mt-fetch | Stop-PxeServer").AssertNoErrors();
        }

        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-fetch*'").AssertNoErrors().Output);
        Assert.Equal("Stopped", server.Properties["State"].Value.ToString());
    }

    [Fact]
    public void Wait_writes_TransferCompleted_to_the_pipeline_until_stopped()
    {
        File.WriteAllText(Path.Combine(_root, "menu.txt"), "hello");
        int port = FreeUdpPort();
        using var running = host.Start($"Start-PxeTftpServer -Root '{_root}' -Address 127.0.0.1 -Port {port} -Name mt-wait -Wait | Where-Object Kind -eq TransferCompleted");
        var started = ExternalProcess.WaitUntil(() => host.Invoke("Get-PxeServer -Name 'mt-wait*'").Output.Count == 1, TimeSpan.FromSeconds(20));
        Assert.True(started, "the -Wait server did not start");
        var curl = ExternalProcess.Run("curl", $"-s --max-time 20 -o {Path.Combine(_root, "out.txt")} tftp://127.0.0.1:{port}/menu.txt");
        Assert.Equal(0, curl.ExitCode);
        var item = running.WaitForOutput(o => o.Properties["Path"]?.Value as string == "menu.txt", TimeSpan.FromSeconds(20));
        Assert.Equal("TransferCompleted", item.Properties["Kind"].Value.ToString());
        running.Stop(TimeSpan.FromSeconds(20));

        // Ctrl+C ends the pipeline; the cmdlet then stops the server and takes it out of the session.
        Assert.True(ExternalProcess.WaitUntil(() => host.Invoke("Get-PxeServer -Name 'mt-wait*'").Output.Count == 0, TimeSpan.FromSeconds(20)), "the -Wait server was not stopped after Ctrl+C");
    }

    [Fact]
    public void Stop_PxeServer_WhatIf_leaves_the_server_running()
    {
        host.Invoke("Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-whatif", new Dictionary<string, object?> { ["root"] = _root }).AssertNoErrors();
        try
        {
            host.Invoke("Get-PxeServer -Name mt-whatif | Stop-PxeServer -WhatIf").AssertNoErrors();
            var state = host.Invoke("(Get-PxeServer -Name mt-whatif).State").AssertNoErrors().Output.Single();
            Assert.Equal("Running", state.ToString());
        }
        finally
        {
            host.Invoke("Stop-PxeServer -Name mt-whatif").AssertNoErrors();
        }
    }

    [Fact]
    public void A_port_in_use_is_a_PortInUse_error()
    {
        using var blocker = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        int port = ((System.Net.IPEndPoint)blocker.Client.LocalEndPoint!).Port;
        var result = host.Invoke($"Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port {port} -Name mt-inuse", new Dictionary<string, object?> { ["root"] = _root });
        var error = result.SingleError("PortInUse");
        Assert.Contains($"port {port}", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-inuse*'").Output);
    }

    [Fact]
    public void A_missing_root_is_a_RootNotFound_error()
    {
        var result = host.Invoke("Start-PxeTftpServer -Root ./definitely-not-here -Port 0");
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, result.SingleError("RootNotFound").CategoryInfo.Category);
    }

    [Fact]
    public void Port_69_without_privilege_says_how_to_fix_it()
    {
        // Run pxeps as an unprivileged user, as an admin would hit it.
        string pxeps = Path.Combine(ModuleHost.RepoRoot, "src", "PxePowerShell.Host", "bin", BuildConfiguration, "net10.0", "pxeps.dll");
        Assert.True(File.Exists(pxeps), pxeps);
        var result = ExternalProcess.Run(
            "setpriv",
            $"--reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all dotnet {pxeps} -Module {ModuleHost.ManifestPath} -Command \"Start-PxeTftpServer -Root /tmp -Port 69 -Address 127.0.0.1\"",
            new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = "/tmp", ["HOME"] = "/tmp", ["DOTNET_NOLOGO"] = "1" },
            timeoutMs: 180_000);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("PortAccessDenied", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("port 69 needs root or CAP_NET_BIND_SERVICE; use -Port or run elevated", result.StdErr, StringComparison.Ordinal);
    }

    private static string BuildConfiguration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private System.Management.Automation.PSObject WaitForEvent(string server, string kind)
    {
        System.Management.Automation.PSObject? found = null;
        Assert.True(
            ExternalProcess.WaitUntil(() => (found = host.Invoke($"Get-PxeEvent -Server {server} -Kind {kind} -Newest 1").Output.SingleOrDefault()) is not null, TimeSpan.FromSeconds(20)),
            $"no {kind} event from {server}");
        return found!;
    }

    internal static int PortOf(System.Management.Automation.PSObject server)
    {
        var endpoints = (System.Collections.IEnumerable)server.Properties["EndPoints"].Value;
        var endpoint = endpoints.Cast<object>().Single();
        return ((System.Net.IPEndPoint)(endpoint is System.Management.Automation.PSObject p ? p.BaseObject : endpoint)).Port;
    }

    internal static int FreeUdpPort()
    {
        using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return ((System.Net.IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
