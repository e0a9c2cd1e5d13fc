using System.Text;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Files;

/// <summary>
/// dnsmasq's reading of absolute names that begin with the TFTP root (issue 18 item 3, the TFTP side), and the links
/// out of the root that dnsmasq follows and PxePowerShell names instead (item 2).
/// </summary>
public sealed class RootRelativePathTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("pxeps-rootrel-").FullName;

    [Theory]
    [InlineData("/tftpboot/xenserver/xen.gz", "/tftpboot", "xenserver/xen.gz")]
    [InlineData("tftpboot/xenserver/xen.gz", "/tftpboot/", "xenserver/xen.gz")]
    [InlineData("/srv/tftp/pxelinux.0", "/srv/tftp", "pxelinux.0")]
    [InlineData("/tftpboot2/xen.gz", "/tftpboot", "/tftpboot2/xen.gz")]
    [InlineData("/tftpboot", "/tftpboot", "/tftpboot")]
    [InlineData("xenserver/xen.gz", "/tftpboot", "xenserver/xen.gz")]
    [InlineData("/tftpboot/xen.gz", "tftpboot", "/tftpboot/xen.gz")]
    [InlineData("/tftpboot/a", null, "/tftpboot/a")]
    [InlineData("/a", "/", "/a")]
    public void Paths_that_begin_with_the_root_are_reduced_to_the_path_below_it(string path, string? root, string expected) =>
        Assert.Equal(expected, RootRelativePath.Reduce(path, root));

    [Fact]
    public void The_tftp_side_serves_an_absolute_name_that_begins_with_the_root_as_dnsmasq_does()
    {
        string root = Directory.CreateDirectory(Path.Combine(_base, "tftpboot")).FullName;
        Directory.CreateDirectory(Path.Combine(root, "xenserver"));
        File.WriteAllText(Path.Combine(root, "xenserver", "xen.gz"), "xen");
        var source = new DirectoryFileSource(root);
        var result = source.Open(BootPath.Parse(root + "/xenserver/xen.gz"));
        Assert.Equal(BootFileStatus.Ok, result.Status);
        using (var file = result.File!)
        {
            var buffer = new byte[file.Length];
            file.Read(0, buffer);
            Assert.Equal("xen", Encoding.UTF8.GetString(buffer));
        }

        Assert.Equal(BootFileStatus.NotFound, source.Open(BootPath.Parse(root + "/xenserver/nope.gz")).Status);
    }

    [Fact]
    public void Links_out_of_the_root_are_found_and_the_advice_names_the_mount_that_replaces_them()
    {
        string root = Directory.CreateDirectory(Path.Combine(_base, "root")).FullName;
        string outside = Directory.CreateDirectory(Path.Combine(_base, "outside")).FullName;
        File.WriteAllText(Path.Combine(outside, "vmlinuz"), "kernel");
        File.WriteAllText(Path.Combine(root, "initrd"), "initrd");
        File.CreateSymbolicLink(Path.Combine(root, "vmlinuz"), Path.Combine(outside, "vmlinuz"));
        File.CreateSymbolicLink(Path.Combine(root, "climbing"), "../outside/vmlinuz");
        File.CreateSymbolicLink(Path.Combine(root, "inside"), Path.Combine(root, "initrd"));
        File.CreateSymbolicLink(Path.Combine(root, "loop-a"), Path.Combine(root, "loop-b"));
        File.CreateSymbolicLink(Path.Combine(root, "loop-b"), Path.Combine(root, "loop-a"));

        var links = OutsideLinkScanner.Find(root).OrderBy(l => l.Link, StringComparer.Ordinal).ToList();
        Assert.Equal(["climbing", "vmlinuz"], links.Select(l => l.Link));
        Assert.All(links, l => Assert.Equal(Path.Combine(outside, "vmlinuz"), l.Target));
        Assert.Contains("copy the file into the root", links[0].Advice, StringComparison.Ordinal);

        var iso = new OutsideLink("iso/arch/boot/x86_64/vmlinuz-linux", "/mnt/arch/arch/boot/x86_64/vmlinuz-linux", "/srv/iso/archlinux.iso", "arch/boot/x86_64/vmlinuz-linux");
        Assert.Contains("Mount-PxeIso '/srv/iso/archlinux.iso' -MountPoint 'iso' (served as iso/arch/boot/x86_64/vmlinuz-linux)", iso.Advice, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_base, recursive: true);
}
