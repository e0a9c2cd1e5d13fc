using System.Management.Automation;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell;

/// <summary>
/// The shared half of ConvertFrom-PxeSyslinuxConfig and ConvertFrom-PxeGrubConfig: -Path (also from the pipeline, as
/// FullName) and -Root, the file read with the errors of <see cref="PxeCmdlet.TryReadConfiguration"/>, every line that
/// does not translate a warning naming its file and line, and the entries written to the pipeline for New-PxeBootEntry.
/// </summary>
public abstract class ConvertFromBootConfigCmdlet : PxeCmdlet
{
    /// <summary>The configuration file (pxelinux.cfg/default, grub.cfg).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The TFTP root the file's paths start from (default: each importer's own guess).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>What the file is, for errors ("GRUB configuration").</summary>
    private protected abstract string What { get; }

    /// <summary>Translates <paramref name="file"/> with <paramref name="root"/> (resolved, or null for the importer's default).</summary>
    private protected abstract Conversion Read(string file, string? root);

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        string path = ResolvePath(Path);
        if (!TryReadConfiguration(path, What, file => Read(file, Root is null ? null : ResolvePath(Root)), out Conversion? conversion))
        {
            return;
        }

        WriteVerbose($"Read {string.Join(", ", conversion.Files)}; {conversion.Entries.Count} entries.");
        foreach (var warning in conversion.Warnings)
        {
            WriteWarning(warning.ToString());
        }

        WriteObject(conversion.Entries, enumerateCollection: true);
    }

    /// <summary>What an importer found: the files read, the entries and the lines that did not translate.</summary>
    private protected sealed record Conversion(IReadOnlyList<string> Files, IReadOnlyList<BootEntry> Entries, IReadOnlyList<SyslinuxWarning> Warnings);
}
