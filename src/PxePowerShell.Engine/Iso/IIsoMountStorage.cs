using PxePowerShell.Engine.Configuration;

namespace PxePowerShell.Engine.Iso;

/// <summary>
/// Where the table of mounted ISO images is kept so a new process mounts them again (mounts.json embedded). Only the
/// list (image path, mount point, servers) is stored, never the images.
/// </summary>
public interface IIsoMountStorage
{
    /// <summary>Where the list lives, for messages; never a secret.</summary>
    string Location { get; }

    /// <summary>The saved mounts, in mount order; empty when none are saved. Throws <see cref="InvalidDataException"/> when the stored list is not one.</summary>
    IReadOnlyList<IsoMountConfiguration> Read();

    /// <summary>Replaces the saved list, atomically and durable before return.</summary>
    void Write(IReadOnlyList<IsoMountConfiguration> mounts);
}
