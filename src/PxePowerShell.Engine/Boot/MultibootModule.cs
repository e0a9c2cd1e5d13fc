namespace PxePowerShell.Engine.Boot;

/// <summary>One module of a multiboot chain (after the hypervisor): a path and its command line.</summary>
/// <param name="Path">Boot-namespace path or URL of the module.</param>
/// <param name="Arguments">The module's command line, if any.</param>
public sealed record MultibootModule(string Path, string? Arguments = null)
{
    /// <summary>
    /// Reads the command-line form used by -Module: the first word is the path, the rest its arguments
    /// ("xenserver/boot/vmlinuz console=hvc0" → path "xenserver/boot/vmlinuz", arguments "console=hvc0").
    /// </summary>
    public static MultibootModule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length switch
        {
            0 => throw new BootEntryException(PxeErrorIds.InvalidPath, "A module needs a path.", target: text),
            1 => new MultibootModule(parts[0]),
            _ => new MultibootModule(parts[0], parts[1].Trim()),
        };
    }

    /// <summary>The command-line form: the path, then the arguments.</summary>
    public override string ToString() => string.IsNullOrEmpty(Arguments) ? Path : Path + " " + Arguments;
}
