using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Tests.Dhcp;

public sealed class PxeVendorOptionsTests
{
    // dnsmasq's option 43 from bios-dhcp-proxy-exchange.pcap
    private static readonly byte[] Dnsmasq = Convert.FromHexString("060103" + "0A0400505845" + "080780000 10A4D0002".Replace(" ", "", StringComparison.Ordinal) + "090F80000C4E6574776F726B20426F6F74" + "FF");

    [Fact]
    public void Decodes_dnsmasqs_menu()
    {
        Assert.True(PxeVendorOptions.TryDecode(Dnsmasq, out var o, out var error), error);
        Assert.Equal((byte)3, o!.DiscoveryControl);
        Assert.Equal((byte)0, o.PromptTimeout);
        Assert.Equal("PXE", o.PromptText);
        var server = Assert.Single(o.BootServers);
        Assert.Equal((ushort)0x8000, server.Type);
        Assert.Equal(IPAddress.Parse("10.77.0.2"), Assert.Single(server.Addresses));
        Assert.Equal(new PxeMenuItem(0x8000, "Network Boot"), Assert.Single(o.Menu));
    }

    [Fact]
    public void Encodes_byte_for_byte_like_dnsmasq() =>
        Assert.Equal(Dnsmasq, new PxeVendorOptions
        {
            DiscoveryControl = 3,
            PromptTimeout = 0,
            PromptText = "PXE",
            BootServers = [new PxeBootServer(0x8000, [IPAddress.Parse("10.77.0.2")])],
            Menu = [new PxeMenuItem(0x8000, "Network Boot")],
        }.Encode());

    [Fact]
    public void Boot_item_round_trips() =>
        Assert.Equal(new PxeBootItem(0x8001, 0x8000), PxeVendorOptions.TryDecode(new PxeVendorOptions { BootItem = new(0x8001, 0x8000) }.Encode(), out var o, out _) ? o!.BootItem : null);

    [Theory]
    [InlineData("0805800002")]
    [InlineData("0904800010")]
    [InlineData("06")]
    public void Truncated_sub_options_are_refused(string hex) =>
        Assert.False(PxeVendorOptions.TryDecode(Convert.FromHexString(hex), out _, out _));
}
