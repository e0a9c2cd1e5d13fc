namespace PxePowerShell.Engine.Files;

/// <summary>
/// A symbolic link in a boot root whose target lies outside it: dnsmasq follows it, PxePowerShell refuses it
/// ("the path leads outside the root"). <see cref="Advice"/> names what replaces it.
/// </summary>
/// <param name="Link">The link's path below the root ("arch/vmlinuz").</param>
/// <param name="Target">Where it points (resolved, absolute).</param>
/// <param name="Image">The ISO image loop-mounted where the target lies, or null.</param>
/// <param name="InImage">The target's path inside that image, or null.</param>
internal sealed record OutsideLink(string Link, string Target, string? Image, string? InImage)
{
    /// <summary>What to do instead: the Mount-PxeIso line when the target is in a loop-mounted image, else copy the file in.</summary>
    public string Advice
    {
        get
        {
            if (Image is null || InImage is null)
            {
                return $"the link {Link} -> {Target} leads outside the root and is not served: copy the file into the root, or Mount-PxeIso the image it comes from";
            }

            // Mounted where the link's path ends with the target's path in the image, the link's own path keeps working.
            string mountPoint = Link.EndsWith("/" + InImage, StringComparison.Ordinal) ? Link[..^(InImage.Length + 1)]
                : Link == InImage ? Path.GetFileNameWithoutExtension(Image).ToLowerInvariant() : Link;
            string served = Link.EndsWith("/" + InImage, StringComparison.Ordinal) ? Link : $"{mountPoint}/{InImage}";
            return $"the link {Link} -> {Target} leads outside the root and is not served; it is {InImage} in the loop-mounted image {Image}: "
                + $"replace the link and the loop mount with Mount-PxeIso '{Image}' -MountPoint '{mountPoint}' (served as {served})";
        }
    }
}
