namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>Fedora, RHEL, CentOS, Rocky and Alma: images/pxeboot/ with the installer pointed at the image over HTTP (inst.repo=).</summary>
internal sealed class FedoraDetector : IDistributionDetector
{
    /// <inheritdoc />
    public DetectionResult? Detect(IsoImage image, string mountPoint)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (!DetectedImage.HasFile(image, "images/pxeboot/vmlinuz") || !DetectedImage.HasFile(image, "images/pxeboot/initrd.img"))
        {
            return null;
        }

        bool live = DetectedImage.HasFile(image, "LiveOS/squashfs.img");
        string arguments = live
            ? $"root=live:{{http}}/{mountPoint}/LiveOS/squashfs.img rd.live.image ip=dhcp"
            : $"inst.repo={{http}}/{mountPoint}/ ip=dhcp";
        string label = image.VolumeLabel.Length > 0 ? image.VolumeLabel : mountPoint;
        var entry = DetectedImage.Linux(mountPoint, $"{(live ? "Fedora live" : "Fedora/RHEL installer")} ({label})", "images/pxeboot/vmlinuz", ["images/pxeboot/initrd.img"], arguments);
        return new DetectionResult(live ? "Fedora live" : "Fedora/RHEL family", [entry], ["The installer reads the image over HTTP: start the server with -Http."]);
    }
}
