namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>
/// Debian and Ubuntu: the installer (install.amd/, netboot debian-installer/amd64/), live-boot images (live/, fetch=)
/// and Ubuntu's casper images (casper/, url= of the image).
/// </summary>
internal sealed class DebianDetector : IDistributionDetector
{
    /// <inheritdoc />
    public DetectionResult? Detect(IsoImage image, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(image);
        string label = image.VolumeLabel.Length > 0 ? image.VolumeLabel : mountPoint;
        if (DetectedImage.FirstFile(image, "live/vmlinuz", "live/vmlinuz-amd64") is { } liveKernel
            && DetectedImage.FirstFile(image, "live/initrd.img", "live/initrd.img-amd64") is { } liveInitrd)
        {
            // fetch= names the root file system as the image has it (a plain ISO 9660 image calls it filesyst.squ).
            string? squashfs = DetectedImage.FirstFile(image, "live/filesystem.squashfs");
            var entry = DetectedImage.Linux(mountPoint, $"Debian live ({label})", liveKernel, [liveInitrd], $"boot=live components fetch={{http}}/{mountPoint}/{squashfs ?? "live/filesystem.squashfs"} ip=dhcp");
            List<string> notes = ["The live system is fetched over HTTP: start the server with -Http."];
            if (squashfs is null)
            {
                notes.Add("The image has no live/filesystem.squashfs: fetch= names a file that is not there; set the entry's arguments to the image's root file system.");
            }

            return new DetectionResult("Debian live", [entry], notes);
        }

        if (DetectedImage.FirstFile(image, "casper/vmlinuz", "casper/hwe-vmlinuz") is { } casperKernel
            && DetectedImage.FirstFile(image, "casper/initrd", "casper/initrd.gz", "casper/initrd.lz", "casper/hwe-initrd") is { } casperInitrd)
        {
            var entry = DetectedImage.Linux(mountPoint, $"Ubuntu ({label})", casperKernel, [casperInitrd], $"boot=casper ip=dhcp netboot=url url={{http}}/{mountPoint}.iso");
            return new DetectionResult("Ubuntu", [entry], [$"casper downloads the whole image: make the .iso file itself reachable at {{http}}/{mountPoint}.iso (for example, put it in the root)."]);
        }

        foreach (var (kernel, initrd, what) in new[]
        {
            ("install.amd/vmlinuz", "install.amd/initrd.gz", "Debian installer"),
            ("debian-installer/amd64/linux", "debian-installer/amd64/initrd.gz", "Debian installer (netboot)"),
            ("install/vmlinuz", "install/initrd.gz", "Debian installer"),
        })
        {
            if (DetectedImage.FirstFile(image, kernel) is { } kernelFile && DetectedImage.FirstFile(image, initrd) is { } initrdFile)
            {
                var entry = DetectedImage.Linux(mountPoint, $"{what} ({label})", kernelFile, [initrdFile], "priority=low");
                return new DetectionResult(what, [entry], []);
            }
        }

        return null;
    }
}
