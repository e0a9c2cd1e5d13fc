namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>
/// archiso images — Arch Linux (arch/) and SystemRescue (sysresccd/): the kernel and initramfs under
/// &lt;base&gt;/boot/x86_64, microcode images first, and the root image fetched over HTTP (archiso_http_srv=).
/// </summary>
internal sealed class ArchisoDetector(string distribution, string baseDirectory) : IDistributionDetector
{
    /// <summary>Arch Linux.</summary>
    public static ArchisoDetector Arch { get; } = new("Arch Linux", "arch");

    /// <summary>SystemRescue.</summary>
    public static ArchisoDetector SystemRescue { get; } = new("SystemRescue", "sysresccd");

    /// <inheritdoc />
    public DetectionResult? Detect(IsoImage image, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(image);
        string boot = $"{baseDirectory}/boot/x86_64";
        string? kernel = DetectedImage.FirstFile(image, $"{boot}/vmlinuz-linux", $"{boot}/vmlinuz", $"{boot}/vmlinuz-linux-lts");
        string? initramfs = DetectedImage.FirstFile(image, $"{boot}/initramfs-linux.img", $"{boot}/sysresccd.img", $"{boot}/initramfs-linux-lts.img");
        if (kernel is null || initramfs is null)
        {
            return null;
        }

        var initrds = new List<string>();
        foreach (var microcode in new[] { $"{baseDirectory}/boot/intel-ucode.img", $"{baseDirectory}/boot/amd-ucode.img", $"{baseDirectory}/boot/intel_ucode.img", $"{baseDirectory}/boot/amd_ucode.img" })
        {
            if (DetectedImage.FirstFile(image, microcode) is { } file)
            {
                initrds.Add(file);
            }
        }

        initrds.Add(initramfs);
        string version = image.VolumeLabel.Length > 0 ? $" ({image.VolumeLabel})" : string.Empty;
        var entry = DetectedImage.Linux(
            mountPoint,
            $"{distribution}{version}",
            kernel,
            initrds,
            $"archisobasedir={baseDirectory} archiso_http_srv={{http}}/{mountPoint}/ ip=dhcp");
        return new DetectionResult(distribution, [entry], ["The root image is fetched over HTTP: start the server with -Http (Start-PxeServer -Http)."]);
    }
}
