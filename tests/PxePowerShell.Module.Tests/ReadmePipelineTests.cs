namespace PxePowerShell.Module.Tests;

/// <summary>
/// The pipelines the README and about_PxePowerShell show, run as written in the Microsoft.PowerShell.SDK runspace:
/// Where-Object, Export-Csv, Import-Csv, Group-Object, Select-Object, Sort-Object and ConvertTo-Json on the module's objects.
/// </summary>
public sealed class ReadmePipelineTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxeps-readme-").FullName;

    [Fact]
    public void Events_piped_through_Where_Object_into_Export_Csv_and_Group_Object()
    {
        File.WriteAllText(Path.Combine(_root, "hello.txt"), "hello");
        var server = host.Invoke("Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-readme-csv", new Dictionary<string, object?> { ["root"] = _root }).AssertNoErrors().Output.Single();
        int port = TftpCmdletTests.PortOf(server);
        try
        {
            Assert.Equal(0, ExternalProcess.Run("curl", $"-s --max-time 20 -o {Path.Combine(_root, "a.txt")} tftp://127.0.0.1:{port}/hello.txt").ExitCode);
            Assert.NotEqual(0, ExternalProcess.Run("curl", $"-s --max-time 20 -o {Path.Combine(_root, "b.txt")} tftp://127.0.0.1:{port}/missing.txt").ExitCode);
            Assert.True(ExternalProcess.WaitUntil(() => host.Invoke("Get-PxeEvent -Server mt-readme-csv -Kind TransferCompleted").Output.Count == 1, TimeSpan.FromSeconds(20)), "no TransferCompleted event");

            string csv = Path.Combine(_root, "boots.csv");
            var rows = host.Invoke(
                "Get-PxeEvent -Server mt-readme-csv | Where-Object Kind -eq TransferCompleted | Export-Csv $csv -NoTypeInformation; Import-Csv $csv",
                new Dictionary<string, object?> { ["csv"] = csv }).AssertNoErrors().Output;
            var row = Assert.Single(rows);
            Assert.Equal("TransferCompleted", row.Properties["Kind"].Value);
            Assert.Equal("hello.txt", row.Properties["Path"].Value);
            Assert.Equal("5", row.Properties["Bytes"].Value);

            var groups = host.Invoke("Get-PxeEvent -Server mt-readme-csv | Group-Object Kind | Sort-Object Name | Select-Object Name, Count").AssertNoErrors().Output;
            var byKind = groups.ToDictionary(g => (string)g.Properties["Name"].Value, g => (int)g.Properties["Count"].Value);
            Assert.Equal(1, byKind["TransferCompleted"]);
            Assert.True(byKind.ContainsKey("TransferFailed") || byKind.ContainsKey("RequestRefused"), "the missing file is not among the events: " + string.Join(", ", byKind.Keys));
        }
        finally
        {
            host.Invoke("Stop-PxeServer -Name mt-readme-csv").AssertNoErrors();
        }
    }

    [Fact]
    public void The_READMEs_Wait_pipeline_writes_boots_csv_until_the_server_stops()
    {
        File.WriteAllText(Path.Combine(_root, "boot.ipxe"), "#!ipxe\n");
        int port = TftpCmdletTests.FreeUdpPort();
        string csv = Path.Combine(_root, "boots.csv");

        // README: Start-PxeServer ... -Wait | Where-Object Kind -eq TransferCompleted | Export-Csv boots.csv
        using (var running = host.Start(
            $"Set-Location '{_root}'; Start-PxeServer -NoDhcp -Root '{_root}' -Address 127.0.0.1 -TftpPort {port} -Name mt-readme-wait -Wait | Where-Object Kind -eq TransferCompleted | Export-Csv boots.csv"))
        {
            Assert.True(ExternalProcess.WaitUntil(() => host.Invoke("Get-PxeServer -Name 'mt-readme-wait*'").Output.Count > 0, TimeSpan.FromSeconds(30)), "the -Wait server did not start");
            Assert.Equal(0, ExternalProcess.Run("curl", $"-s --max-time 20 -o {Path.Combine(_root, "got.ipxe")} tftp://127.0.0.1:{port}/boot.ipxe").ExitCode);
            Assert.True(ExternalProcess.WaitUntil(() => host.Invoke("Get-PxeEvent -Server mt-readme-wait -Kind TransferCompleted").Output.Count > 0, TimeSpan.FromSeconds(20)), "no TransferCompleted event");

            // Stopping the server from another session ends the -Wait pipeline after it wrote every published event.
            host.Invoke("Stop-PxeServer -Name mt-readme-wait").AssertNoErrors();
            Assert.True(
                ExternalProcess.WaitUntil(() => running.Shell.InvocationStateInfo.State == System.Management.Automation.PSInvocationState.Completed, TimeSpan.FromSeconds(30)),
                "the -Wait pipeline did not end after Stop-PxeServer: " + running.Shell.InvocationStateInfo.State);
        }

        var rows = host.Invoke("Import-Csv $csv | Select-Object Kind, Path | ConvertTo-Json -Compress", new Dictionary<string, object?> { ["csv"] = csv }).AssertNoErrors().Output;
        Assert.Equal("{\"Kind\":\"TransferCompleted\",\"Path\":\"boot.ipxe\"}", Assert.Single(rows).BaseObject);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
