namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Absolute file names that begin with the TFTP root's own directory, as dnsmasq reads them: a request or a menu path
/// <c>/tftpboot/xenserver/xen.gz</c> under <c>tftp-root=/tftpboot</c> means <c>xenserver/xen.gz</c> of the root.
/// Pure: compares strings only.
/// </summary>
public static class TftpRootPath
{
    /// <summary>
    /// Returns <paramref name="path"/> with the leading <paramref name="rootDirectory"/> replaced by '/' (so
    /// <c>/tftpboot/a/b</c> becomes <c>/a/b</c>) when the path starts with the root directory and a '/';
    /// otherwise the path unchanged. A null or relative root changes nothing.
    /// </summary>
    public static string Reduce(string path, string? rootDirectory)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (string.IsNullOrEmpty(rootDirectory) || !rootDirectory.StartsWith('/') || !path.StartsWith('/'))
        {
            return path;
        }

        string prefix = rootDirectory.TrimEnd('/') + "/";
        return prefix.Length > 1 && path.StartsWith(prefix, StringComparison.Ordinal) ? path[(prefix.Length - 1)..] : path;
    }
}
