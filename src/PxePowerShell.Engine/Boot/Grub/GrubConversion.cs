using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Boot.Grub;

/// <summary>Boot entries translated from a grub.cfg, and what did not translate.</summary>
/// <param name="Path">The main configuration file.</param>
/// <param name="Entries">The entries, in menu order (submenus flattened into "Submenu / Entry" labels); paths in the boot namespace.</param>
/// <param name="Warnings">Every line that was not translated, with file, line and reason (the record the syslinux importer uses too).</param>
/// <param name="Files">The files read (the main one, then source/configfile includes).</param>
public sealed record GrubConversion(string Path, IReadOnlyList<BootEntry> Entries, IReadOnlyList<SyslinuxWarning> Warnings, IReadOnlyList<string> Files)
{
    /// <summary>The menu's timeout (zero waits for ever, GRUB's -1), or null when the configuration sets none.</summary>
    public TimeSpan? Timeout { get; init; }
}
