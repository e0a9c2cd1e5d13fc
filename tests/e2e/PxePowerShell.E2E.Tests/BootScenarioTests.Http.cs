namespace PxePowerShell.E2E.Tests;

/// <summary>
/// The HTTP paths: UEFI HTTP boot with OVMF's own HTTP stack (beside a router and in full DHCP mode), and dnsmasq with
/// nginx as the reference for them and for iPXE's script over HTTP.
/// </summary>
public sealed partial class BootScenarioTests
{
    private const int HttpPort = 8080;

    /// <summary>UEFI HTTP-boot clients load iPXE (snponly.efi, over the firmware's network stack), which gets the script.</summary>
    private const string HttpBootParameters = "-Http -HttpPort 8080 -IpxeScript boot.ipxe -BootFile @{ EfiX64Http = 'snponly.efi' }";

    [E2EFact]
    public void Uefi_HTTP_boot_with_OVMF_own_HTTP_stack_loads_iPXE_and_the_kernel_through_proxyDHCP_beside_a_router()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var server = lab.StartPxePowerShell($"{Entry("uefi-http")}\n{Server($"-ProxyDhcp {HttpBootParameters}")}");
        var elapsed = BootOverUefiHttp(lab, server, "uefi-http");

        // The HTTPClient DISCOVER got a proxy offer with the URL (edk2 takes the router's address and the proxy's URI).
        Assert.Matches(@"EVENT ProxyDhcp ProxyOffer\s+HTTP boot", server.Output);
        Record("UEFI OVMF HTTP boot (own HTTP stack), proxyDHCP, iPXE + script", "PxePowerShell", elapsed);
    }

    [E2EFact]
    public void Uefi_HTTP_boot_in_full_DHCP_mode()
    {
        using var lab = new FirmwareLab();
        var server = lab.StartPxePowerShell($"{Entry("uefi-http-dhcp")}\n{Server($"-Dhcp -Range {lab.Subnet}.100,{lab.Subnet}.150 {HttpBootParameters}")}");
        var elapsed = BootOverUefiHttp(lab, server, "uefi-http-dhcp");
        Assert.Contains("EVENT Dhcp DhcpAck", server.Output, StringComparison.Ordinal);
        Record("UEFI OVMF HTTP boot (own HTTP stack), full DHCP, iPXE + script", "PxePowerShell", elapsed);
    }

    [E2EFact]
    public void Reference_dnsmasq_and_nginx_UEFI_HTTP_boot_in_full_DHCP_mode()
    {
        // dnsmasq answers HTTPClient only as the DHCP server (its proxy mode is PXEClient-only): the usual recipe.
        using var http = IpxeReferenceRoot("uefi-http-dnsmasq", "snponly.efi");
        using var lab = new FirmwareLab();
        lab.StartNginx(http.Directory, HttpPort);
        string url = $"http://{lab.ServerAddress}:{HttpPort}";
        lab.StartDnsmasq(
            $"--dhcp-range={lab.Subnet}.100,{lab.Subnet}.150,1h --dhcp-vendorclass=set:efihttp,HTTPClient --dhcp-userclass=set:ipxe,iPXE " +
            $"--dhcp-option-force=tag:efihttp,60,HTTPClient --dhcp-boot=tag:efihttp,{url}/snponly.efi --dhcp-boot=tag:ipxe,{url}/boot.ipxe");
        var (_, elapsed) = lab.Boot(Firmware.UefiHttp, l => Marker(l, "uefi-http-dnsmasq"), BootTimeout, "UEFI HTTP boot guest marker (dnsmasq + nginx)");
        Record("UEFI OVMF HTTP boot (own HTTP stack), full DHCP, iPXE + script", "dnsmasq + nginx", elapsed);
        Assert.Contains("GET /snponly.efi", lab.NginxAccessLog, StringComparison.Ordinal);
    }

    [E2EFact]
    public void Reference_dnsmasq_and_nginx_give_iPXE_the_script_over_HTTP() =>
        BootThroughIpxeOverHttpWithDnsmasq(Firmware.Bios, "ipxe-http-dnsmasq", "iPXE ROM, proxyDHCP, HTTP script and kernel");

    [E2EFact]
    public void Reference_dnsmasq_and_nginx_give_OVMF_iPXE_the_script_over_HTTP() =>
        BootThroughIpxeOverHttpWithDnsmasq(Firmware.Uefi, "uefi-ipxe-dnsmasq", "UEFI OVMF (iPXE EFI), proxyDHCP, HTTP script and kernel");

    private void BootThroughIpxeOverHttpWithDnsmasq(Firmware firmware, string marker, string scenario)
    {
        using var http = IpxeReferenceRoot(marker);
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        lab.StartNginx(http.Directory, HttpPort);
        string script = $"http://{lab.ServerAddress}:{HttpPort}/boot.ipxe";
        lab.StartDnsmasq($"--dhcp-range={lab.Subnet}.0,proxy --dhcp-userclass=set:ipxe,iPXE --pxe-service=tag:ipxe,x86PC,iPXE,{script} --pxe-service=tag:ipxe,X86-64_EFI,iPXE,{script}");
        var (_, elapsed) = lab.Boot(firmware, l => Marker(l, marker), BootTimeout, $"{firmware} guest marker (dnsmasq + nginx)");
        Record(scenario, "dnsmasq + nginx", elapsed);
        Assert.Contains("GET /vmlinuz", lab.NginxAccessLog, StringComparison.Ordinal);
    }

    /// <summary>Boots OVMF's HTTP boot and checks it went firmware HTTP → snponly.efi → script → kernel, all over HTTP.</summary>
    private TimeSpan BootOverUefiHttp(FirmwareLab lab, Shell.Background server, string marker)
    {
        var (guest, elapsed) = lab.Boot(Firmware.UefiHttp, l => Marker(l, marker), BootTimeout, "UEFI HTTP boot guest marker");
        Assert.Contains("Start HTTP Boot over IPv4", guest.Output, StringComparison.Ordinal);
        Assert.Contains($"URI: http://{lab.ServerAddress}:{HttpPort}/snponly.efi", guest.Output, StringComparison.Ordinal);
        foreach (var file in new[] { "snponly.efi", "boot.ipxe", "vmlinuz", "initrd.img" })
        {
            Assert.Contains($"EVENT Http TransferCompleted {file} ", server.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("EVENT Tftp TransferCompleted", server.Output, StringComparison.Ordinal);
        return elapsed;
    }

    /// <summary>The kernel, initrd and the iPXE script PxePowerShell generates for the same entry, plus <paramref name="extra"/> boot files.</summary>
    private ReferenceRoot IpxeReferenceRoot(string marker, params string[] extra)
    {
        var http = new ReferenceRoot(root, ["vmlinuz", "initrd.img", .. extra]);
        http.Write("boot.ipxe", FirmwareLab.RunPxePowerShell($"{Entry(marker)}\nGet-PxeBootMenu -Format Ipxe"));
        return http;
    }
}
