namespace PxePowerShell.Engine.Boot.Syslinux;

/// <summary>One LABEL of a syslinux configuration, as written (paths not yet resolved).</summary>
internal sealed record SyslinuxLabel
{
    /// <summary>The label's name (what DEFAULT and the boot prompt use).</summary>
    public required string Name { get; init; }

    /// <summary>The file and line where the LABEL stands.</summary>
    public required SyslinuxWarning Origin { get; init; }

    /// <summary>MENU LABEL, without '^' hotkey marks; null when absent.</summary>
    public string? MenuLabel { get; set; }

    /// <summary>The directive that named the file to boot: KERNEL, LINUX, COM32, PXE, CONFIG, LOCALBOOT...</summary>
    public string? KernelDirective { get; set; }

    /// <summary>The file (or LOCALBOOT's argument) to boot.</summary>
    public string? Kernel { get; set; }

    /// <summary>APPEND; null when the label has none (the global APPEND then applies), "-" clears it.</summary>
    public string? Append { get; set; }

    /// <summary>INITRD files, comma separated as written.</summary>
    public string? Initrd { get; set; }

    /// <summary>TEXT HELP ... ENDTEXT.</summary>
    public string? HelpText { get; set; }

    /// <summary>MENU DEFAULT was given.</summary>
    public bool MenuDefault { get; set; }

    /// <summary>MENU EXIT was given: the label only leaves a submenu (a "Back.." item).</summary>
    public bool MenuExit { get; set; }

    /// <summary>MENU HIDE was given.</summary>
    public bool Hidden { get; set; }

    /// <summary>The submenus (MENU BEGIN titles) the label sits in, outermost first.</summary>
    public IReadOnlyList<string> Submenus { get; init; } = [];

    /// <summary>Directives of the label that change how it boots but have no translation (IPAPPEND, SYSAPPEND, MENU PASSWD...).</summary>
    public List<SyslinuxWarning> Untranslated { get; } = [];
}
