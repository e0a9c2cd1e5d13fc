using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// OVMF booting over IPv6 only (its IPv4 stack off, no IPv4 address on the segment, no router): its own PXE over IPv6
/// (DHCPv6 with the boot-file URL, TFTP over IPv6) loads GRUB, GRUB the generated grub.cfg, the kernel and the initramfs
/// over TFTP on IPv6; through the module in full DHCPv6 mode and through dnsmasq as the reference. Its own HTTP boot over
/// IPv6 (PXE off as well) loads iPXE (snponly.efi) over HTTP on IPv6, which asks DHCPv6 again once a router advertisement
/// allows it and gets the script, the kernel and the initramfs over HTTP on IPv6.
/// </summary>
public sealed class Ipv6BootTests(BootRoot root, ITestOutputHelper output) : IClassFixture<BootRoot>
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(6); // TCG on a shared CI machine: GRUB reads the kernel over TFTP

    private const int HttpPort = 8080;

    private static string Entry(string marker) =>
        $"New-PxeBootEntry -Name e2e -Label 'E2E {marker}' -Kernel vmlinuz -Initrd initrd.img -Arguments 'console=ttyS0 marker={marker} panic=-1' -Default | Out-Null";

    private static bool Marker(string line, string marker) =>
        line.Contains(BootRoot.MarkerPrefix, StringComparison.Ordinal) && line.Contains("marker=" + marker, StringComparison.Ordinal);

    /// <summary>A lab with nothing but IPv6 on the segment.</summary>
    private static FirmwareLab Ipv6Lab()
    {
        var lab = new FirmwareLab();
        try
        {
            lab.UseIpv6Only();
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts the module in full DHCPv6 mode (no DHCPv4, range <c>:100</c>-<c>:1ff</c> of the lab's prefix) with
    /// <paramref name="settings"/> added to its configuration file, and the entry of <paramref name="marker"/> as the
    /// default; every event it writes is a line <c>EVENT protocol kind path error reason</c> of its output.
    /// </summary>
    private Shell.Background StartModule(FirmwareLab lab, string marker, string settings)
    {
        string configuration = lab.WriteFile($"{marker}.psd1", $$"""
            @{
                Root = '{{root.Directory}}'
                DhcpMode = 'None'
                Interfaces = @('eth0')
                Dhcp6 = $true
                Dhcp6RangeStart = '{{lab.Prefix6}}:100'
                Dhcp6RangeEnd = '{{lab.Prefix6}}:1ff'
            {{settings}}
            }
            """);
        return lab.StartPxePowerShell(
            $"{Entry(marker)}\nStart-PxeServer -ConfigurationPath '{configuration}' -Name e2e -Wait | ForEach-Object {{ \"EVENT $($_.Protocol) $($_.Kind) $($_.Path) $($_.Error) $($_.Reason)\" }}");
    }

    [E2EFact]
    public void Uefi_PXE_over_IPv6_boots_GRUB_and_the_kernel_through_full_DHCPv6()
    {
        using var lab = Ipv6Lab();
        var server = StartModule(lab, "uefi-pxe6", "    BootFiles = @{ EfiX64 = 'grubx64.efi' }");
        var (guest, elapsed) = lab.Boot(Firmware.UefiPxe6, l => Marker(l, "uefi-pxe6"), BootTimeout, "PXEv6 guest marker");
        BootTimes.Record(output, "UEFI OVMF PXE over IPv6 only, full DHCPv6, GRUB + generated grub.cfg", "PxePowerShell", elapsed);

        Assert.Contains("Start PXE over IPv6", guest.Output, StringComparison.Ordinal);
        Assert.Contains($"Server IP address is {lab.ServerAddress6.ToUpperInvariant().Replace("::", ":0:0:0:0:", StringComparison.Ordinal)}", guest.Output, StringComparison.Ordinal);
        Assert.Contains("EVENT Dhcp6 DhcpAck", server.Output, StringComparison.Ordinal);
        foreach (var file in new[] { "grubx64.efi", "grub/grub.cfg", "vmlinuz", "initrd.img" })
        {
            Assert.Contains($"EVENT Tftp TransferCompleted {file} ", server.Output, StringComparison.Ordinal);
        }
    }

    [E2EFact]
    public void Reference_dnsmasq_boots_the_same_guest_over_IPv6()
    {
        using var tftp = new ReferenceRoot(root, "grubx64.efi", "vmlinuz", "initrd.img");
        tftp.Write("grub/grub.cfg", FirmwareLab.RunPxePowerShell($"{Entry("uefi-pxe6-dnsmasq")}\nGet-PxeBootMenu -Format Grub"));
        using var lab = Ipv6Lab();
        var dnsmasq = lab.StartDnsmasq(
            $"--dhcp-range={lab.Prefix6}:100,{lab.Prefix6}:1ff,64,1h --dhcp-option=option6:bootfile-url,tftp://[{lab.ServerAddress6}]/grubx64.efi " +
            $"--enable-tftp --tftp-root={tftp.Directory}");
        var (_, elapsed) = lab.Boot(Firmware.UefiPxe6, l => Marker(l, "uefi-pxe6-dnsmasq"), BootTimeout, "PXEv6 guest marker (dnsmasq)");
        BootTimes.Record(output, "UEFI OVMF PXE over IPv6 only, full DHCPv6, GRUB + generated grub.cfg", "dnsmasq", elapsed);
        Assert.Contains("DHCPREPLY", dnsmasq.Output, StringComparison.Ordinal);
    }

    [E2EFact]
    public void Uefi_HTTP_boot_over_IPv6_loads_iPXE_the_script_and_the_kernel_over_HTTP_through_full_DHCPv6()
    {
        using var lab = Ipv6Lab();
        lab.StartRadvd(); // for iPXE, which asks DHCPv6 only after an RA; the firmware's HTTP boot needs none
        var server = StartModule(lab, "uefi-http6", $$"""
                Http = $true
                HttpPort = {{HttpPort}}
                IpxeScript = 'boot.ipxe'
                BootFiles = @{ EfiX64Http = 'snponly.efi' }
            """);
        var (guest, elapsed) = lab.Boot(Firmware.UefiHttp6, l => Marker(l, "uefi-http6"), BootTimeout, "HTTPv6 guest marker");
        BootTimes.Record(output, "UEFI OVMF HTTP boot over IPv6 only, full DHCPv6 + RA, iPXE + script", "PxePowerShell", elapsed);

        Assert.Contains("Start HTTP Boot over IPv6", guest.Output, StringComparison.Ordinal);
        Assert.Contains($"URI: http://[{lab.ServerAddress6}]:{HttpPort}/snponly.efi", guest.Output, StringComparison.Ordinal);
        Assert.Contains($"http://[{lab.ServerAddress6}]:{HttpPort}/boot.ipxe... ok", guest.Output, StringComparison.Ordinal);
        Assert.Matches(@"EVENT Dhcp6 DhcpAck\s+HTTP boot", server.Output);
        Assert.Matches(@"EVENT Dhcp6 DhcpAck\s+iPXE client", server.Output);
        foreach (var file in new[] { "snponly.efi", "boot.ipxe", "vmlinuz", "initrd.img" })
        {
            Assert.Contains($"EVENT Http TransferCompleted {file} ", server.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("EVENT Tftp TransferCompleted", server.Output, StringComparison.Ordinal);
    }

    [E2EFact]
    public void Reference_dnsmasq_and_nginx_HTTP_boot_the_same_guest_over_IPv6()
    {
        using var http = new ReferenceRoot(root, "snponly.efi", "vmlinuz", "initrd.img");
        http.Write("boot.ipxe", FirmwareLab.RunPxePowerShell($"{Entry("uefi-http6-dnsmasq")}\nGet-PxeBootMenu -Format Ipxe"));
        using var lab = Ipv6Lab();
        lab.StartNginx(http.Directory, lab.ServerAddress6, HttpPort);
        string url = $"http://[{lab.ServerAddress6}]:{HttpPort}";
        // dnsmasq writes option 16 as a length-prefixed string with no enterprise number; edk2 reads the class 6 bytes
        // into the option (after an enterprise number and a length), so 4 filler characters put HTTPClient where it looks.
        var dnsmasq = lab.StartDnsmasq(
            $"--enable-ra --dhcp-range={lab.Prefix6}:100,{lab.Prefix6}:1ff,64,1h " +
            "--dhcp-vendorclass=set:efihttp,enterprise:343,HTTPClient --dhcp-userclass=set:ipxe,iPXE --dhcp-option=tag:efihttp,option6:16,edk2HTTPClient " +
            $"--dhcp-option=tag:efihttp,option6:bootfile-url,{url}/snponly.efi --dhcp-option=tag:ipxe,option6:bootfile-url,{url}/boot.ipxe");
        var (_, elapsed) = lab.Boot(Firmware.UefiHttp6, l => Marker(l, "uefi-http6-dnsmasq"), BootTimeout, "HTTPv6 guest marker (dnsmasq + nginx)");
        BootTimes.Record(output, "UEFI OVMF HTTP boot over IPv6 only, full DHCPv6 + RA, iPXE + script", "dnsmasq (enable-ra) + nginx", elapsed);
        Assert.Contains("DHCPREPLY", dnsmasq.Output, StringComparison.Ordinal);
        Assert.Contains("GET /snponly.efi", lab.NginxAccessLog, StringComparison.Ordinal);
        Assert.Contains("GET /vmlinuz", lab.NginxAccessLog, StringComparison.Ordinal);
    }
}
