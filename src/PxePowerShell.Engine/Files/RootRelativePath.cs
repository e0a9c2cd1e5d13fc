namespace PxePowerShell.Engine.Files;

/// <summary>
/// Absolute paths that begin with the TFTP root, as dnsmasq reads them: with <c>tftp-root=/tftpboot</c>, a client's
/// <c>/tftpboot/xenserver/xen.gz</c> (or a menu's <c>APPEND ... /tftpboot/xenserver/xen.gz</c>) names
/// <c>xenserver/xen.gz</c> below the root. The TFTP side and the menu importers share this one reduction.
/// </summary>
internal static class RootRelativePath
{
    /// <summary>
    /// True when <paramref name="path"/> (leading '/' optional) lies below <paramref name="root"/> (an absolute
    /// directory); <paramref name="reduced"/> is then the path below the root, without a leading '/'.
    /// </summary>
    public static bool TryReduce(string path, string? root, out string reduced)
    {
        ArgumentNullException.ThrowIfNull(path);
        reduced = path;
        string prefix = (root ?? string.Empty).Trim('/');
        if (prefix.Length == 0 || !Path.IsPathRooted(root))
        {
            return false;
        }

        string candidate = path.TrimStart('/');
        if (candidate.Length <= prefix.Length + 1 || !candidate.StartsWith(prefix, StringComparison.Ordinal) || candidate[prefix.Length] != '/')
        {
            return false;
        }

        reduced = candidate[(prefix.Length + 1)..].TrimStart('/');
        return reduced.Length > 0;
    }

    /// <summary>The path below <paramref name="root"/> when <paramref name="path"/> begins with it; otherwise <paramref name="path"/> unchanged.</summary>
    public static string Reduce(string path, string? root) => TryReduce(path, root, out var reduced) ? reduced : path;
}
