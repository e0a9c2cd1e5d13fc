namespace PxePowerShell.Engine.Configuration;

/// <summary>An ISO image served under a mount point of the boot namespace (Mount-PxeIso).</summary>
/// <param name="Path">The image file.</param>
/// <param name="MountPoint">The first path segment it is served under ("arch" serves arch/boot/x86_64/vmlinuz-linux).</param>
public sealed record IsoMountConfiguration(string Path, string MountPoint);
