using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// Real firmware boots through the module: QEMU guests (SeaBIOS + iPXE ROM, OVMF) on a bridge in namespaces, a router
/// DHCP server, and PxePowerShell (or dnsmasq, as the reference) serving pxelinux/syslinux.efi, the generated menus, a
/// Debian kernel and a busybox initramfs that prints the scenario's marker on the serial console and powers off.
/// </summary>
public sealed partial class BootScenarioTests(BootRoot root, ITestOutputHelper output) : IClassFixture<BootRoot>
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(4);

    private static string Entry(string marker, string kernel = "vmlinuz", string? initrd = "initrd.img") =>
        $"New-PxeBootEntry -Name e2e -Label 'E2E {marker}' -Kernel {kernel}{(initrd is null ? string.Empty : $" -Initrd {initrd}")} -Arguments 'console=ttyS0 marker={marker} panic=-1' -Default | Out-Null";

    private string Server(string parameters) =>
        $"Start-PxeServer -Root '{root.Directory}' -Interface eth0 -Name e2e {parameters} -Wait | ForEach-Object {{ \"EVENT $($_.Protocol) $($_.Kind) $($_.Path) $($_.Error) $($_.Reason)\" }}";

    private static bool Marker(string line, string marker) =>
        line.Contains(BootRoot.MarkerPrefix, StringComparison.Ordinal) && line.Contains("marker=" + marker, StringComparison.Ordinal);

    private void Record(string scenario, string server, TimeSpan elapsed) => BootTimes.Record(output, scenario, server, elapsed);

    [E2EFact]
    public void Bios_iPXE_ROM_boots_pxelinux_and_the_generated_menu_through_proxyDHCP_beside_a_router()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var server = lab.StartPxePowerShell($"{Entry("bios-proxy")}\n{Server("-ProxyDhcp")}");
        var (_, elapsed) = lab.Boot(Firmware.Bios, l => Marker(l, "bios-proxy"), BootTimeout, "BIOS guest marker");
        server.WaitForLine(l => l.Contains("EVENT Tftp TransferCompleted vmlinuz", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "kernel TransferCompleted");
        Assert.Contains("EVENT Tftp TransferCompleted pxelinux.cfg/default", server.Output, StringComparison.Ordinal);
        Assert.Contains("EVENT ProxyDhcp ProxyOffer", server.Output, StringComparison.Ordinal);
        Record("BIOS iPXE ROM, proxyDHCP, pxelinux", "PxePowerShell", elapsed);

        // The boot trace of the real firmware, from another process over the same inventory: the router's offer taken,
        // pxelinux, its menu and the kernel and initrd, stopped after the initrd arrived.
        string trace = string.Empty;
        bool complete = SpinWait.SpinUntil(
            () => (trace = lab.RunInPxe($"Get-PxeBootTrace -MacAddress {lab.GuestMac} | ForEach-Object {{ \"TRACE outcome=$($_.Outcome) answered=$($_.AnsweredBy -join ',') files=$($_.FilesLoaded -join ',')\"; $_.ToString() }}"))
                .Contains("initrd.img", StringComparison.Ordinal),
            TimeSpan.FromSeconds(60));
        output.WriteLine(trace);
        Assert.True(complete, trace);
        Assert.Contains($"TRACE outcome=Loaded answered={lab.Subnet}.1 files=pxelinux.0,", trace, StringComparison.Ordinal);
        Assert.Matches(@"files=pxelinux\.0,.*pxelinux\.cfg/default,.*vmlinuz,initrd\.img\r?\n", trace);
        Assert.Matches($@"Ignored REQUEST from iPXE \(client chose server {lab.Subnet}\.1, address {lab.Subnet}\.\d+\)", trace);
    }

    [E2EFact]
    public void Reference_dnsmasq_boots_the_same_guest_the_same_way()
    {
        using var tftp = PxelinuxReferenceRoot("bios-dnsmasq");
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        lab.StartDnsmasq($"--dhcp-range={lab.Subnet}.0,proxy --pxe-service=x86PC,\"Network Boot\",pxelinux --enable-tftp --tftp-root={tftp.Directory}");
        var (_, elapsed) = lab.Boot(Firmware.Bios, l => Marker(l, "bios-dnsmasq"), BootTimeout, "BIOS guest marker (dnsmasq)");
        Record("BIOS iPXE ROM, proxyDHCP, pxelinux", "dnsmasq", elapsed);
    }

    [E2EFact]
    public void Reference_dnsmasq_boots_memtest86_plus_through_pxelinux()
    {
        // The same pxelinux files and the menu the module generates for docs/examples/memtest86.ps1's entry.
        using var tftp = new ReferenceRoot(root, "pxelinux.0", "ldlinux.c32", "menu.c32", "libutil.c32", "memtest86+x64.bin");
        tftp.Write("pxelinux.cfg/default", FirmwareLab.RunPxePowerShell("New-PxeBootEntry -Name memtest -Label 'Memtest86+' -Kind Image -Kernel memtest86+x64.bin -Architecture Bios -Default | Out-Null\nGet-PxeBootMenu -Format Pxelinux"));
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var dnsmasq = lab.StartDnsmasq($"--dhcp-range={lab.Subnet}.0,proxy --pxe-service=x86PC,\"Network Boot\",pxelinux --enable-tftp --tftp-root={tftp.Directory}");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        lab.StartGuest(Firmware.Bios);
        dnsmasq.WaitForLine(l => l.Contains("sent ", StringComparison.Ordinal) && l.Contains("memtest86+x64.bin", StringComparison.Ordinal), BootTimeout, "dnsmasq sent memtest86+");
        Record("BIOS iPXE ROM, proxyDHCP, pxelinux, memtest86+ (until fetched)", "dnsmasq", watch.Elapsed);
    }

    /// <summary>pxelinux.0, its modules, the kernel and initrd, and the very menu PxePowerShell generates for the same entry.</summary>
    private ReferenceRoot PxelinuxReferenceRoot(string marker)
    {
        var tftp = new ReferenceRoot(root, "pxelinux.0", "ldlinux.c32", "menu.c32", "libutil.c32", "vmlinuz", "initrd.img");
        tftp.Write("pxelinux.cfg/default", FirmwareLab.RunPxePowerShell($"{Entry(marker)}\nGet-PxeBootMenu -Format Pxelinux"));
        return tftp;
    }

    [E2EFact]
    public void Full_DHCP_mode_leases_the_address_itself_and_boots_the_guest()
    {
        using var lab = new FirmwareLab();
        var server = lab.StartPxePowerShell($"{Entry("bios-dhcp")}\n{Server($"-Dhcp -Range {lab.Subnet}.100,{lab.Subnet}.150")}");
        var (_, elapsed) = lab.Boot(Firmware.Bios, l => Marker(l, "bios-dhcp"), BootTimeout, "BIOS guest marker (full DHCP)");
        Assert.Contains("EVENT Dhcp DhcpAck", server.Output, StringComparison.Ordinal);
        Assert.Contains("EVENT Tftp TransferCompleted vmlinuz", server.Output, StringComparison.Ordinal);
        Record("BIOS iPXE ROM, full DHCP, pxelinux", "PxePowerShell", elapsed);
    }

    [E2EFact]
    public void Reference_dnsmasq_full_DHCP_mode_boots_the_same_guest()
    {
        using var tftp = PxelinuxReferenceRoot("bios-dhcp-dnsmasq");
        using var lab = new FirmwareLab();
        lab.StartDnsmasq($"--dhcp-range={lab.Subnet}.100,{lab.Subnet}.150,1h --dhcp-boot=pxelinux.0 --enable-tftp --tftp-root={tftp.Directory}");
        var (_, elapsed) = lab.Boot(Firmware.Bios, l => Marker(l, "bios-dhcp-dnsmasq"), BootTimeout, "BIOS guest marker (dnsmasq, full DHCP)");
        Record("BIOS iPXE ROM, full DHCP, pxelinux", "dnsmasq", elapsed);
    }

    [E2EFact]
    public void iPXE_gets_the_generated_script_over_HTTP_and_loads_the_kernel_over_HTTP() =>
        BootThroughIpxeOverHttp(Firmware.Bios, "ipxe-http", "iPXE ROM, proxyDHCP, HTTP script and kernel");

    [E2EFact]
    public void Uefi_OVMF_gets_the_generated_iPXE_script_over_HTTP_and_boots_the_kernel() =>
        // OVMF's network boot here runs through the iPXE EFI driver of the e1000 ROM: the module recognises iPXE and
        // sends the script over HTTP, which loads the (EFI stub) kernel over HTTP.
        BootThroughIpxeOverHttp(Firmware.Uefi, "uefi-ipxe", "UEFI OVMF (iPXE EFI), proxyDHCP, HTTP script and kernel");

    private void BootThroughIpxeOverHttp(Firmware firmware, string marker, string scenario)
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var server = lab.StartPxePowerShell($"{Entry(marker)}\n{Server("-ProxyDhcp -Http -HttpPort 8080 -IpxeScript boot.ipxe")}");
        var (_, elapsed) = lab.Boot(firmware, l => Marker(l, marker), BootTimeout, $"{firmware} guest marker");
        Assert.Contains("EVENT Http TransferCompleted boot.ipxe", server.Output, StringComparison.Ordinal);
        Assert.Contains("EVENT Http TransferCompleted vmlinuz", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("EVENT Tftp TransferCompleted vmlinuz", server.Output, StringComparison.Ordinal);
        Record(scenario, "PxePowerShell", elapsed);
    }

    [E2EFact]
    public void Uefi_OVMF_own_PXE_boots_syslinux_efi_and_the_generated_menu_through_proxyDHCP()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var server = lab.StartPxePowerShell($"{Entry("uefi-syslinux")}\n{Server("-ProxyDhcp -BootFile @{ EfiX64 = 'efi64/syslinux.efi' }")}");
        var (_, elapsed) = lab.Boot(Firmware.UefiNative, l => Marker(l, "uefi-syslinux"), BootTimeout, "UEFI syslinux.efi guest marker");
        Assert.Contains("EVENT Tftp TransferCompleted efi64/syslinux.efi ", server.Output, StringComparison.Ordinal);
        Assert.Contains("EVENT Tftp TransferCompleted efi64/pxelinux.cfg/default ", server.Output, StringComparison.Ordinal);
        Assert.Contains("EVENT Tftp TransferCompleted vmlinuz ", server.Output, StringComparison.Ordinal);
        Record("UEFI OVMF (own PXE), proxyDHCP, syslinux.efi + generated menu", "PxePowerShell", elapsed);
    }

    [E2EFact]
    public void Reference_dnsmasq_boots_syslinux_efi_with_the_same_generated_menu()
    {
        using var tftp = new ReferenceRoot(root, "efi64/syslinux.efi", "efi64/ldlinux.e64", "efi64/menu.c32", "efi64/libutil.c32", "vmlinuz", "initrd.img");
        tftp.Write("efi64/pxelinux.cfg/default", FirmwareLab.RunPxePowerShell($"{Entry("uefi-syslinux-dnsmasq")}\nGet-PxeBootMenu -Format Syslinux"));
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        lab.StartDnsmasq($"--dhcp-range={lab.Subnet}.0,proxy --pxe-service=X86-64_EFI,\"Network Boot\",efi64/syslinux.efi --enable-tftp --tftp-root={tftp.Directory}");
        var (_, elapsed) = lab.Boot(Firmware.UefiNative, l => Marker(l, "uefi-syslinux-dnsmasq"), BootTimeout, "UEFI syslinux.efi guest marker (dnsmasq)");
        Record("UEFI OVMF (own PXE), proxyDHCP, syslinux.efi + generated menu", "dnsmasq", elapsed);
    }

    [E2EFact]
    public void Uefi_Secure_Boot_OVMF_boots_Debian_signed_shim_grub_and_kernel_in_full_DHCP_mode()
    {
        using var lab = new FirmwareLab();
        var server = lab.StartPxePowerShell($"{Entry("uefi-sb")}\n{Server($"-Dhcp -Range {lab.Subnet}.100,{lab.Subnet}.150 -SecureBoot")}");
        var (guest, elapsed) = lab.Boot(Firmware.UefiSecureBoot, l => Marker(l, "uefi-sb"), BootTimeout, "Secure Boot guest marker");
        Record("UEFI OVMF Secure Boot, full DHCP, shim + GRUB", "PxePowerShell", elapsed);

        // The firmware enforced Secure Boot, and the kernel came through shim's check.
        Assert.Contains("secureboot: Secure boot enabled", guest.Output, StringComparison.Ordinal);
        foreach (var file in new[] { "secureboot/shimx64.efi", "secureboot/grubx64.efi", "grub/grub.cfg", "vmlinuz", "initrd.img" })
        {
            Assert.Contains($"EVENT Tftp TransferCompleted {file} ", server.Output, StringComparison.Ordinal);
        }
    }

    [E2EFact]
    public void Reference_dnsmasq_boots_the_same_Secure_Boot_chain()
    {
        using var tftp = new ReferenceRoot(root, "vmlinuz", "initrd.img");
        tftp.Link("secureboot/shimx64.efi", "/usr/lib/shim/shimx64.efi.signed");
        tftp.Link("secureboot/grubx64.efi", "/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed");

        // Observed: behind dnsmasq's reply, shim fetches grubx64.efi from the TFTP root, not from its own directory (it
        // does from PxePowerShell's); dnsmasq setups put GRUB at the root for that reason.
        tftp.Link("grubx64.efi", "/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed");
        tftp.Write("grub/grub.cfg", FirmwareLab.RunPxePowerShell($"{Entry("uefi-sb-dnsmasq")}\nGet-PxeBootMenu -Format Grub"));
        using var lab = new FirmwareLab();
        lab.StartDnsmasq($"--dhcp-range={lab.Subnet}.100,{lab.Subnet}.150,1h --dhcp-boot=secureboot/shimx64.efi --enable-tftp --tftp-root={tftp.Directory}");
        var (_, elapsed) = lab.Boot(Firmware.UefiSecureBoot, l => Marker(l, "uefi-sb-dnsmasq"), BootTimeout, "Secure Boot guest marker (dnsmasq)");
        Record("UEFI OVMF Secure Boot, full DHCP, shim + GRUB", "dnsmasq", elapsed);
    }

    [E2EFact]
    public void Beside_a_router_the_Secure_Boot_chain_reaches_GRUB_and_the_limit_is_warned()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var server = lab.StartPxePowerShell($"{Entry("uefi-sb-proxy")}\n{Server("-ProxyDhcp -SecureBoot")}");
        Assert.Contains("EVENT ProxyDhcp Warning", server.Output, StringComparison.Ordinal);
        Assert.Contains("Secure Boot beside a router (proxyDHCP)", server.Output, StringComparison.Ordinal);

        // Firmware (Secure Boot on) ran the Microsoft-signed shim, shim ran the Debian-signed GRUB from this server; GRUB
        // then looks for its menu at the router (upstream GRUB ignores the proxy offer) and stops at its prompt.
        var guest = lab.StartGuest(Firmware.UefiSecureBoot);
        guest.WaitForLine(l => l.Contains("GNU GRUB", StringComparison.Ordinal), BootTimeout, "GRUB banner beside a router");
        server.WaitForLine(l => l.Contains("EVENT Tftp TransferCompleted secureboot/grubx64.efi", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "GRUB TransferCompleted");
        Assert.Contains("EVENT Tftp TransferCompleted secureboot/shimx64.efi", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("EVENT Tftp TransferCompleted grub/grub.cfg", server.Output, StringComparison.Ordinal);
    }
}
