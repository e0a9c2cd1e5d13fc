namespace PxePowerShell.Engine.Boot.Syslinux;

/// <summary>A parsed syslinux/pxelinux/isolinux configuration, INCLUDEs followed.</summary>
internal sealed record SyslinuxConfig
{
    /// <summary>The labels, in file order.</summary>
    public required IReadOnlyList<SyslinuxLabel> Labels { get; init; }

    /// <summary>DEFAULT's argument: a label name or, in old configurations, a command line.</summary>
    public string? Default { get; init; }

    /// <summary>The UI module (UI menu.c32 / vesamenu.c32), or null for the plain prompt.</summary>
    public string? UserInterface { get; init; }

    /// <summary>MENU TITLE.</summary>
    public string? Title { get; init; }

    /// <summary>The global APPEND: the command line of labels without their own.</summary>
    public string? GlobalAppend { get; init; }

    /// <summary>The top level's TIMEOUT (zero waits for ever), or null when the configuration sets none.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>What could not be read or understood.</summary>
    public required IReadOnlyList<SyslinuxWarning> Warnings { get; init; }

    /// <summary>The files read, the main one first.</summary>
    public required IReadOnlyList<string> Files { get; init; }
}
