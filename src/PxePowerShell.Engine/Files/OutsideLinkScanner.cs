using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Files;

/// <summary>
/// Finds the symbolic links of a boot root that point outside it (what seeds did to serve loop-mounted ISOs with
/// dnsmasq), and for each the loop-mounted image its target lies in, from /proc/self/mountinfo and the loop device's
/// backing file. Bounded: at most <see cref="MaxEntries"/> directory entries are looked at.
/// </summary>
internal static class OutsideLinkScanner
{
    /// <summary>How many directory entries one scan looks at, at most.</summary>
    public const int MaxEntries = 20000;

    /// <summary>The links below <paramref name="root"/> whose final target is outside it (none when the root does not exist).</summary>
    public static IReadOnlyList<OutsideLink> Find(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var found = new List<OutsideLink>();
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            return found;
        }

        string real = new DirectoryInfo(full).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
        string inside = real.TrimEnd('/') + "/";
        var mounts = LoopMounts();
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0, ReturnSpecialDirectories = false };
        int seen = 0;
        foreach (var entry in new DirectoryInfo(real).EnumerateFileSystemInfos("*", options))
        {
            if (++seen > MaxEntries)
            {
                break;
            }

            if (entry.LinkTarget is null)
            {
                continue;
            }

            string? target;
            try
            {
                target = entry.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            }
            catch (IOException)
            {
                continue; // a loop of links: refused when asked for, nothing to advise
            }

            if (target is null || target.StartsWith(inside, StringComparison.Ordinal) || target == real)
            {
                continue;
            }

            string link = Path.GetRelativePath(real, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
            var mount = mounts.Where(m => target.StartsWith(m.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
                .OrderByDescending(m => m.MountPoint.Length).FirstOrDefault();
            found.Add(mount.Image is null
                ? new OutsideLink(link, target, null, null)
                : new OutsideLink(link, target, mount.Image, target[(mount.MountPoint.TrimEnd('/').Length + 1)..]));
        }

        return found;
    }

    /// <summary>Loop mounts: mount point and backing image file.</summary>
    private static List<(string MountPoint, string? Image)> LoopMounts()
    {
        var result = new List<(string, string?)>();
        foreach (var line in ProcFs.MountInfoLines())
        {
            // id parent major:minor root mount-point options [optional...] - fstype source super-options
            var fields = line.Split(' ');
            int dash = Array.IndexOf(fields, "-");
            if (fields.Length < 5 || dash < 0 || dash + 2 >= fields.Length || !fields[dash + 2].StartsWith("/dev/loop", StringComparison.Ordinal))
            {
                continue;
            }

            string? image = ProcFs.LoopBackingFile(fields[dash + 2]["/dev/".Length..]);
            if (image is { Length: > 0 })
            {
                result.Add((Unescape(fields[4]), image));
            }
        }

        return result;
    }

    /// <summary>mountinfo writes space, tab, newline and backslash as octal escapes (\040).</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
