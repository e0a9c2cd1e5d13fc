using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// The seed recipe as dnsmasq ran it — proxyDHCP, a pxe-service for BIOS machines (pxelinux.0) and an untagged dhcp-boot
/// for everything else (efi64/syslinux.efi), hand-written pxelinux.cfg menus in the TFTP root — boots real firmware
/// through dnsmasq, and then, converted with ConvertFrom-PxeDnsmasqConfig (not rewritten by hand), through the module:
/// BIOS via pxelinux, UEFI via syslinux.efi (issue 18).
/// </summary>
public sealed class ConvertedSeedRecipeTests(BootRoot root, ITestOutputHelper output) : IClassFixture<BootRoot>
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(5);

    [E2EFact]
    public void Bios_boots_through_pxelinux_with_dnsmasq_and_with_the_converted_configuration() =>
        BootBoth(Firmware.Bios, "converted-bios");

    [E2EFact]
    public void Uefi_boots_through_syslinux_efi_with_dnsmasq_and_with_the_converted_configuration() =>
        BootBoth(Firmware.UefiNative, "converted-uefi");

    private void BootBoth(Firmware firmware, string marker)
    {
        // The seed's hand-written menus, one per loader, in the root both servers serve.
        string entry = $"New-PxeBootEntry -Name seed -Label 'Seed kernel' -Kernel vmlinuz -Initrd initrd.img -Arguments 'console=ttyS0 marker={marker}' -Default | Out-Null";
        Directory.CreateDirectory(Path.Combine(root.Directory, "pxelinux.cfg"));
        Directory.CreateDirectory(Path.Combine(root.Directory, "efi64", "pxelinux.cfg"));
        File.WriteAllText(Path.Combine(root.Directory, "pxelinux.cfg", "default"), FirmwareLab.RunPxePowerShell($"{entry}\nGet-PxeBootMenu -Format Pxelinux"));
        File.WriteAllText(Path.Combine(root.Directory, "efi64", "pxelinux.cfg", "default"), FirmwareLab.RunPxePowerShell($"{entry}\nGet-PxeBootMenu -Format Syslinux"));
        Shell.Run("chmod", $"-R a+rX {root.Directory}"); // dnsmasq reads it as nobody

        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        string work = Directory.CreateTempSubdirectory("pxe-e2e-seed-").FullName;
        try
        {
            string config = Path.Combine(work, "dnsmasq.conf");
            File.WriteAllText(config, $"""
                port=0
                interface=eth0
                bind-interfaces
                dhcp-range={lab.Subnet}.0,proxy
                pxe-service=x86PC,"Network Boot",pxelinux
                dhcp-boot=efi64/syslinux.efi
                enable-tftp
                tftp-root={root.Directory}

                """);
            bool Marked(string line) => line.Contains(BootRoot.MarkerPrefix, StringComparison.Ordinal) && line.Contains("marker=" + marker, StringComparison.Ordinal);

            var dnsmasq = lab.StartDnsmasqConfig(config);
            var (dnsmasqGuest, dnsmasqElapsed) = lab.Boot(firmware, Marked, BootTimeout, $"{firmware} marker through dnsmasq");
            dnsmasqGuest.Stop();
            dnsmasq.Stop();
            BootTimes.Record(output, $"seed recipe (proxyDHCP, pxe-service + dhcp-boot), {firmware}", "dnsmasq", dnsmasqElapsed);

            var module = lab.StartConversions([config], work);
            File.WriteAllText(Path.Combine(work, "0.go"), string.Empty);
            module.WaitForLine(l => l == "READY 0", TimeSpan.FromSeconds(120), "PxePowerShell with the converted configuration");
            var (_, elapsed) = lab.Boot(firmware, Marked, BootTimeout, $"{firmware} marker through the converted configuration");
            BootTimes.Record(output, $"seed recipe (proxyDHCP, pxe-service + dhcp-boot), {firmware}", "PxePowerShell (converted)", elapsed);
            File.WriteAllText(Path.Combine(work, "0.done"), string.Empty);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
