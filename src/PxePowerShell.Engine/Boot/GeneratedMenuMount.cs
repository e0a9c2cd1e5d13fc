namespace PxePowerShell.Engine.Boot;

/// <summary>One generated menu of <see cref="GeneratedMenuSource.MountAll"/>.</summary>
/// <param name="Path">Where it is served (pxelinux.cfg, boot.ipxe...).</param>
/// <param name="Source">The menu source.</param>
/// <param name="Mounted">False when the root had its own file or directory there, which is served instead.</param>
public sealed record GeneratedMenuMount(string Path, GeneratedMenuSource Source, bool Mounted);
