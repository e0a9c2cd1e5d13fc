namespace PxePowerShell.Engine.Http;

/// <summary>The Content-Type for a boot file, by extension. Unknown extensions are application/octet-stream.</summary>
internal static class MimeTypes
{
    /// <summary>The type sent for anything not in the table.</summary>
    public const string Default = "application/octet-stream";

    private static readonly Dictionary<string, string> Table = new(StringComparer.OrdinalIgnoreCase)
    {
        [".efi"] = Default,
        [".0"] = Default,
        [".kpxe"] = Default,
        [".kkpxe"] = Default,
        [".pxe"] = Default,
        [".lkrn"] = Default,
        [".c32"] = Default,
        [".com"] = Default,
        [".bin"] = Default,
        [".sys"] = Default,
        [".wim"] = Default,
        [".sdi"] = Default,
        [".img"] = Default,
        [".squashfs"] = Default,
        [".sfs"] = Default,
        [".cpio"] = Default,
        [".ipxe"] = "text/plain; charset=utf-8",
        [".cfg"] = "text/plain; charset=utf-8",
        [".conf"] = "text/plain; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
        [".sig"] = "application/pgp-signature",
        [".sha256"] = "text/plain; charset=utf-8",
        [".md5"] = "text/plain; charset=utf-8",
        [".iso"] = "application/x-iso9660-image",
        [".gz"] = "application/gzip",
        [".tgz"] = "application/gzip",
        [".xz"] = "application/x-xz",
        [".zst"] = "application/zstd",
        [".bz2"] = "application/x-bzip2",
        [".tar"] = "application/x-tar",
        [".zip"] = "application/zip",
        [".html"] = "text/html; charset=utf-8",
        [".htm"] = "text/html; charset=utf-8",
        [".css"] = "text/css",
        [".js"] = "text/javascript",
        [".json"] = "application/json",
        [".xml"] = "application/xml",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>The type for <paramref name="fileName"/> (only its last extension counts).</summary>
    public static string For(string fileName)
    {
        int dot = fileName.LastIndexOf('.');
        if (dot < 0 || dot == fileName.Length - 1)
        {
            return Default;
        }

        return Table.TryGetValue(fileName[dot..], out var type) ? type : Default;
    }
}
