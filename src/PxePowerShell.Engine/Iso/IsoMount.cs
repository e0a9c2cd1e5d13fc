using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Iso.Detection;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// An image mounted in the boot namespace (Mount-PxeIso's output). Besides what the image is, it carries the first
/// proposed boot entry's Name, Label, Kind, Kernel, Initrd and Arguments, so piping it into New-PxeBootEntry creates that entry.
/// </summary>
public sealed class IsoMount
{
    internal IsoMount(string mountPoint, IsoFileSource source, DetectionResult detection, DateTimeOffset mountedAt, IReadOnlyList<string> servers)
    {
        MountPoint = mountPoint;
        Servers = servers;
        Source = source;
        Detection = detection;
        MountedAt = mountedAt;
    }

    /// <summary>The first path segment the image is served under.</summary>
    public string MountPoint { get; }

    /// <summary>
    /// The names of the servers that serve it (Mount-PxeIso -Server), in the order given; empty when every server of the
    /// session serves it. A name stays in the list while its server is stopped: a server started again with that name
    /// serves the image again.
    /// </summary>
    public IReadOnlyList<string> Servers { get; }

    /// <summary>The image file.</summary>
    public string Path => Source.Image.Path;

    /// <summary>The volume label.</summary>
    public string VolumeLabel => Source.Image.VolumeLabel;

    /// <summary>Every name space found ("ISO9660", "Joliet", "RockRidge", "UDF 1.02"...).</summary>
    public IReadOnlyList<string> FileSystems => Source.Image.FileSystems;

    /// <summary>The name space served.</summary>
    public string FileSystem => Source.Image.FileSystem.Name;

    /// <summary>The image's size in bytes.</summary>
    public long Size => Source.Image.Size;

    /// <summary>The El Torito boot images.</summary>
    public IReadOnlyList<IsoBootImage> BootImages => Source.Image.BootImages;

    /// <summary>The distribution recognised, or null.</summary>
    public string? Distribution => Detection.Distribution;

    /// <summary>The boot entries proposed (paths under the mount point).</summary>
    public IReadOnlyList<BootEntry> ProposedEntries => Detection.ProposedEntries;

    /// <summary>What the admin should know about booting this image (and about a UDF name space that could not be read).</summary>
    public IReadOnlyList<string> Warnings => Source.Image.IgnoredUdfError is { } udf
        ? [.. Detection.Warnings, $"The image's UDF name space was not used ({udf.Message}); its ISO 9660 names are served."]
        : Detection.Warnings;

    /// <summary>When it was mounted.</summary>
    public DateTimeOffset MountedAt { get; }

    /// <summary>The first proposed entry's name (New-PxeBootEntry binds it), or null.</summary>
    public string? Name => First?.Name;

    /// <summary>The first proposed entry's label.</summary>
    public string? Label => First?.Label;

    /// <summary>The first proposed entry's kind.</summary>
    public BootEntryKind? Kind => First?.Kind;

    /// <summary>The first proposed entry's kernel (a namespace path under the mount point).</summary>
    public string? Kernel => First?.Kernel;

    /// <summary>The first proposed entry's initrds.</summary>
    public IReadOnlyList<string>? Initrd => First?.Initrd;

    /// <summary>The first proposed entry's kernel arguments ({http} is filled by the servers).</summary>
    public string? Arguments => First?.Arguments;

    /// <summary>Whether the server named <paramref name="serverName"/> serves it (always when unscoped; null names no server, so only unscoped mounts).</summary>
    public bool IsServedBy(string? serverName) =>
        Servers.Count == 0 || (serverName is not null && Servers.Contains(serverName, StringComparer.OrdinalIgnoreCase));

    /// <summary>The served source.</summary>
    public IsoFileSource Source { get; }

    internal DetectionResult Detection { get; }

    private BootEntry? First => Detection.ProposedEntries.Count > 0 ? Detection.ProposedEntries[0] : null;
}
