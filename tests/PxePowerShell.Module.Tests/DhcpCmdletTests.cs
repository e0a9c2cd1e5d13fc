using System.Management.Automation;
using System.Net;
using System.Net.Sockets;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// The DHCP cmdlets in a real runspace. Servers listen on the loopback interface (-Interface lo) on a free
/// unprivileged port; a C# client sends real DHCP datagrams to 127.0.0.1 and the test reads the outcome the way a
/// user would: Get-PxeEvent and Get-PxeLease. The class runs alone (not beside ClientCmdletTests): the PXE clients it
/// makes up feed the process-wide client inventory, which that class points at its own directory and expects empty.
/// </summary>
[Collection(DhcpCmdletCollection.Name)]
public sealed class DhcpCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..8];
    private readonly string _data = Directory.CreateTempSubdirectory("pxeps-dhcp-").FullName;
    private readonly UdpClient _client = new(new IPEndPoint(IPAddress.Loopback, 0));

    [Fact]
    public void Proxy_DISCOVER_from_a_PXE_client_gives_a_ProxyOffer_event()
    {
        string name = $"mt-proxy-{_id}";
        int port = FreeUdpPort();
        var started = host.Invoke($"Start-PxeProxyDhcp -Interface lo -Port {port} -PxePort 0 -Name {name} -BootFile @{{ Bios='pxelinux.0'; EfiX64='syslinux.efi' }} -Menu 'Network Boot' -Prompt 'Press F8' -Timeout 00:00:05 -DiscoveryControl 3").AssertNoErrors();
        var server = Assert.Single(started.Output);
        Assert.Equal("ProxyDhcp", server.Properties["Role"].Value.ToString());
        try
        {
            Send(port, Packet(1, Mac(1), 0x5151, Opt(60, "PXEClient:Arch:00000:UNDI:002001"u8.ToArray()), Opt(93, [0, 0])));
            var offer = WaitForEvent(name, "ProxyOffer");
            Assert.Equal("52-54-00-00-00-01", offer.Properties["MacAddress"].Value?.ToString());
            Assert.Equal("Bios", offer.Properties["Architecture"].Value?.ToString()); // BIOS: a menu in option 43, the file comes from port 4011

            // A client that is not PXE is ignored, with the reason.
            Send(port, Packet(1, Mac(2), 0x5252, Opt(60, "MSFT 5.0"u8.ToArray())));
            var ignored = WaitForEvent(name, "Ignored");
            Assert.Contains("MSFT 5.0", ignored.Properties["Reason"].Value?.ToString(), StringComparison.Ordinal);
            var stats = host.Invoke($"(Get-PxeServer -Name {name}).GetStatistics()").AssertNoErrors().Output.Single();
            Assert.Equal(1L, Convert.ToInt64(stats.Properties["ProxyOffers"].Value));
        }
        finally
        {
            host.Invoke($"Stop-PxeServer -Name {name}").AssertNoErrors();
        }
    }

    [Fact]
    public void Full_mode_lease_is_listed_removed_with_WhatIf_and_for_real_and_reservations_come_from_a_pipeline()
    {
        string name = $"mt-dhcp-{_id}";
        int port = FreeUdpPort();
        host.Invoke(
            $"Start-PxeDhcpServer -Range 127.0.0.50,127.0.0.60 -SubnetMask 255.255.255.0 -LeaseTime 01:00:00 -Interface lo -Port {port} -DataDirectory $dir -Name {name} -BootFile @{{Bios='pxelinux.0'}}",
            new Dictionary<string, object?> { ["dir"] = _data }).AssertNoErrors();
        try
        {
            var mac = Mac(0x42);
            Send(port, Packet(1, mac, 0x7001, Opt(12, "mt-host"u8.ToArray())));
            var offer = WaitForEvent(name, "DhcpOffer");
            var offered = IPAddress.Parse(offer.Properties["IPAddress"].Value!.ToString()!);
            Send(port, Packet(3, mac, 0x7002, Opt(50, offered.GetAddressBytes()), Opt(54, [127, 0, 0, 1]), Opt(12, "mt-host"u8.ToArray())));
            WaitForEvent(name, "DhcpAck");

            var lease = Assert.Single(host.Invoke($"Get-PxeLease -Server {name} | Where-Object AddressState -eq Active").AssertNoErrors().Output);
            Assert.Equal(offered.ToString(), lease.Properties["IPAddress"].Value.ToString());
            Assert.Equal("52-54-00-00-00-42", lease.Properties["ClientId"].Value);
            Assert.Equal("mt-host", lease.Properties["HostName"].Value);
            Assert.Equal(name, lease.Properties["Server"].Value);
            Assert.Single(host.Invoke($"Get-PxeLease -Server {name} -ClientId 52:54:00:00:00:42").AssertNoErrors().Output);
            Assert.Equal("InvalidMacAddress", host.Invoke($"Get-PxeLease -Server {name} -ClientId zz").SingleError("InvalidMacAddress").FullyQualifiedErrorId.Split(',')[0]);

            // The journal on disk says the same without asking the server.
            var fromDisk = host.Invoke("Get-PxeLease -DataDirectory $dir -AddressState Active", new Dictionary<string, object?> { ["dir"] = _data }).AssertNoErrors().Output;
            Assert.Equal(offered.ToString(), Assert.Single(fromDisk).Properties["IPAddress"].Value.ToString());
            var noJournal = host.Invoke("Get-PxeLease -DataDirectory $dir", new Dictionary<string, object?> { ["dir"] = Directory.CreateDirectory(Path.Combine(_data, "no-journal")).FullName }).SingleError("LeaseNotFound");
            Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, noJournal.CategoryInfo.Category);

            host.Invoke($"Get-PxeLease -Server {name} -AddressState Active | Remove-PxeLease -WhatIf").AssertNoErrors();
            Assert.Single(host.Invoke($"Get-PxeLease -Server {name} -AddressState Active").AssertNoErrors().Output);
            var removed = host.Invoke($"Get-PxeLease -Server {name} -AddressState Active | Remove-PxeLease -PassThru -Confirm:$false").AssertNoErrors().Output;
            Assert.Single(removed);
            Assert.Empty(host.Invoke($"Get-PxeLease -Server {name} -IPAddress {offered}").AssertNoErrors().Output);
            host.Invoke($"Remove-PxeLease -IPAddress {offered} -Server {name}").SingleError("LeaseNotFound");

            // What Import-Csv gives: PSCustomObjects with string properties; one bad MAC does not stop the pipeline.
            var added = host.Invoke(
                $"[pscustomobject]@{{ IPAddress='127.0.0.70'; ClientId='52:54:00:AA:BB:01'; Name='r1'; Server='{name}' }}, " +
                $"[pscustomobject]@{{ IPAddress='127.0.0.71'; ClientId='not-a-mac'; Name='r2'; Server='{name}' }}, " +
                $"[pscustomobject]@{{ IPAddress='127.0.0.72'; MacAddress='5254.00aa.bb03'; Name='r3'; Server='{name}' }} | Add-PxeReservation -PassThru");
            Assert.Equal("InvalidMacAddress", added.SingleError("InvalidMacAddress").FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(["127.0.0.70", "127.0.0.72"], added.Output.Select(o => o.Properties["IPAddress"].Value.ToString()!).ToArray());
            Assert.Equal("52-54-00-aa-bb-01", added.Output[0].Properties["MacAddress"].Value);
            var reserved = host.Invoke($"Get-PxeLease -Server {name} -IPAddress 127.0.0.70").AssertNoErrors().Output;
            Assert.Equal("InactiveReservation", Assert.Single(reserved).Properties["AddressState"].Value.ToString());

            host.Invoke($"Add-PxeReservation -IPAddress 127.0.0.73 -ClientId 52-54-00-aa-bb-04 -Server {name} -WhatIf").AssertNoErrors();
            Assert.Empty(host.Invoke($"Get-PxeLease -Server {name} -IPAddress 127.0.0.73").AssertNoErrors().Output);

            // A reservation's own lease time (dnsmasq's dhcp-host=...,12h), from a CSV row's string; under a minute is InvalidParameter.
            var own = host.Invoke($"[pscustomobject]@{{ IPAddress='127.0.0.74'; ClientId='52-54-00-aa-bb-05'; LeaseDuration='12:00:00'; Server='{name}' }} | Add-PxeReservation -PassThru").AssertNoErrors().Output;
            Assert.Equal(TimeSpan.FromHours(12), Assert.Single(own).Properties["LeaseDuration"].Value);
            var listed = host.Invoke($"Get-PxeReservation -Server {name} -IPAddress 127.0.0.74").AssertNoErrors().Output;
            Assert.Equal(TimeSpan.FromHours(12), Assert.Single(listed).Properties["LeaseDuration"].Value);
            var tooShort = host.Invoke($"Add-PxeReservation -IPAddress 127.0.0.75 -ClientId 52-54-00-aa-bb-06 -LeaseDuration 00:00:30 -Server {name}").SingleError("InvalidParameter");
            Assert.Equal(ErrorCategory.InvalidArgument, tooShort.CategoryInfo.Category);
            Assert.Empty(host.Invoke($"Get-PxeReservation -Server {name} -IPAddress 127.0.0.75").AssertNoErrors().Output);
        }
        finally
        {
            host.Invoke($"Stop-PxeServer -Name {name}").AssertNoErrors();
        }
    }

    [Fact]
    public void WhatIf_starts_neither_server()
    {
        host.Invoke($"Start-PxeProxyDhcp -Interface lo -Port {FreeUdpPort()} -PxePort 0 -Name mt-wi-proxy-{_id} -WhatIf").AssertNoErrors();
        host.Invoke($"Start-PxeDhcpServer -Range 127.0.0.50,127.0.0.60 -Interface lo -Port {FreeUdpPort()} -DataDirectory $dir -Name mt-wi-dhcp-{_id} -WhatIf", new Dictionary<string, object?> { ["dir"] = _data }).AssertNoErrors();
        Assert.Empty(host.Invoke($"Get-PxeServer -Name 'mt-wi-*-{_id}'").AssertNoErrors().Output);
        Assert.False(File.Exists(Path.Combine(_data, "leases.journal")));
    }

    [Fact]
    public void A_port_in_use_is_a_PortInUse_error()
    {
        using var blocker = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)blocker.Client.LocalEndPoint!).Port;
        var error = host.Invoke($"Start-PxeProxyDhcp -Interface lo -Port {port} -PxePort 0 -Name mt-inuse-{_id}").SingleError("PortInUse");
        Assert.Contains($"port {port}", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Empty(host.Invoke($"Get-PxeServer -Name 'mt-inuse-{_id}*'").Output);
    }

    [Fact]
    public void A_range_outside_the_interface_subnet_is_a_RangeOutsideSubnet_error()
    {
        var error = host.Invoke(
            $"Start-PxeDhcpServer -Range 10.201.250.50,10.201.250.60 -Interface lo -Port {FreeUdpPort()} -DataDirectory $dir -Name mt-range-{_id}",
            new Dictionary<string, object?> { ["dir"] = _data }).SingleError("RangeOutsideSubnet");
        Assert.Contains("outside the subnet", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(host.Invoke($"Get-PxeServer -Name 'mt-range-{_id}*'").Output);
    }

    [Fact]
    public void Bad_parameters_are_clear_errors()
    {
        var arch = host.Invoke($"Start-PxeProxyDhcp -Interface lo -Port {FreeUdpPort()} -PxePort 0 -BootFile @{{ Bios='pxelinux.0'; Amiga='x' }}").SingleError("UnknownArchitecture");
        Assert.Contains("'Amiga'", arch.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("EfiArm64", arch.Exception.Message, StringComparison.Ordinal);
        host.Invoke($"Start-PxeProxyDhcp -Interface lo -Port {FreeUdpPort()} -PxePort 0 -Menu @{{ Label='x'; Bogus='y' }}").SingleError("UnknownArchitecture");
        // -Dhcp6 reads -BootFile through the same parser: the same id and message.
        foreach (var dhcp6 in new[] { "Start-PxeProxyDhcp -Dhcp6", "Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9" })
        {
            var arch6 = host.Invoke($"{dhcp6} -Interface lo -Port {FreeUdpPort()} -BootFile @{{ Bios='pxelinux.0'; Amiga='x' }} -WhatIf").SingleError("UnknownArchitecture");
            Assert.Equal(arch.Exception.Message, arch6.Exception.Message);
        }

        host.Invoke($"Start-PxeProxyDhcp -Interface nosuch-{_id[..4]} -Port {FreeUdpPort()} -PxePort 0").SingleError("InterfaceNotFound");
        var blocked = Path.Combine(_data, "a-file");
        File.WriteAllText(blocked, "not a directory");
        var storage = host.Invoke($"Start-PxeDhcpServer -Range 127.0.0.50,127.0.0.60 -Interface lo -Port {FreeUdpPort()} -DataDirectory $dir", new Dictionary<string, object?> { ["dir"] = Path.Combine(blocked, "leases") }).SingleError("LeaseStoreUnavailable");
        Assert.Equal(ErrorCategory.WriteError, storage.CategoryInfo.Category);
        host.Invoke($"Start-PxeDhcpServer -Range 127.0.0.60,127.0.0.50 -Interface lo -Port {FreeUdpPort()} -DataDirectory $dir", new Dictionary<string, object?> { ["dir"] = _data }).SingleError("InvalidParameter");
        host.Invoke($"Start-PxeDhcpServer -StartRange 127.0.0.50 -EndRange 127.0.0.60 -Reservation @{{ IPAddress='127.0.0.70'; ClientId='xx' }} -Interface lo -Port {FreeUdpPort()} -DataDirectory $dir", new Dictionary<string, object?> { ["dir"] = _data }).SingleError("InvalidMacAddress");
        host.Invoke($"Start-PxeDhcpServer -StartRange 127.0.0.50 -EndRange 127.0.0.60 -Reservation @{{ IPAddress='127.0.0.70'; ClientId='52-54-00-aa-bb-07'; LeaseDuration='soon' }} -Interface lo -Port {FreeUdpPort()} -DataDirectory $dir", new Dictionary<string, object?> { ["dir"] = _data }).SingleError("InvalidParameter");

        // A reservation field the model does not know is refused, as in a configuration file (it used to be ignored).
        var field = host.Invoke($"Start-PxeDhcpServer -StartRange 127.0.0.50 -EndRange 127.0.0.60 -Reservation ([pscustomobject]@{{ IPAddress='127.0.0.70'; ClientId='52-54-00-aa-bb-07'; Colour='blue' }}) -Interface lo -Port {FreeUdpPort()} -DataDirectory $dir", new Dictionary<string, object?> { ["dir"] = _data }).SingleError("InvalidParameter");
        Assert.Contains("'Colour' is not a reservation field", field.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCategory.InvalidArgument, field.CategoryInfo.Category);
        var server = host.Invoke($"Start-PxeServer -Root $dir -Dhcp -Range 127.0.0.50,127.0.0.60 -Reservation @{{ IPAddress='127.0.0.70'; MacAddress='52-54-00-aa-bb-07'; Colour='blue' }} -Interface lo -Port {FreeUdpPort()} -WhatIf", new Dictionary<string, object?> { ["dir"] = _data }).SingleError("InvalidParameter");
        Assert.Contains("'Colour' is not a reservation field", server.Exception.Message, StringComparison.Ordinal);

        // A reservation row with its own lease time is kept as given.
        string name = $"mt-res-lease-{_id}";
        host.Invoke($"Start-PxeDhcpServer -StartRange 127.0.0.50 -EndRange 127.0.0.60 -Reservation @{{ IPAddress='127.0.0.70'; ClientId='52-54-00-aa-bb-07'; LeaseDuration='2.00:00:00' }} -Interface lo -Port {FreeUdpPort()} -DataDirectory $dir -Name {name} | Out-Null", new Dictionary<string, object?> { ["dir"] = _data }).AssertNoErrors();
        try
        {
            var reservation = Assert.Single(host.Invoke($"Get-PxeReservation -Server {name}").AssertNoErrors().Output);
            Assert.Equal(TimeSpan.FromDays(2), reservation.Properties["LeaseDuration"].Value);
        }
        finally
        {
            host.Invoke($"Stop-PxeServer -Name {name}").AssertNoErrors();
        }
    }

    [Fact]
    public void Port_67_without_privilege_says_how_to_fix_it()
    {
        string pxeps = Path.Combine(ModuleHost.RepoRoot, "src", "PxePowerShell.Host", "bin", BuildConfiguration, "net10.0", "pxeps.dll");
        Assert.True(File.Exists(pxeps), pxeps);
        var result = ExternalProcess.Run(
            "setpriv",
            $"--reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all dotnet {pxeps} -Module {ModuleHost.ManifestPath} -Command \"Start-PxeProxyDhcp -Interface lo -Port 67 -PxePort 0\"",
            new Dictionary<string, string> { ["DOTNET_CLI_HOME"] = "/tmp", ["HOME"] = "/tmp", ["DOTNET_NOLOGO"] = "1", ["PXEPOWERSHELL_DATA"] = "/tmp/pxeps-nobody-" + _id });
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("PortAccessDenied", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("port 67 needs root or CAP_NET_BIND_SERVICE; use -Port or run elevated", result.StdErr, StringComparison.Ordinal);
    }

    private static string BuildConfiguration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static byte[] Mac(int n) => [0x52, 0x54, 0x00, (byte)(n >> 16), (byte)(n >> 8), (byte)n];

    private static (byte Code, byte[] Value) Opt(byte code, byte[] value) => (code, value);

    /// <summary>A BOOTREQUEST (RFC 2131) with option 53 = <paramref name="type"/> and the given options.</summary>
    private static byte[] Packet(byte type, byte[] mac, uint xid, params (byte Code, byte[] Value)[] options)
    {
        var p = new List<byte>(new byte[240]);
        p[0] = 1;
        p[1] = 1;
        p[2] = 6;
        p[4] = (byte)(xid >> 24);
        p[5] = (byte)(xid >> 16);
        p[6] = (byte)(xid >> 8);
        p[7] = (byte)xid;
        p[10] = 0x80;
        for (int i = 0; i < mac.Length; i++)
        {
            p[28 + i] = mac[i];
        }

        p[236] = 99;
        p[237] = 130;
        p[238] = 83;
        p[239] = 99;
        p.AddRange([53, 1, type]);
        foreach (var (code, value) in options)
        {
            p.Add(code);
            p.Add((byte)value.Length);
            p.AddRange(value);
        }

        p.Add(255);
        while (p.Count < 300)
        {
            p.Add(0);
        }

        return [.. p];
    }

    private void Send(int port, byte[] datagram) => _client.Send(datagram, datagram.Length, new IPEndPoint(IPAddress.Loopback, port));

    private PSObject WaitForEvent(string server, string kind)
    {
        PSObject? found = null;
        Assert.True(
            ExternalProcess.WaitUntil(() => (found = host.Invoke($"Get-PxeEvent -Server {server} -Kind {kind} -Newest 1").Output.SingleOrDefault()) is not null, TimeSpan.FromSeconds(15)),
            $"no {kind} event from {server}");
        return found!;
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    public void Dispose()
    {
        _client.Dispose();
        Directory.Delete(_data, recursive: true);
    }
}
