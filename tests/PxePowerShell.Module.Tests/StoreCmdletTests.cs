using System.Management.Automation;
using System.Net;
using System.Net.Sockets;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// Start-PxeDhcpServer -Store (docs/fleet.md): a setting that names no database, or one that is down, is a clear
/// ErrorRecord at start, never a raw Npgsql exception.
/// </summary>
public sealed class StoreCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>
{
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
