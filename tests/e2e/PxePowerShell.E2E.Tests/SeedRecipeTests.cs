using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// The seed recipes of docs/examples that need no download, run as written (only their root directory moved into the
/// lab) against real firmware: memtest86+ through pxelinux, UEFI syslinux.efi, UEFI HTTP boot.
/// </summary>
public sealed class SeedRecipeTests(BootRoot root, ITestOutputHelper output) : IClassFixture<BootRoot>
{
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(4);

    private string Kernel => Path.Combine(root.Directory, "vmlinuz");

    private string Initrd => Path.Combine(root.Directory, "initrd.img");

    [E2EFact]
    public void Memtest86_recipe_boots_memtest_through_pxelinux()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var server = lab.StartRecipe("memtest86.ps1");
        var watch = System.Diagnostics.Stopwatch.StartNew();
        lab.StartGuest(Firmware.Bios);

        // memtest86+ prints nothing on the serial console by default and runs until stopped: its TFTP completion, which
        // the recipe's own pipeline prints, is the proof.
        server.WaitForLine(l => l.Contains("TransferCompleted", StringComparison.Ordinal) && l.Contains("memtest86+x64.bin", StringComparison.Ordinal), BootTimeout, "memtest86+ TransferCompleted");
        Assert.Contains("pxelinux.cfg/default", server.Output, StringComparison.Ordinal);
        Record("BIOS iPXE ROM, proxyDHCP, pxelinux, memtest86+ (until fetched)", watch.Elapsed);
    }

    [E2EFact]
    public void Uefi_syslinux_efi_recipe_boots_the_kernel_with_OVMF_own_PXE()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var server = lab.StartRecipe("uefi-syslinux-efi.ps1", Kernel, Initrd);
        var (_, elapsed) = lab.Boot(Firmware.UefiNative, l => l.Contains(BootRoot.MarkerPrefix, StringComparison.Ordinal), BootTimeout, "UEFI syslinux.efi recipe marker");
        Assert.Contains("efi64/syslinux.efi", server.Output, StringComparison.Ordinal);
        Record("uefi-syslinux-efi.ps1: UEFI OVMF (own PXE), proxyDHCP, syslinux.efi", elapsed);
    }

    [E2EFact]
    public void Uefi_http_boot_recipe_boots_the_kernel_with_OVMF_own_HTTP_boot()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        var server = lab.StartRecipe("uefi-http-boot.ps1", Kernel, Initrd);
        var (_, elapsed) = lab.Boot(Firmware.UefiHttp, l => l.Contains(BootRoot.MarkerPrefix, StringComparison.Ordinal), BootTimeout, "UEFI HTTP boot recipe marker");
        server.WaitForLine(l => l.Contains("TransferCompleted", StringComparison.Ordinal) && l.Contains("initrd.img", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "initrd TransferCompleted");
        Assert.Contains("snponly.efi", server.Output, StringComparison.Ordinal);
        Record("uefi-http-boot.ps1: UEFI OVMF HTTP boot (own HTTP stack), proxyDHCP, iPXE", elapsed);
    }

    private void Record(string scenario, TimeSpan elapsed) => BootTimes.Record(output, scenario, "PxePowerShell", elapsed);
}
