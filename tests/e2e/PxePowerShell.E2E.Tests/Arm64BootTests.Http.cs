namespace PxePowerShell.E2E.Tests;

/// <summary>
/// ARM64 UEFI HTTP boot (AAVMF's HTTPClient, arch 19): the firmware loads grubaa64-http.efi (GRUB built with an embedded
/// config, <see cref="Arm64Root.BuildHttpGrub"/>) over HTTP, GRUB the generated grub.cfg and the kernel over HTTP; no TFTP.
/// </summary>
public sealed partial class Arm64BootTests
{
    /// <summary>Not 80: the generated grub.cfg and the embedded config must name the port the way GRUB reads it ((http,host:port)).</summary>
    private const int HttpPort = 8080;

    [E2EFact]
    public void Arm64_UEFI_HTTP_boot_loads_GRUB_grub_cfg_and_the_kernel_over_HTTP_through_full_DHCP()
    {
        using var lab = new FirmwareLab();
        Arm64Root.BuildHttpGrub(root.Directory, $"{lab.ServerAddress}:{HttpPort}");
        var server = lab.StartPxePowerShell(
            $"{Entry("arm64-http")}\n{Server($"-Dhcp -Range {lab.Subnet}.100,{lab.Subnet}.150 -Http -HttpPort {HttpPort} -BootFile @{{ EfiArm64Http = 'grubaa64-http.efi' }}")}");
        var (guest, elapsed) = lab.Boot(Firmware.Arm64Http, l => Marker(l, "arm64-http"), BootTimeout, "ARM64 HTTP boot guest marker");
        BootTimes.Record(output, "ARM64 UEFI AAVMF HTTP boot, full DHCP, GRUB (embedded config) + generated grub.cfg", "PxePowerShell", elapsed);

        Assert.Contains($"URI: http://{lab.ServerAddress}:{HttpPort}/grubaa64-http.efi", guest.Output, StringComparison.Ordinal);
        foreach (var file in new[] { "grubaa64-http.efi", "grub/grub.cfg", "vmlinuz" })
        {
            Assert.Contains($"EVENT Http TransferCompleted {file} ", server.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("EVENT Tftp TransferCompleted", server.Output, StringComparison.Ordinal);
    }

    [E2EFact]
    public void Reference_dnsmasq_and_nginx_boot_the_same_ARM64_guest_over_HTTP()
    {
        using var http = root.ReferenceCopy(FirmwareLab.RunPxePowerShell($"{Entry("arm64-http-dnsmasq")}\nGet-PxeBootMenu -Format Grub -Architecture EfiArm64"));
        using var lab = new FirmwareLab();
        Arm64Root.BuildHttpGrub(http.Path, $"{lab.ServerAddress}:{HttpPort}");
        lab.StartNginx(http.Path, HttpPort);
        lab.StartDnsmasq(
            $"--dhcp-range={lab.Subnet}.100,{lab.Subnet}.150,1h --dhcp-vendorclass=set:efihttp,HTTPClient " +
            $"--dhcp-option-force=tag:efihttp,60,HTTPClient --dhcp-boot=tag:efihttp,http://{lab.ServerAddress}:{HttpPort}/grubaa64-http.efi");
        var (_, elapsed) = lab.Boot(Firmware.Arm64Http, l => Marker(l, "arm64-http-dnsmasq"), BootTimeout, "ARM64 HTTP boot guest marker (dnsmasq + nginx)");
        BootTimes.Record(output, "ARM64 UEFI AAVMF HTTP boot, full DHCP, GRUB (embedded config) + generated grub.cfg", "dnsmasq + nginx", elapsed);
        foreach (var file in new[] { "GET /grubaa64-http.efi", "GET /grub/grub.cfg", "GET /vmlinuz" })
        {
            Assert.Contains(file, lab.NginxAccessLog, StringComparison.Ordinal);
        }
    }
}
