namespace PxePowerShell.Engine.Boot.Syslinux;

/// <summary>A line of a syslinux/pxelinux/isolinux configuration that was not translated, and why.</summary>
/// <param name="File">The file, as the configuration names it.</param>
/// <param name="Line">The 1-based line number; 0 when the warning is about the file as a whole.</param>
/// <param name="Text">The line as written.</param>
/// <param name="Message">What was not translated and what to do about it.</param>
public sealed record SyslinuxWarning(string File, int Line, string Text, string Message)
{
    /// <inheritdoc />
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message} ({Text.Trim()})" : $"{File}: {Message}";
}
