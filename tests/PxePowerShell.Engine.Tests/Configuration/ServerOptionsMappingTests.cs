using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Engine.Tests.Configuration;

/// <summary>
/// The one mapping from a configuration to the DHCPv4 and DHCPv6 servers' options, which Start-PxeServer (through
/// PxeServer) and Start-PxeDhcpServer both use: every setting arrives, so the two cannot drift apart.
/// </summary>
public sealed class ServerOptionsMappingTests
{
    private static readonly PxeServerConfiguration Configuration = new()
    {
        Name = "mapped",
        DhcpMode = DhcpMode.Dhcp,
        Interfaces = ["eth7"],
        Addresses = [IPAddress.Parse("192.0.2.1")],
        DhcpPort = 1067,
        ClientPort = 1068,
        RangeStart = IPAddress.Parse("192.0.2.100"),
        RangeEnd = IPAddress.Parse("192.0.2.150"),
        SubnetMask = IPAddress.Parse("255.255.255.128"),
        Router = [IPAddress.Parse("192.0.2.254")],
        DnsServers = [IPAddress.Parse("192.0.2.53"), IPAddress.Parse("fd00:77::53")],
        DomainName = "lab.example",
        LeaseDuration = TimeSpan.FromMinutes(42),
        DeclineProbation = TimeSpan.FromMinutes(17),
        DeclineLimit = 5,
        Reservations = [new DhcpReservation(IPAddress.Parse("192.0.2.20"), "52-54-00-12-34-56")],
        NoOverride = true,
        Dhcp6 = true,
        Dhcp6Port = 1547,
        Dhcp6RangeStart = IPAddress.Parse("fd00:77::100"),
        Dhcp6RangeEnd = IPAddress.Parse("fd00:77::1ff"),
        Dhcp6Reservations = [new Dhcp6Reservation(IPAddress.Parse("fd00:77::20"), null, "52-54-00-12-34-56")],
        TftpServer = IPAddress.Parse("192.0.2.69"),
    };

    [Fact]
    public void Every_DHCPv4_setting_reaches_the_servers_options()
    {
        var storage = new JournalLeaseStorage(Path.Combine(Path.GetTempPath(), "never-opened"));
        var boot = Configuration.BootOptions();

        var o = Configuration.DhcpServerOptions("/var/lib/x/leases", storage, boot);

        Assert.Equal(["eth7"], o.Interfaces);
        Assert.Equal([IPAddress.Parse("192.0.2.1")], o.Addresses);
        Assert.Equal((1067, 1068), (o.Port, o.ClientPort));
        Assert.Equal((IPAddress.Parse("192.0.2.100"), IPAddress.Parse("192.0.2.150")), (o.StartRange, o.EndRange));
        Assert.Equal(IPAddress.Parse("255.255.255.128"), o.SubnetMask);
        Assert.Equal(Configuration.Router, o.Router);
        Assert.Equal(Configuration.DnsServers, o.DnsServers); // IPv4 validation refuses the IPv6 one, as it always did
        Assert.Equal("lab.example", o.DomainName);
        Assert.Equal((TimeSpan.FromMinutes(42), TimeSpan.FromMinutes(17), 5), (o.LeaseDuration, o.DeclineProbation, o.DeclineLimit));
        Assert.Equal(Configuration.Reservations, o.Reservations);
        Assert.Equal("/var/lib/x/leases", o.DataDirectory);
        Assert.Same(storage, o.LeaseStorage);
        Assert.Same(boot, o.Boot);
        Assert.True(o.NoOverride);
        Assert.Null(o.HighAvailability);
        Assert.Null(Configuration.DhcpServerOptions("/d", null, null).Boot);
    }

    [Fact]
    public void Every_proxyDHCP_setting_reaches_the_servers_options()
    {
        var boot = Configuration.BootOptions();

        var o = (Configuration with { PxePort = 14011 }).ProxyDhcpServerOptions(boot);

        Assert.Equal(["eth7"], o.Interfaces);
        Assert.Equal([IPAddress.Parse("192.0.2.1")], o.Addresses);
        Assert.Equal((1067, 14011, 1068), (o.Port, o.PxePort, o.ClientPort));
        Assert.Same(boot, o.Boot);
        Assert.True(o.NoOverride);
    }

    [Fact]
    public void A_configuration_without_a_range_or_with_a_bad_group_makes_no_DHCPv4_options()
    {
        Assert.Throws<ArgumentException>(() => (Configuration with { RangeStart = null }).DhcpServerOptions("/d", null, null));
        var ex = Assert.Throws<PxeConfigurationException>(() => (Configuration with { HaPeers = ["a", "b"] }).DhcpServerOptions("/d", null, null));
        Assert.Equal(PxeErrorIds.SharedStoreRequired, ex.ErrorId);
    }

    [Fact]
    public void Every_DHCPv6_setting_reaches_the_servers_options_and_only_IPv6_addresses_are_named()
    {
        var storage = new JournalLeaseStorage(Path.Combine(Path.GetTempPath(), "never-opened-6"));

        var o = Configuration.Dhcp6ServerOptions("/var/lib/x/leases6", storage, Configuration.BootOptions());

        Assert.Equal(["eth7"], o.Interfaces);
        Assert.Equal(1547, o.Port);
        Assert.Equal((IPAddress.Parse("fd00:77::100"), IPAddress.Parse("fd00:77::1ff")), (o.StartRange, o.EndRange));
        Assert.Equal(Configuration.Dhcp6Reservations, o.Reservations);
        Assert.Equal([IPAddress.Parse("fd00:77::53")], o.DnsServers);
        // The decline probation was left at DHCPv6's own default before this mapping: -DeclineProbation reached DHCPv4 only.
        Assert.Equal((TimeSpan.FromMinutes(42), TimeSpan.FromMinutes(17), 5), (o.LeaseDuration, o.DeclineProbation, o.DeclineLimit));
        Assert.Equal("/var/lib/x/leases6", o.DataDirectory);
        Assert.Same(storage, o.LeaseStorage);
        Assert.Null(o.Boot.TftpServer); // an IPv4 next server means nothing to a DHCPv6 client
        Assert.Equal(IPAddress.Parse("fd00:77::69"), (Configuration with { TftpServer = IPAddress.Parse("fd00:77::69") }).Dhcp6ServerOptions("/d", null, Configuration.BootOptions() with { TftpServer = IPAddress.Parse("fd00:77::69") }).Boot.TftpServer);
        Assert.Empty(o.Validate());
    }

    [Fact]
    public void Boot_only_DHCPv6_keeps_no_lease_journal()
    {
        var bootOnly = Configuration with { Dhcp6RangeStart = null, Dhcp6RangeEnd = null };
        var storage = new JournalLeaseStorage(Path.Combine(Path.GetTempPath(), "never-opened-6b"));

        var o = bootOnly.Dhcp6ServerOptions("/var/lib/x/leases6", storage, bootOnly.BootOptions());

        Assert.Null(o.StartRange);
        Assert.Null(o.DataDirectory);
        Assert.Null(o.LeaseStorage);
    }
}
