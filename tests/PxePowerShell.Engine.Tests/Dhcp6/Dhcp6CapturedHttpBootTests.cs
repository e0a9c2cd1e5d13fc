using System.Net;
using System.Text;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Events;
using static PxePowerShell.Engine.Tests.Dhcp6.Dhcp6TestPackets;

namespace PxePowerShell.Engine.Tests.Dhcp6;

/// <summary>
/// OVMF's own HTTP boot over IPv6 (edk2 HttpBootDxe, the "UEFI HTTPv6" boot option of Debian's ovmf), captured with
/// tshark on the firmware lab's bridge (tests/e2e Ipv6BootTests' segment, fd00:21:99::/64) while it booted through the
/// module in full DHCPv6 mode with <c>Http = $true</c> and <c>EfiX64Http = 'snponly.efi'</c>: the HTTPClient Solicit,
/// the module's Advertise, the Request and the Reply (<c>ovmf-httpv6-exchange.pcap</c>). And the same driver in ARM64
/// UEFI (AAVMF, Debian's qemu-efi-aarch64, same edk2) on the same segment: its Solicit and Request
/// (<c>aavmf-httpv6-solicit-request.pcap</c>, answered by dnsmasq in the lab).
/// </summary>
public sealed class Dhcp6CapturedHttpBootTests
{
    /// <summary>The lab server: fd00:21:99::2 on an interface with MAC fa:58:a6:ef:2e:c3 (its DUID-LL).</summary>
    private static readonly IPAddress LabServer = IPAddress.Parse("fd00:21:99::2");
    private static readonly byte[] LabServerDuid = Dhcp6Duid.FromMacAddress([0xfa, 0x58, 0xa6, 0xef, 0x2e, 0xc3]);
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 7, 52, 0, TimeSpan.Zero);

    private static Dhcp6Responder LabResponder(ClientArchitecture architecture = ClientArchitecture.EfiX64Http, string file = "snponly.efi") => new(
        new Dhcp6ServerOptions
        {
            Boot = new PxeBootOptions
            {
                BootFiles = new Dictionary<ClientArchitecture, string> { [architecture] = file },
                HttpBootUrl = "http://{server}/", // Start-PxeServer -Http on port 80
                IpxeScript = "boot.ipxe",
            },
            StartRange = IPAddress.Parse("fd00:21:99::100"),
            EndRange = IPAddress.Parse("fd00:21:99::1ff"),
            LeaseDuration = TimeSpan.FromHours(12),
        },
        LabServerDuid);

    [Fact]
    public void Ovmfs_httpv6_solicit_and_request_decode_as_an_HTTP_boot_client_and_write_back_byte_for_byte()
    {
        var payloads = Dhcp6Vectors.Payloads("ovmf-httpv6-exchange.pcap");
        Assert.Equal(4, payloads.Count); // Solicit, Advertise, Request, Reply
        foreach (int i in new[] { 0, 2 })
        {
            Assert.True(Dhcp6Message.TryParse(payloads[i], out var message, out var error), error);
            Assert.Equal(i == 0 ? Dhcp6MessageType.Solicit : Dhcp6MessageType.Request, message!.MessageType);
            var r = Dhcp6Request.From(message);
            Assert.Equal("00-01-00-01-31-e8-a7-68-52-54-00-99-00-01", r.Duid); // DUID-LLT, as PXEv6
            Assert.Equal("52-54-00-99-00-01", r.MacAddress);
            Assert.Equal(ClientArchitecture.EfiX64Http, r.Architecture); // option 61 = 16
            Assert.Equal("HTTPClient:Arch:00016:UNDI:003000", r.VendorClass); // enterprise 343, as PXEv6's PXEClient
            Assert.True(r.IsHttpClient);
            Assert.False(r.IsPxeClient);
            Assert.Equal([59, 60, 23, 16], r.RequestedOptions);
            var ia = Assert.Single(r.IaNa);
            if (i == 0)
            {
                Assert.Empty(ia.Addresses); // IA_NA with T1/T2 infinite and no address, as PXEv6
                Assert.False(message.Contains(Dhcp6OptionCode.ServerId));
            }
            else
            {
                Assert.Equal(IPAddress.Parse("fd00:21:99::100"), Assert.Single(ia.Addresses).Address);
                Assert.Equal(LabServerDuid, message.ServerId.ToArray());
            }

            Assert.Equal(payloads[i], message.ToArray());
        }
    }

    [Fact]
    public void Replayed_the_exchange_gets_the_very_advertise_and_reply_with_the_http_url_and_HTTPClient()
    {
        var payloads = Dhcp6Vectors.Payloads("ovmf-httpv6-exchange.pcap");
        var responder = LabResponder();
        for (int i = 0; i < 4; i += 2)
        {
            Assert.True(Dhcp6Message.TryParse(payloads[i], out var question, out _));
            var answer = responder.Respond(question!, LabServer, Now);
            Assert.Equal(i == 0 ? PxeEventKind.DhcpOffer : PxeEventKind.DhcpAck, answer.Kind);
            Assert.Equal(payloads[i + 1], answer.Reply!.ToArray());
        }

        Assert.True(Dhcp6Message.TryParse(payloads[3], out var reply, out _));
        Assert.Equal("http://[fd00:21:99::2]/snponly.efi", Url(reply!));

        // edk2 takes an offer for HTTP boot only with HTTPClient 6 bytes into option 16, after the enterprise number
        // and the class length (RFC 8415's vendor class); without it the offer has no boot URI and HttpBootDxe aborts.
        Assert.True(reply!.TryGet(Dhcp6OptionCode.VendorClass, out var vendor));
        Assert.True(Dhcp6OptionValues.TryDecodeVendorClass(vendor.Span, out uint enterprise, out var classes));
        Assert.Equal(343u, enterprise);
        Assert.Equal(["HTTPClient"], classes);
        Assert.Equal("HTTPClient", Encoding.ASCII.GetString(vendor.Span[6..16]));
    }

    [Fact]
    public void Aavmfs_arm64_httpv6_solicit_is_architecture_19_and_gets_its_own_http_boot_file()
    {
        var payloads = Dhcp6Vectors.Payloads("aavmf-httpv6-solicit-request.pcap");
        Assert.Equal(2, payloads.Count); // Solicit, Request
        foreach (var payload in payloads)
        {
            Assert.True(Dhcp6Message.TryParse(payload, out var message, out var error), error);
            var r = Dhcp6Request.From(message!);
            Assert.Equal("52-54-00-99-00-02", r.MacAddress);
            Assert.Equal(ClientArchitecture.EfiArm64Http, r.Architecture); // option 61 = 19
            Assert.Equal("HTTPClient:Arch:00019:UNDI:003000", r.VendorClass);
            Assert.True(r.IsHttpClient);
            Assert.Equal([59, 60, 23, 16], r.RequestedOptions);
            Assert.Equal(payload, message!.ToArray());
        }

        Assert.True(Dhcp6Message.TryParse(payloads[0], out var solicit, out _));
        var answer = LabResponder(ClientArchitecture.EfiArm64Http, "arm64/snponly.efi").Respond(solicit!, LabServer, Now);
        Assert.Equal(PxeEventKind.DhcpOffer, answer.Kind);
        Assert.Equal("http://[fd00:21:99::2]/arm64/snponly.efi", Url(answer.Reply!));
        Assert.True(answer.Reply!.TryGet(Dhcp6OptionCode.VendorClass, out var vendor));
        Assert.Equal("HTTPClient", Encoding.ASCII.GetString(vendor.Span[6..16]));

        // With only the x64 HTTP file configured (the lab server's configuration), the ARM64 client is not sent the x64
        // binary but the policy's ARM64 default.
        var x64Only = LabResponder().Respond(solicit!, LabServer, Now);
        Assert.Equal("http://[fd00:21:99::2]/grubaa64.efi", Url(x64Only.Reply!));
    }
}
