using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Boot.SecureBoot;

/// <summary>
/// The signed boot chain for x86-64 UEFI clients with Secure Boot on: the firmware checks shim (signed by Microsoft's
/// UEFI CA), shim checks GRUB (signed by the distribution, whose certificate shim carries), GRUB asks shim to check the
/// kernel. Served at <see cref="Directory"/> in the boot namespace: shim loads <see cref="GrubName"/> from its own
/// directory, and the network GRUB reads grub/grub.cfg (its prefix is /grub), which the server generates from the boot
/// entries. By default the files are Debian's (packages shim-signed and grub-efi-amd64-signed); any directory with the
/// same names (Ubuntu's netboot tarball, a Fedora shim + GRUB, a chain signed with the admin's own key) works too.
/// </summary>
/// <param name="Shim">The signed shim on the host.</param>
/// <param name="Grub">The signed network GRUB on the host.</param>
/// <param name="MokManager">The signed MOK manager shim starts when a key enrolment is pending, or null.</param>
public sealed record SecureBootChain(string Shim, string Grub, string? MokManager)
{
    /// <summary>Where the chain is served in the boot namespace.</summary>
    public const string Directory = "secureboot";

    /// <summary>shim's served name (the boot file x86-64 UEFI clients get).</summary>
    public const string ShimName = "shimx64.efi";

    /// <summary>GRUB's served name: the second stage shim loads from its own directory.</summary>
    public const string GrubName = "grubx64.efi";

    /// <summary>The MOK manager's served name.</summary>
    public const string MokManagerName = "mmx64.efi";

    /// <summary>The boot file DHCP replies name for x86-64 UEFI clients.</summary>
    public const string BootFile = Directory + "/" + ShimName;

    /// <summary>Debian's signed shim (package shim-signed).</summary>
    public const string DebianShim = "/usr/lib/shim/shimx64.efi.signed";

    /// <summary>Debian's signed network GRUB (package grub-efi-amd64-signed).</summary>
    public const string DebianGrub = "/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed";

    /// <summary>Debian's signed MOK manager (package shim-signed).</summary>
    public const string DebianMokManager = "/usr/lib/shim/mmx64.efi.signed";

    /// <summary>
    /// Why the chain may stop at GRUB beside a router: upstream GRUB, Debian's signed GRUB among them, takes its TFTP
    /// server from the router's DHCP acknowledgement, not from the proxyDHCP offer (GNU savannah bug #55636; Fedora and
    /// RHEL's GRUB carry a fix).
    /// </summary>
    public const string ProxyDhcpWarning =
        "Secure Boot beside a router (proxyDHCP): shim loads GRUB from this server, but upstream GRUB (Debian's signed GRUB too) takes its TFTP server "
        + "from the router's DHCP reply, not from the proxy offer, and stops at a grub> prompt without the menu (GRUB bug #55636). Use full DHCP mode (-Dhcp), "
        + "let the router name this host as next-server, or give -SecureBootPath a chain whose GRUB reads the proxy offer (Fedora/RHEL).";

    private static readonly string[] ShimCandidates = [ShimName, "shimx64.efi.signed", "bootx64.efi"];

    // The network GRUB first: a disk GRUB (Debian's grubx64.efi.signed) looks for its configuration on a disk.
    private static readonly string[] GrubCandidates = ["grubnetx64.efi.signed", "grubnetx64.efi", GrubName, "grubx64.efi.signed"];

    private static readonly string[] MokManagerCandidates = [MokManagerName, "mmx64.efi.signed"];

    /// <summary>
    /// Finds the chain in <paramref name="directory"/>, or Debian's files when it is null.
    /// </summary>
    /// <exception cref="FileNotFoundException">shim or GRUB is missing; the message says which and how to get them.</exception>
    public static SecureBootChain Locate(string? directory)
    {
        if (directory is null)
        {
            var missing = new List<string>();
            if (!File.Exists(DebianShim))
            {
                missing.Add($"{DebianShim} (package shim-signed)");
            }

            if (!File.Exists(DebianGrub))
            {
                missing.Add($"{DebianGrub} (package grub-efi-amd64-signed)");
            }

            if (missing.Count > 0)
            {
                throw new FileNotFoundException(
                    $"The Secure Boot chain is not installed: {string.Join(" and ", missing)} not found. Install it (apt install shim-signed grub-efi-amd64-signed) "
                    + "or give -SecureBootPath, a directory with a signed shimx64.efi and grubx64.efi.",
                    missing.Count == 2 || !File.Exists(DebianShim) ? DebianShim : DebianGrub);
            }

            return new SecureBootChain(DebianShim, DebianGrub, File.Exists(DebianMokManager) ? DebianMokManager : null);
        }

        string full = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(full))
        {
            throw new FileNotFoundException($"The Secure Boot directory '{full}' does not exist.", full);
        }

        string? shim = First(full, ShimCandidates);
        string? grub = First(full, GrubCandidates);
        if (shim is null || grub is null)
        {
            string what = shim is null && grub is null ? "signed shim (shimx64.efi) and no signed network GRUB (grubx64.efi)"
                : shim is null ? "signed shim (shimx64.efi or shimx64.efi.signed)" : "signed network GRUB (grubx64.efi or grubnetx64.efi.signed)";
            throw new FileNotFoundException($"The Secure Boot directory '{full}' has no {what}.", full);
        }

        return new SecureBootChain(shim, grub, First(full, MokManagerCandidates));
    }

    /// <summary>The source that serves the chain under <see cref="Directory"/>.</summary>
    public FileMapSource ToSource()
    {
        var files = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [ShimName] = Shim, [GrubName] = Grub };
        if (MokManager is not null)
        {
            files[MokManagerName] = MokManager;
        }

        return new FileMapSource($"Secure Boot chain ({Shim}, {Grub})", files);
    }

    private static string? First(string directory, string[] names) =>
        names.Select(n => Path.Combine(directory, n)).FirstOrDefault(File.Exists);
}
