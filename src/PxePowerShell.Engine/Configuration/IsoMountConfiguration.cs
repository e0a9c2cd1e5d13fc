namespace PxePowerShell.Engine.Configuration;

/// <summary>An ISO image served under a mount point of the boot namespace (Mount-PxeIso).</summary>
/// <param name="Path">The image file.</param>
/// <param name="MountPoint">The first path segment it is served under ("arch" serves arch/boot/x86_64/vmlinuz-linux).</param>
public sealed record IsoMountConfiguration(string Path, string MountPoint)
{
    /// <summary>
    /// The names of the servers that serve it (Mount-PxeIso -Server); empty when every server does. A server started
    /// from a configuration that lists a scoped mount always serves it too.
    /// </summary>
    public IReadOnlyList<string> Servers { get; init; } = [];

    /// <summary>Equal when path, mount point and the server names (in order, ignoring case) are.</summary>
    public bool Equals(IsoMountConfiguration? other) =>
        other is not null
        && string.Equals(Path, other.Path, StringComparison.Ordinal)
        && string.Equals(MountPoint, other.MountPoint, StringComparison.Ordinal)
        && Servers.SequenceEqual(other.Servers, StringComparer.OrdinalIgnoreCase);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Path, MountPoint, Servers.Count);
}
