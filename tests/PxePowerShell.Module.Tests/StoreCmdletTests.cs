using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Storage.Postgres.Tests;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// Start-PxeDhcpServer -Store and Start-PxeServer -Store or the configuration file's Store key (docs/fleet.md), against a
/// throwaway PostgreSQL cluster: the server's state goes to the database named (the parameter over the file), and a
/// setting that names no database, one that is down or one a newer module migrated is a clear ErrorRecord at start,
/// never a raw Npgsql exception.
/// </summary>
public sealed class StoreCmdletTests(ModuleHost host, PostgresCluster cluster) : IClassFixture<ModuleHost>, IClassFixture<PostgresCluster>, IDisposable
{
    private readonly string _files = Directory.CreateTempSubdirectory("pxeps-store-").FullName;

    public void Dispose() => Directory.Delete(_files, recursive: true);

    [Fact]
    public void Start_PxeServer_keeps_its_state_in_the_database_of_Store_from_the_parameter_or_the_file_the_parameter_first()
    {
        string byParameter = cluster.CreateDatabase();
        string byFile = cluster.CreateDatabase();
        string overridden = cluster.CreateDatabase();
        string psd1 = Path.Combine(_files, "store.psd1");
        File.WriteAllText(psd1, $"@{{ Root = '{ModuleHost.SampleRoot}'; DhcpMode = 'None'; Addresses = @('127.0.0.1'); TftpPort = 0; Store = '{byFile}' }}");
        string json = Path.Combine(_files, "store.json");
        File.WriteAllText(json, System.Text.Json.JsonSerializer.Serialize(new { Root = ModuleHost.SampleRoot, DhcpMode = "None", Addresses = new[] { "127.0.0.1" }, TftpPort = 0, Store = overridden }));
        var v = new Dictionary<string, object?> { ["root"] = ModuleHost.SampleRoot, ["db"] = byParameter, ["psd1"] = psd1, ["json"] = json };
        try
        {
            host.Invoke("Start-PxeServer -Root $root -NoDhcp -Address 127.0.0.1 -TftpPort 0 -Store $db -Name mt-store-param", v).AssertNoErrors();
            Assert.Equal(byParameter, host.Invoke("(Get-PxeServer -Name mt-store-param).Configuration.Store").Output.Single().BaseObject);
            Assert.True(Migrated(byParameter));

            host.Invoke("Start-PxeServer -ConfigurationPath $psd1 -Name mt-store-file", v).AssertNoErrors();
            Assert.True(Migrated(byFile));

            // The file names one database, the parameter another: the parameter's is used, the file's never opened.
            host.Invoke("Start-PxeServer -ConfigurationPath $json -Store $db -Name mt-store-over", v).AssertNoErrors();
            Assert.False(Migrated(overridden));
            Assert.Equal(byParameter, host.Invoke("(Get-PxeServer -Name mt-store-over).Configuration.Store").Output.Single().BaseObject);
        }
        finally
        {
            host.Invoke("Get-PxeServer -Name 'mt-store-*' | Stop-PxeServer");
        }

        // A database a newer module migrated is refused, and the server does not start.
        PostgresCluster.Scalar(byFile, "INSERT INTO pxe_schema_version (version, name) VALUES (999, 'from the future')");
        var tooNew = host.Invoke("Start-PxeServer -ConfigurationPath $psd1 -Name mt-store-new", v).SingleError("StoreSchemaTooNew");
        Assert.Equal(ErrorCategory.InvalidData, tooNew.CategoryInfo.Category);
        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-store-*'").Output);
    }

    [Fact]
    public void Start_PxeServer_Store_errors_are_the_same_records_as_Start_PxeDhcpServer_from_the_parameter_and_from_the_file()
    {
        string start = $"Start-PxeServer -Root '{ModuleHost.SampleRoot}' -NoDhcp -Address 127.0.0.1 -TftpPort 0 -Name mt-store-bad";
        var bad = host.Invoke($"{start} -Store 'Hots=db;Database=pxe'").SingleError("InvalidStoreSetting");
        Assert.Equal(ErrorCategory.InvalidData, bad.CategoryInfo.Category);

        int dbPort = FreeTcpPort();
        string psd1 = Path.Combine(_files, "down.psd1");
        File.WriteAllText(psd1, $"@{{ Root = '{ModuleHost.SampleRoot}'; DhcpMode = 'None'; Addresses = @('127.0.0.1'); TftpPort = 0; Store = 'Host=127.0.0.1;Port={dbPort};Database=pxe;Username=pxe;Password=hunter2;Timeout=5' }}");
        var down = host.Invoke($"Start-PxeServer -ConfigurationPath '{psd1}' -Name mt-store-bad").SingleError("StoreUnreachable");
        Assert.Equal(ErrorCategory.ResourceUnavailable, down.CategoryInfo.Category);
        Assert.Contains($"127.0.0.1:{dbPort}/pxe", down.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", down.Exception.Message, StringComparison.Ordinal);

        // The parameter wins over the file: the file's unreachable store is never tried.
        host.Invoke($"Start-PxeServer -ConfigurationPath '{psd1}' -Store $db -Name mt-store-good", new Dictionary<string, object?> { ["db"] = cluster.CreateDatabase() }).AssertNoErrors();
        host.Invoke("$s = Get-PxeServer -Name mt-store-good; $s | Stop-PxeServer; $s.StopAsync().Wait()").AssertNoErrors(); // a second stop returns too
        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-store-*'").Output);
    }

    private static bool Migrated(string db) => PostgresCluster.Scalar(db, "SELECT to_regclass('pxe_schema_version') IS NOT NULL") is true;

    private static int FreeTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [Fact]
    public void A_database_that_is_down_is_StoreUnreachable_and_a_malformed_setting_InvalidStoreSetting()
    {
        int dbPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            dbPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        string start = $"Start-PxeDhcpServer -Range 127.0.0.50,127.0.0.60 -Interface lo -Port {FreeUdpPort()} -Name mt-store-{Guid.NewGuid():N}";
        var down = host.Invoke($"{start} -Store 'Host=127.0.0.1;Port={dbPort};Database=pxe;Username=pxe;Password=hunter2;Timeout=5'").SingleError("StoreUnreachable");
        Assert.Equal(ErrorCategory.ResourceUnavailable, down.CategoryInfo.Category);
        Assert.Contains($"127.0.0.1:{dbPort}/pxe", down.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", down.Exception.Message, StringComparison.Ordinal);

        var bad = host.Invoke($"{start} -Store 'Hots=db;Database=pxe'").SingleError("InvalidStoreSetting");
        Assert.Equal(ErrorCategory.InvalidData, bad.CategoryInfo.Category);
        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-store-*'").Output);
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
