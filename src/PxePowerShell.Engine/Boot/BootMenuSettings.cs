namespace PxePowerShell.Engine.Boot;

/// <summary>Menu-wide settings, stored with the entries.</summary>
public sealed record BootMenuSettings
{
    /// <summary>The menu title.</summary>
    public string Title { get; init; } = "PxePowerShell";

    /// <summary>How long the menu waits before booting the default entry; zero waits for ever.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>pxelinux only: show the "boot:" prompt (PROMPT 1) instead of going straight to the menu.</summary>
    public bool Prompt { get; init; }
}
