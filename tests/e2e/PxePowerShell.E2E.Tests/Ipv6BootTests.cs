using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// OVMF booting over IPv6 only (its IPv4 stack off, no IPv4 address on the segment, no router): its own PXE over IPv6
/// (DHCPv6 with the boot-file URL, TFTP over IPv6) loads GRUB, GRUB the generated grub.cfg, the kernel and the initramfs
/// over TFTP on IPv6; through the module in full DHCPv6 mode and through dnsmasq as the reference.
/// </summary>
public sealed class Ipv6BootTests(BootRoot root, ITestOutputHelper output) : IClassFixture<BootRoot>
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(6); // TCG on a shared CI machine: GRUB reads the kernel over TFTP

    private static string Entry(string marker) =>
        $"New-PxeBootEntry -Name e2e -Label 'E2E {marker}' -Kernel vmlinuz -Initrd initrd.img -Arguments 'console=ttyS0 marker={marker} panic=-1' -Default | Out-Null";

    private static bool Marker(string line, string marker) =>
        line.Contains(BootRoot.MarkerPrefix, StringComparison.Ordinal) && line.Contains("marker=" + marker, StringComparison.Ordinal);

    [E2EFact]
    public void Uefi_PXE_over_IPv6_boots_GRUB_and_the_kernel_through_full_DHCPv6()
    {
        using var lab = new FirmwareLab();
        lab.UseIpv6Only();
        string configuration = lab.WriteFile("ipv6.psd1", $$"""
            @{
                Root = '{{root.Directory}}'
                DhcpMode = 'None'
                Interfaces = @('eth0')
                Dhcp6 = $true
                Dhcp6RangeStart = '{{lab.Prefix6}}:100'
                Dhcp6RangeEnd = '{{lab.Prefix6}}:1ff'
                BootFiles = @{ EfiX64 = 'grubx64.efi' }
            }
            """);
        var server = lab.StartPxePowerShell(
            $"{Entry("uefi-pxe6")}\nStart-PxeServer -ConfigurationPath '{configuration}' -Name e2e -Wait | ForEach-Object {{ \"EVENT $($_.Protocol) $($_.Kind) $($_.Path) $($_.Error) $($_.Reason)\" }}");
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
        using var lab = new FirmwareLab();
        lab.UseIpv6Only();
        var dnsmasq = lab.StartDnsmasq(
            $"--dhcp-range={lab.Prefix6}:100,{lab.Prefix6}:1ff,64,1h --dhcp-option=option6:bootfile-url,tftp://[{lab.ServerAddress6}]/grubx64.efi " +
            $"--enable-tftp --tftp-root={tftp.Directory}");
        var (_, elapsed) = lab.Boot(Firmware.UefiPxe6, l => Marker(l, "uefi-pxe6-dnsmasq"), BootTimeout, "PXEv6 guest marker (dnsmasq)");
        BootTimes.Record(output, "UEFI OVMF PXE over IPv6 only, full DHCPv6, GRUB + generated grub.cfg", "dnsmasq", elapsed);
        Assert.Contains("DHCPREPLY", dnsmasq.Output, StringComparison.Ordinal);
    }
}
