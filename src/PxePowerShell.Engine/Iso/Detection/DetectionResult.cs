using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Iso.Detection;

/// <summary>What a mounted image is and how to boot it.</summary>
/// <param name="Distribution">The distribution found ("Arch Linux", "Debian installer"...), or null when none was recognised.</param>
/// <param name="ProposedEntries">Boot entries whose paths lie under the mount point; empty when none could be proposed.</param>
/// <param name="Warnings">What the admin should know (nothing proposed, what the entry needs).</param>
internal sealed record DetectionResult(string? Distribution, IReadOnlyList<BootEntry> ProposedEntries, IReadOnlyList<string> Warnings);
