namespace PxePowerShell.Engine.Boot.Syslinux;

/// <summary>Boot entries translated from a syslinux configuration, and what did not translate.</summary>
/// <param name="Path">The main configuration file.</param>
/// <param name="Title">MENU TITLE, or null.</param>
/// <param name="Entries">The entries, in menu order; paths resolved into the boot namespace.</param>
/// <param name="Warnings">Every line or label that was not translated, with the reason.</param>
/// <param name="Files">The files read (the main one, then INCLUDEs).</param>
public sealed record SyslinuxConversion(string Path, string? Title, IReadOnlyList<BootEntry> Entries, IReadOnlyList<SyslinuxWarning> Warnings, IReadOnlyList<string> Files)
{
    /// <summary>The configuration's TIMEOUT (zero waits for ever), or null when it sets none.</summary>
    public TimeSpan? Timeout { get; init; }
}
