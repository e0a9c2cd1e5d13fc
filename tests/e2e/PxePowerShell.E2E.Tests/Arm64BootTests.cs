using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// ARM64 UEFI (QEMU virt with AAVMF, TCG) booting Debian's network GRUB and an arm64 kernel over PXE (DHCP option 93
/// arch 11, TFTP), through the module in full DHCP mode with the generated grub.cfg, and through dnsmasq as the
/// reference. The marker is the kernel's "Kernel command line:" line. HTTP boot (arch 19): Arm64BootTests.Http.cs.
/// </summary>
public sealed partial class Arm64BootTests(Arm64Root root, ITestOutputHelper output) : IClassFixture<Arm64Root>
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(8); // TCG emulating a Cortex-A57 on a loaded x86 machine

    private static string Entry(string marker) =>
        $"New-PxeBootEntry -Name e2e -Label 'E2E {marker}' -Architecture EfiArm64 -Kernel vmlinuz -Arguments 'console=ttyAMA0 pxeps.marker={marker} panic=-1' -Default | Out-Null";

    private static bool Marker(string line, string marker) =>
        line.Contains("Kernel command line:", StringComparison.Ordinal) && line.Contains("pxeps.marker=" + marker, StringComparison.Ordinal);

    private string Server(string parameters) =>
        $"Start-PxeServer -Root '{root.Directory}' -Interface eth0 -Name e2e {parameters} -Wait | ForEach-Object {{ \"EVENT $($_.Protocol) $($_.Kind) $($_.Path) $($_.Error) $($_.Reason)\" }}";

    [E2EFact]
    public void Arm64_UEFI_PXE_boots_GRUB_and_the_kernel_through_full_DHCP()
    {
        using var lab = new FirmwareLab();
        var server = lab.StartPxePowerShell($"{Entry("arm64-pxe")}\n{Server($"-Dhcp -Range {lab.Subnet}.100,{lab.Subnet}.150 -BootFile @{{ EfiArm64 = 'grubaa64.efi' }}")}");
        var (guest, elapsed) = lab.Boot(Firmware.Arm64Pxe, l => Marker(l, "arm64-pxe"), BootTimeout, "ARM64 PXE guest marker");
        BootTimes.Record(output, "ARM64 UEFI AAVMF PXE (TFTP), full DHCP, GRUB + generated grub.cfg", "PxePowerShell", elapsed);

        Assert.Contains("EVENT Dhcp DhcpAck", server.Output, StringComparison.Ordinal);
        foreach (var file in new[] { "grubaa64.efi", "grub/grub.cfg", "vmlinuz" })
        {
            Assert.Contains($"EVENT Tftp TransferCompleted {file} ", server.Output, StringComparison.Ordinal);
        }

        Assert.Contains("Linux version", guest.Output, StringComparison.Ordinal);
    }

    [E2EFact]
    public void Reference_dnsmasq_boots_the_same_ARM64_guest_over_PXE()
    {
        using var tftp = root.ReferenceCopy(FirmwareLab.RunPxePowerShell($"{Entry("arm64-pxe-dnsmasq")}\nGet-PxeBootMenu -Format Grub -Architecture EfiArm64"));
        using var lab = new FirmwareLab();
        var dnsmasq = lab.StartDnsmasq(
            $"--dhcp-range={lab.Subnet}.100,{lab.Subnet}.150,1h --dhcp-match=set:arm64,option:client-arch,11 --dhcp-boot=tag:arm64,grubaa64.efi " +
            $"--enable-tftp --tftp-root={tftp.Path}");
        var (_, elapsed) = lab.Boot(Firmware.Arm64Pxe, l => Marker(l, "arm64-pxe-dnsmasq"), BootTimeout, "ARM64 PXE guest marker (dnsmasq)");
        BootTimes.Record(output, "ARM64 UEFI AAVMF PXE (TFTP), full DHCP, GRUB + generated grub.cfg", "dnsmasq", elapsed);
        Assert.Contains("DHCPACK", dnsmasq.Output, StringComparison.Ordinal);
    }
}
