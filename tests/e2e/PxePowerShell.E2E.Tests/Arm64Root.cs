namespace PxePowerShell.E2E.Tests;

/// <summary>
/// The ARM64 boot root: Debian's signed network GRUB for arm64 (grubnetaa64.efi, as grubaa64.efi) and an arm64 kernel,
/// taken from the Debian packages that <c>bash tests/run.sh --packages</c> downloads and unpacks into <see cref="Cache"/>.
/// No initramfs: the marker is the kernel's own "Kernel command line:" line on the PL011 console.
/// </summary>
public sealed class Arm64Root : IDisposable
{
    /// <summary>Where tests/run.sh --packages unpacks grub-efi-arm64-signed:arm64 and the current arm64 kernel.</summary>
    public const string Cache = "/var/cache/pxeps-arm64/x";

    /// <summary>Builds the root.</summary>
    public Arm64Root()
    {
        string grub = Path.Combine(Cache, "usr/lib/grub/arm64-efi-signed/grubnetaa64.efi.signed");
        string? kernel = System.IO.Directory.Exists(Path.Combine(Cache, "boot"))
            ? System.IO.Directory.GetFiles(Path.Combine(Cache, "boot"), "vmlinuz-*").OrderDescending().FirstOrDefault()
            : null;
        Assert.True(File.Exists(grub) && kernel is not null, $"no arm64 GRUB and kernel under {Cache}: run bash tests/run.sh --packages (as root)");
        Directory = System.IO.Directory.CreateTempSubdirectory("pxe-e2e-arm64-").FullName;
        File.Copy(grub, Path.Combine(Directory, "grubaa64.efi"));
        File.Copy(kernel!, Path.Combine(Directory, "vmlinuz"));
        Shell.Run("chmod", $"-R a+rX {Directory}"); // the reference dnsmasq reads it as nobody
    }

    /// <summary>The root directory.</summary>
    public string Directory { get; }

    /// <summary>A root for the reference dnsmasq: links to GRUB and the kernel, and <paramref name="grubCfg"/> as grub/grub.cfg.</summary>
    public Arm64Reference ReferenceCopy(string grubCfg)
    {
        string path = System.IO.Directory.CreateTempSubdirectory("pxe-e2e-arm64-reference-").FullName;
        System.IO.Directory.CreateDirectory(Path.Combine(path, "grub"));
        foreach (var file in new[] { "grubaa64.efi", "vmlinuz" })
        {
            File.CreateSymbolicLink(Path.Combine(path, file), Path.Combine(Directory, file));
        }

        File.WriteAllText(Path.Combine(path, "grub", "grub.cfg"), grubCfg);
        Shell.Run("chmod", $"-R a+rX {path}");
        return new Arm64Reference(path);
    }

    /// <summary>The GRUB modules for arm64-efi from grub-efi-arm64-bin:arm64 (unpacked by tests/run.sh --packages).</summary>
    public const string GrubModules = Cache + "/usr/lib/grub/arm64-efi";

    /// <summary>
    /// Builds <c>grubaa64-http.efi</c> in <paramref name="directory"/> as docs/arm64.md tells an admin to: GRUB 2.06 loaded
    /// by UEFI HTTP boot learns no server from the firmware, so the image's embedded config gets an address by DHCP and
    /// reads grub/grub.cfg over HTTP from <paramref name="server"/> (host or host:port).
    /// </summary>
    public static void BuildHttpGrub(string directory, string server)
    {
        Assert.True(File.Exists(Path.Combine(GrubModules, "http.mod")), $"no arm64 GRUB modules under {GrubModules}: run bash tests/run.sh --packages (as root)");
        string early = Path.Combine(directory, "grub-http-early.cfg");
        File.WriteAllText(early, $"net_dhcp\nset root=(http,{server})\nset prefix=(http,{server})/grub\nconfigfile /grub/grub.cfg\n");
        Shell.Run("grub-mkimage", $"-O arm64-efi -d {GrubModules} -p /grub -c {early} -o {Path.Combine(directory, "grubaa64-http.efi")} efinet http net linux normal configfile echo test");
        File.Delete(early);
        Shell.Run("chmod", $"a+r {Path.Combine(directory, "grubaa64-http.efi")}");
    }

    /// <inheritdoc />
    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
