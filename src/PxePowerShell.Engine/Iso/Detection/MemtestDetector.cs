using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>memtest86+ images: the BIOS binary (booted by pxelinux as a kernel) and the EFI binary.</summary>
internal sealed class MemtestDetector : IDistributionDetector
{
    /// <inheritdoc />
    public DetectionResult? Detect(IsoImage image, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(image);
        string? bios = DetectedImage.FirstFile(image, "boot/memtest", "boot/memtest.bin", "memtest86+x64.bin", "boot/memtest86+x64.bin", "memtest.bin", "isolinux/memtest");
        if (bios is null)
        {
            return null;
        }

        var entry = new BootEntry
        {
            Name = DetectedImage.EntryName(mountPoint),
            Label = "Memtest86+",
            Kind = BootEntryKind.Image,
            Architecture = BootArchitecture.Bios,
            Kernel = DetectedImage.Under(mountPoint, bios),
        };
        return new DetectionResult("memtest86+", [entry], []);
    }
}
