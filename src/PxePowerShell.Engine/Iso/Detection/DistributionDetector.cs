using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>
/// Runs the detectors in a fixed order — SystemRescue and Arch (archiso), Debian/Ubuntu, Fedora/RHEL, memtest86+ — and
/// returns the first match; an image none recognises gets the entries of its own isolinux/syslinux menu, translated,
/// and otherwise still mounts, with a warning that no entry was proposed.
/// </summary>
internal static class DistributionDetector
{
    /// <summary>The detectors, in the order they are tried.</summary>
    public static IReadOnlyList<IDistributionDetector> Detectors { get; } =
    [
        ArchisoDetector.SystemRescue,
        ArchisoDetector.Arch,
        new DebianDetector(),
        new FedoraDetector(),
        new MemtestDetector(),
    ];

    /// <summary>Detects what <paramref name="image"/> is and proposes entries under <paramref name="mountPoint"/>.</summary>
    public static DetectionResult Detect(IsoImage image, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentException.ThrowIfNullOrEmpty(mountPoint);
        foreach (var detector in Detectors)
        {
            try
            {
                if (detector.Detect(image, mountPoint) is { } result)
                {
                    return result;
                }
            }
            catch (IsoFormatException)
            {
                // A damaged corner of the image: try the next family.
            }
        }

        // Not a family PxePowerShell knows: translate the image's own isolinux/syslinux menu, as its makers meant it.
        try
        {
            if (SyslinuxImageMenu.FromImage(image, mountPoint) is { Entries.Count: > 0 } menu)
            {
                var warnings = new List<string>
                {
                    $"'{image.VolumeLabel}' ({Path.GetFileName(image.Path)}) is not a distribution PxePowerShell knows; {menu.Entries.Count} entries were translated from its own menu {mountPoint}/{menu.Path}. "
                    + "Its kernels expect to find the rest of the image on a CD: check each entry's arguments before booting it over the network.",
                };
                warnings.AddRange(menu.Warnings.Select(w => w.ToString()));
                return new DetectionResult(null, menu.Entries, warnings);
            }
        }
        catch (IsoFormatException)
        {
            // A damaged menu: fall through to the plain warning.
        }

        string? config = DetectedImage.FirstFile(image, "isolinux/isolinux.cfg", "syslinux/syslinux.cfg", "boot/isolinux/isolinux.cfg", "boot/syslinux/syslinux.cfg", "boot/grub/grub.cfg", "EFI/BOOT/grub.cfg");
        string where = config is null ? string.Empty : $"; its own boot menu is at {mountPoint}/{config}";
        return new DetectionResult(null, [], [$"No boot entry was proposed for '{image.VolumeLabel}' ({Path.GetFileName(image.Path)}): the layout is not one PxePowerShell knows{where}. Create entries with New-PxeBootEntry -Kernel {mountPoint}/..."]);
    }
}
