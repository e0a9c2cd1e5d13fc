using System.Globalization;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// The DHCPv6 parameters of the cmdlets in a real runspace. The server listens on the host end of a veth pair
/// (its link-local address, an unprivileged port); a Python client in the lab's namespace sends a real Solicit (DUID-LL,
/// IA_NA, client architecture 7, PXEClient vendor class, Rapid Commit) to ff02::1:2 and prints the reply. The test reads
/// the outcome as a user would: Get-PxeLease, Get-PxeEvent, Get-PxeClient.
/// </summary>
[Collection(DhcpCmdletCollection.Name)]
public sealed class Dhcp6CmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    // argv: interface, port, hex message. Sends to ff02::1:2 (retrying each second) and prints the first reply as hex.
    private const string Client = """
import socket, sys, select
iface, port, message = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, iface.encode())
s.bind(('::', 0))
index = socket.if_nametoindex(iface)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
for attempt in range(10):
    s.sendto(message, ('ff02::1:2', port, 0, index))
    ready, _, _ = select.select([s], [], [], 1.0)
    if ready:
        print(s.recv(4096).hex(), flush=True)
        sys.exit(0)
sys.exit(1)
""";

    private readonly string _data = Directory.CreateTempSubdirectory("pxeps-dhcp6-").FullName;
    private readonly string _script = Path.Combine(Path.GetTempPath(), $"pxeps-dhcp6-client-{Guid.NewGuid():N}.py");
    private VethLab? _lab;

    [Fact]
    public void Start_PxeDhcpServer_Dhcp6_leases_an_ipv6_address_by_mac_reservation_that_Get_PxeLease_Get_PxeEvent_and_Get_PxeClient_show()
    {
        var lab = Lab();
        string name = $"mt-dhcp6-{lab.Id}";
        string mac = $"02-6a-{lab.Id[..2]}-{lab.Id[2..4]}-{lab.Id[4..6]}-01";
        var v = new Dictionary<string, object?> { ["iface"] = lab.HostInterface, ["dir"] = _data, ["mac"] = mac, ["port"] = Port() };
        var started = host.Invoke(
            "Start-PxeDhcpServer -Dhcp6 -Range fd00:6a::100,fd00:6a::1ff -Interface $iface -Port $port -DataDirectory $dir -Name " + name +
            " -Reservation @{ IPAddress = 'fd00:6a::20'; MacAddress = $mac } -BootFile @{ EfiX64 = 'ipxe.efi' }",
            v).AssertNoErrors().Output.Single();
        Assert.Equal("Dhcp6", started.Properties["Role"].Value);
        try
        {
            string reply = Solicit(lab, (int)v["port"]!, mac);
            Assert.Equal("07", reply[..2]); // Reply (Rapid Commit)
            Assert.Contains("fd00006a000000000000000000000020", reply, StringComparison.Ordinal); // the reserved address in the IA_NA
            Assert.Contains(Convert.ToHexString("tftp://["u8).ToLowerInvariant(), reply, StringComparison.Ordinal);

            var lease = host.Invoke($"Get-PxeLease -Server {name} | Where-Object AddressState -eq Active").AssertNoErrors().Output.Single();
            Assert.Equal("fd00:6a::20", lease.Properties["IPAddress"].Value.ToString());
            Assert.Equal(mac, lease.Properties["MacAddress"].Value);
            Assert.Equal("00-03-00-01-" + mac, lease.Properties["Duid"].Value);
            Assert.Equal(11u, (uint)lease.Properties["Iaid"].Value);
            Assert.Equal(name, lease.Properties["Server"].Value);
            Assert.Single(host.Invoke($"Get-PxeLease -Server {name} -Duid 00030001{mac.Replace("-", string.Empty, StringComparison.Ordinal)}").AssertNoErrors().Output);
            Assert.Single(host.Invoke($"Get-PxeLease -Server {name} -MacAddress {mac.Replace('-', ':')}").AssertNoErrors().Output);
            Assert.Equal("InvalidParameter", host.Invoke($"Get-PxeLease -Server {name} -Duid zz").SingleError("InvalidParameter").FullyQualifiedErrorId.Split(',')[0]);

            var ack = host.Invoke($"Get-PxeEvent -Server {name} -Kind DhcpAck").AssertNoErrors().Output.Last();
            Assert.Equal("Dhcp6", ack.Properties["Protocol"].Value.ToString());
            Assert.Equal("00-03-00-01-" + mac, ack.Properties["Duid"].Value);
            Assert.Equal("fd00:6a::20", ack.Properties["IPAddress"].Value.ToString());
            Assert.True(
                ExternalProcess.WaitUntil(() => host.Invoke($"Get-PxeClient -MacAddress {mac}").Output.Count == 1, TimeSpan.FromSeconds(10)),
                "the IPv6 client is not in the inventory");
            var client = host.Invoke($"Get-PxeClient -MacAddress {mac}").AssertNoErrors().Output.Single();
            Assert.Equal("EfiX64", client.Properties["Architecture"].Value?.ToString());
        }
        finally
        {
            host.Invoke($"Stop-PxeServer -Name {name}").AssertNoErrors();
        }

        // The journal on disk lists the IPv6 lease too.
        var fromDisk = host.Invoke("Get-PxeLease -DataDirectory $dir -AddressState Active", new Dictionary<string, object?> { ["dir"] = _data }).AssertNoErrors().Output;
        Assert.Equal(mac, Assert.Single(fromDisk).Properties["MacAddress"].Value);
    }

    [Fact]
    public void Start_PxeServer_NoDhcp_Dhcp6Range_serves_an_ipv6_only_segment_with_a_bracketed_boot_url()
    {
        var lab = Lab();
        string name = $"mt-pxe6-{lab.Id}";
        string mac = $"02-6b-{lab.Id[..2]}-{lab.Id[2..4]}-{lab.Id[4..6]}-02";
        var v = new Dictionary<string, object?> { ["iface"] = lab.HostInterface, ["dir"] = _data, ["root"] = ModuleHost.SampleRoot, ["port"] = Port() };
        var started = host.Invoke(
            "Start-PxeServer -NoDhcp -Dhcp6Range fd00:6b::100,fd00:6b::1ff -Dhcp6Port $port -Root $root -Interface $iface -TftpPort 0 -DataDirectory $dir -ConflictCheckTimeout 0 -BootFile @{ EfiX64 = 'ipxe.efi' } -Name " + name,
            v).AssertNoErrors().Output.Single();
        try
        {
            Assert.Contains(host.Invoke($"(Get-PxeServer -Name {name}).Services.Role").AssertNoErrors().Output, r => r.ToString() == "Dhcp6");
            string reply = Solicit(lab, (int)v["port"]!, mac);
            Assert.Equal("07", reply[..2]);
            string url = System.Text.Encoding.ASCII.GetString(Convert.FromHexString(reply));
            Assert.Matches(@"tftp://\[fe80::[0-9a-f:]+\]/ipxe\.efi", url); // link-local (no global address on the veth), no zone id
            var lease = host.Invoke($"Get-PxeLease -Server {name}").AssertNoErrors().Output.Single();
            Assert.StartsWith("fd00:6b::1", lease.Properties["IPAddress"].Value.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            host.Invoke($"Stop-PxeServer -Name {name}").AssertNoErrors();
        }

        Assert.NotNull(started);
    }

    [Theory]
    [InlineData("Start-PxeDhcpServer -Dhcp6 -Range 10.0.0.1,10.0.0.9 -WhatIf", "IPv6AddressRequired")]
    [InlineData("Start-PxeDhcpServer -Dhcp6 -Range fd00::9,fd00::1 -WhatIf", "InvalidParameter")]
    [InlineData("Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00:1::9 -WhatIf", "InvalidParameter")]
    [InlineData("Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -SubnetMask 255.255.255.0 -WhatIf", "InvalidParameter")]
    [InlineData("Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -Reservation @{ IPAddress = 'fd00::5' } -WhatIf", "InvalidParameter")]
    [InlineData("Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -Reservation @{ IPAddress = '10.0.0.5'; Duid = '000300015254' } -WhatIf", "IPv6AddressRequired")]
    [InlineData("Start-PxeDhcpServer -Range fd00::1,fd00::9 -WhatIf", "IPv4AddressRequired")]
    [InlineData("Start-PxeProxyDhcp -Dhcp6 -Menu 'Boot' -WhatIf", "InvalidParameter")]
    [InlineData("Start-PxeProxyDhcp -Dhcp6 -BootFile @{ Pdp11 = 'x.efi' } -WhatIf", "UnknownArchitecture")]
    [InlineData("Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -BootFile @{ Pdp11 = 'x.efi' } -WhatIf", "UnknownArchitecture")]
    [InlineData("Start-PxeServer -Root / -Dhcp6Range 10.0.0.1,10.0.0.9 -WhatIf", "IPv6AddressRequired")]
    [InlineData("Start-PxeServer -Root / -Dhcp6Range fd00::1,fd00:2::9 -WhatIf", "InvalidParameter")]
    [InlineData("Start-PxeServer -Root / -Dhcp6 -Dhcp6Reservation @{ IPAddress = 'fd00::5'; MacAddress = '52-54-00-00-00-01' } -WhatIf", "InvalidParameter")]
    [InlineData("Start-PxeServer -Root / -Dhcp6Range fd00::1,fd00::9 -Dhcp6Reservation @{ IPAddress = 'fd00::5'; Duid = 'xyz' } -WhatIf", "InvalidParameter")]
    [InlineData("Add-PxeReservation -IPAddress fd00::5 -Duid zz -WhatIf", "InvalidParameter")]
    [InlineData("Add-PxeReservation -IPAddress 10.0.0.5 -Duid 000300015254 -WhatIf", "InvalidParameter")]
    [InlineData("Add-PxeReservation -IPAddress fd00::5 -Duid 000300015254 -LeaseDuration 1:00:00 -WhatIf", "InvalidParameter")]
    [InlineData("Remove-PxeReservation -Duid zz -WhatIf", "InvalidParameter")]
    public void Bad_ipv6_parameters_are_clear_errors(string command, string errorId)
    {
        var error = host.Invoke(command).SingleError(errorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }

    [Theory]
    [InlineData("Add-PxeReservation -IPAddress fd00::5 -ClientId 52-54-00-00-00-01 -WhatIf")]
    [InlineData("Add-PxeReservation -IPAddress fd00::5 -Duid 000300015254 -WhatIf")]
    [InlineData("Remove-PxeLease -IPAddress fd00::5 -WhatIf")]
    [InlineData("Remove-PxeReservation -IPAddress fd00::5 -WhatIf")]
    [InlineData("Remove-PxeReservation -Duid 000300015254 -WhatIf")]
    public void An_ipv6_change_without_a_dhcp6_server_is_ServerNotFound(string command)
    {
        // Before: IPv4AddressRequired, whatever ran. Now the change goes to the session's DHCPv6 server, and there is none.
        var error = host.Invoke(command).SingleError("ServerNotFound");
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Contains("no DHCPv6 server with a range runs", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reservations_and_leases_of_a_running_dhcp6_server_are_added_and_removed_by_ipv6_address_and_duid()
    {
        var lab = Lab();
        string name = $"mt-dhcp6r-{lab.Id}";
        string mac = $"02-6c-{lab.Id[..2]}-{lab.Id[2..4]}-{lab.Id[4..6]}-01";
        string duid = "00-03-00-01-" + mac;
        var v = new Dictionary<string, object?> { ["iface"] = lab.HostInterface, ["dir"] = _data, ["mac"] = mac, ["duid"] = duid, ["port"] = Port() };
        host.Invoke(
            "Start-PxeDhcpServer -Dhcp6 -Range fd00:6c::100,fd00:6c::1ff -Interface $iface -Port $port -DataDirectory $dir -Name " + name + " -BootFile @{ EfiX64 = 'ipxe.efi' }",
            v).AssertNoErrors();
        try
        {
            // A lease from the range first, over a real socket.
            string first = Solicit(lab, (int)v["port"]!, mac);
            Assert.Contains("fd00006c000000000000000000000100", first, StringComparison.Ordinal);

            // Reserving the address the client holds for someone else is refused, as for DHCPv4.
            var conflict = host.Invoke("Add-PxeReservation -IPAddress fd00:6c::100 -ClientId 52-54-00-99-99-99 -Server " + name, v).SingleError("ReservationConflict");
            Assert.Contains("remove the lease first", conflict.Exception.Message, StringComparison.Ordinal);

            // -WhatIf changes nothing; then the reservation by DUID, listed by Get-PxeReservation.
            host.Invoke("Add-PxeReservation -IPAddress fd00:6c::20 -Duid $duid -Name rack4 -WhatIf", v).AssertNoErrors();
            Assert.Empty(host.Invoke("Get-PxeReservation -Server " + name).AssertNoErrors().Output);
            var added = host.Invoke("Add-PxeReservation -IPAddress fd00:6c::20 -Duid $duid -Name rack4 -PassThru", v).AssertNoErrors().Output.Single();
            Assert.Equal(duid, added.Properties["Duid"].Value);
            var listed = host.Invoke($"Get-PxeReservation -Duid {duid.Replace("-", string.Empty, StringComparison.Ordinal)}").AssertNoErrors().Output.Single();
            Assert.Equal(("fd00:6c::20", "rack4", name), (listed.Properties["IPAddress"].Value.ToString(), listed.Properties["Name"].Value, listed.Properties["Server"].Value));

            // The old lease removed (pipeline from Get-PxeLease), the client now gets its reserved address.
            var removed = host.Invoke($"Get-PxeLease -Server {name} | Where-Object IPAddress -eq 'fd00:6c::100' | Remove-PxeLease -PassThru -Confirm:$false").AssertNoErrors().Output.Single();
            Assert.Equal(duid, removed.Properties["Duid"].Value);
            Assert.Empty(host.Invoke($"Get-PxeLease -Server {name} | Where-Object IPAddress -eq 'fd00:6c::100'").AssertNoErrors().Output);
            string second = Solicit(lab, (int)v["port"]!, mac);
            Assert.Contains("fd00006c000000000000000000000020", second, StringComparison.Ordinal);
            Assert.Equal("LeaseNotFound", host.Invoke("Remove-PxeLease -IPAddress fd00:6c::100 -Confirm:$false").SingleError("LeaseNotFound").FullyQualifiedErrorId.Split(',')[0]);

            // A name that is no running DHCPv6 server is ServerNotFound.
            host.Invoke("Remove-PxeReservation -IPAddress fd00:6c::20 -Server nosuch -Confirm:$false").SingleError("ServerNotFound");

            // Removed by DUID; Get-PxeReservation lists nothing, and a second removal is ReservationNotFound.
            var gone = host.Invoke("Remove-PxeReservation -Duid $duid -PassThru -Confirm:$false", v).AssertNoErrors().Output.Single();
            Assert.Equal("fd00:6c::20", gone.Properties["IPAddress"].Value.ToString());
            Assert.Empty(host.Invoke("Get-PxeReservation -Server " + name).AssertNoErrors().Output);
            host.Invoke("Remove-PxeReservation -IPAddress fd00:6c::20 -Confirm:$false").SingleError("ReservationNotFound");

            // By MAC, kept in the journal: after a restart the server still has it.
            host.Invoke("Add-PxeReservation -IPAddress fd00:6c::21 -ClientId $mac", v).AssertNoErrors();
        }
        finally
        {
            host.Invoke($"Stop-PxeServer -Name {name}").AssertNoErrors();
        }

        var stored = host.Invoke(
            "Start-PxeDhcpServer -Dhcp6 -Range fd00:6c::100,fd00:6c::1ff -Interface $iface -Port $port -DataDirectory $dir -Name " + name + " -BootFile @{ EfiX64 = 'ipxe.efi' }",
            v);
        try
        {
            stored.AssertNoErrors();
            var kept = host.Invoke("Get-PxeReservation -Server " + name).AssertNoErrors().Output.Single();
            Assert.Equal(("fd00:6c::21", mac), (kept.Properties["IPAddress"].Value.ToString(), kept.Properties["MacAddress"].Value));
            Assert.Contains("fd00006c000000000000000000000021", Solicit(lab, (int)v["port"]!, mac), StringComparison.Ordinal);
        }
        finally
        {
            host.Invoke($"Stop-PxeServer -Name {name}").AssertNoErrors();
        }
    }

    [Theory]
    [InlineData("IPv6AddressRequired", "Start-PxeDhcpServer -Dhcp6 -Range 10.0.0.1,10.0.0.9", "Start-PxeServer -Root / -Dhcp6Range 10.0.0.1,10.0.0.9")]
    [InlineData("IPv6AddressRequired", "Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -TftpServer 10.0.0.1", "Start-PxeProxyDhcp -Dhcp6 -TftpServer 10.0.0.1")]
    [InlineData("IPv6AddressRequired", "Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -DnsServer 10.0.0.53", "Start-PxeDhcpServer -Dhcp6 -StartRange 10.0.0.53 -EndRange fd00::9")]
    [InlineData("IPv6AddressRequired", "Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -Reservation @{ IPAddress = '10.0.0.5'; Duid = '000300015254' }", "Start-PxeServer -Root / -Dhcp6Range fd00::1,fd00::9 -Dhcp6Reservation @{ IPAddress = '10.0.0.5'; Duid = '000300015254' }")]
    [InlineData("UnknownArchitecture", "Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -BootFile @{ Pdp11 = 'x.efi' }", "Start-PxeProxyDhcp -Dhcp6 -BootFile @{ Pdp11 = 'x.efi' }", "Start-PxeServer -Root / -Dhcp6 -BootFile @{ Pdp11 = 'x.efi' }")]
    [InlineData("InvalidParameter", "Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -Reservation @{ IPAddress = 'fd00::5'; Duid = 'xyz' }", "Start-PxeServer -Root / -Dhcp6Range fd00::1,fd00::9 -Dhcp6Reservation @{ IPAddress = 'fd00::5'; Duid = 'xyz' }")]
    [InlineData("InvalidParameter", "Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00:2::9", "Start-PxeServer -Root / -Dhcp6Range fd00::1,fd00:2::9")]
    [InlineData("InvalidParameter", "Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -HaPeers a,b", "Start-PxeProxyDhcp -Dhcp6 -Prompt Boot", "Start-PxeProxyDhcp -Dhcp6 -DiscoveryControl 3")]
    public void A_bad_dhcpv6_setting_is_the_same_error_from_every_start_cmdlet(string errorId, params string[] commands)
    {
        // One parser: the same ErrorId and category, and the same words after the name the setting was given under.
        var errors = commands.Select(c => host.Invoke(c + " -WhatIf").SingleError(errorId)).ToList();
        static string Said(string message) => message[message.IndexOf(' ', StringComparison.Ordinal)..];
        Assert.All(errors, e => Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
        Assert.All(errors, e => Assert.Equal(Said(errors[0].Exception.Message), Said(e.Exception.Message)));
    }

    [Theory]
    [InlineData("Start-PxeDhcpServer -Dhcp6 -Range fd00::1,fd00::9 -Reservation @{ IPAddress = 'fd00::5'; Duid = '000300015254'; Colour = 'blue' } -WhatIf")]
    [InlineData("Start-PxeServer -Root / -Dhcp6Range fd00::1,fd00::9 -Dhcp6Reservation @{ IPAddress = 'fd00::5'; Duid = '000300015254'; Colour = 'blue' } -WhatIf")]
    [InlineData("Start-PxeDhcpServer -Range 10.0.0.1,10.0.0.9 -Reservation @{ IPAddress = '10.0.0.5'; MacAddress = '52-54-00-00-00-01'; Colour = 'blue' } -WhatIf")]
    public void An_unknown_reservation_field_is_refused_the_same_way_by_every_start_cmdlet(string command)
    {
        // Before: Start-PxeDhcpServer -Dhcp6 had its own parser, which ignored the field and started the server.
        var error = host.Invoke(command).SingleError("InvalidParameter");
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains("'Colour' is not a reservation field", error.Exception.Message, StringComparison.Ordinal);
    }

    private VethLab Lab()
    {
        var lab = _lab = new VethLab("p6", "10.206");
        string client = $"p6c{lab.Id}";
        bool Ready(string command) => ExternalProcess.Run("ip", $"{command} tentative").StdOut.Trim().Length == 0
            && ExternalProcess.Run("ip", $"{command} scope link").StdOut.Contains("fe80", StringComparison.Ordinal);
        Assert.True(
            ExternalProcess.WaitUntil(() => Ready($"-6 addr show dev {lab.HostInterface}") && Ready($"netns exec {lab.Namespace} ip -6 addr show dev {client}"), TimeSpan.FromSeconds(15)),
            "the link-local addresses stayed tentative");
        File.WriteAllText(_script, Client);
        return lab;
    }

    /// <summary>A PXE Solicit from the lab's namespace (DUID-LL of <paramref name="mac"/>, IAID 11, Rapid Commit); the reply as hex.</summary>
    private string Solicit(VethLab lab, int port, string mac)
    {
        string duid = "00030001" + mac.Replace("-", string.Empty, StringComparison.Ordinal);
        string vendor = Convert.ToHexString("PXEClient:Arch:00007:UNDI:003000"u8);
        string message = "01" + "a1b2c3"
            + "0001" + "000a" + duid
            + "0008" + "0002" + "0000"
            + "0003" + "000c" + "0000000b" + "00000000" + "00000000"
            + "0006" + "0004" + "003b" + "003c"
            + "003d" + "0002" + "0007"
            + "0010" + (4 + 2 + (vendor.Length / 2)).ToString("x4", CultureInfo.InvariantCulture) + "00000157" + (vendor.Length / 2).ToString("x4", CultureInfo.InvariantCulture) + vendor
            + "000e" + "0000";
        var (code, output, error) = ExternalProcess.Run("ip", $"netns exec {lab.Namespace} python3 {_script} p6c{lab.Id} {port} {message}");
        Assert.True(code == 0, $"no reply from the DHCPv6 server: {error}");
        return output.Trim();
    }

    private static int Port() => Random.Shared.Next(20000, 40000);

    public void Dispose()
    {
        _lab?.Dispose();
        File.Delete(_script);
        Directory.Delete(_data, recursive: true);
    }
}
