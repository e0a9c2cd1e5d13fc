using System.Text;
using PxePowerShell.Engine.Iso;
using PxePowerShell.Engine.Iso.Udf;

namespace PxePowerShell.Engine.Tests.Iso.Udf;

/// <summary>UDF images made by genisoimage (UDF 1.02 bridge) and mkudffs (empty 1.02-2.60 volumes), read back through the reader.</summary>
public sealed class UdfImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-udf-").FullName;

    private string Tree => field ??= CreateTree();

    private string CreateTree()
    {
        string tree = IsoTestImages.CreateTree(_dir);
        File.WriteAllText(Path.Combine(tree, "Über große Datei – ünïcödé ✓.txt"), "umlauts\n");
        File.WriteAllText(Path.Combine(tree, new string('n', 96) + ".txt"), "two hundred\n");
        return tree;
    }

    [Fact]
    public void Genisoimage_UDF_bridge_serves_UDF_names_and_exact_bytes()
    {
        string iso = Path.Combine(_dir, "bridge.iso");
        IsoTestImages.Run("genisoimage", "-quiet", "-udf", "-D", "-J", "-joliet-long", "-V", "BRIDGE", "-o", iso, Tree);
        using var image = IsoImage.Open(iso);
        Assert.Equal(["ISO9660", "Joliet", "UDF 1.02"], image.FileSystems.Order().ToArray());
        Assert.Equal("UDF 1.02", image.FileSystem.Name);
        Assert.Equal("BRIDGE", image.VolumeLabel);
        AssertContent(image, "boot/x86_64/vmlinuz-linux", IsoTestImages.Bytes(150_001, 1));
        AssertContent(image, "boot/initramfs-linux.img", IsoTestImages.Bytes(70_000, 2));
        AssertContent(image, "A Long File Name, with Spaces and MiXeD case.txt", Encoding.ASCII.GetBytes("long name\n"));
        AssertContent(image, "Über große Datei – ünïcödé ✓.txt", Encoding.UTF8.GetBytes("umlauts\n"));
        AssertContent(image, new string('n', 96) + ".txt", Encoding.ASCII.GetBytes("two hundred\n"));
        AssertContent(image, "empty", []);
        AssertContent(image, "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/deep.txt", Encoding.ASCII.GetBytes("twelve levels down\n"));
        Assert.Equal(12, CountDirectories(image, "d1"));
        Assert.Single(image.Find("boot/x86_64/vmlinuz-linux")!.Extents);
        Assert.Null(image.List("empty"));
    }

    [Theory]
    [InlineData("hd", "1.02")]
    [InlineData("hd", "1.50")]
    [InlineData("hd", "2.00")]
    [InlineData("hd", "2.01")]
    [InlineData("dvdr", "2.50")]
    [InlineData("bdr", "2.60")]
    public void An_empty_mkudffs_volume_reports_its_revision_and_an_empty_root(string media, string revision)
    {
        string img = Path.Combine(_dir, $"{media}-{revision}.img");
        IsoTestImages.Run("mkudffs", $"--media-type={media}", $"--udfrev={revision}", "--blocksize=2048", "--label=Empty UDF", img, "8000");
        using var image = IsoImage.Open(img);
        Assert.Equal([$"UDF {revision}"], image.FileSystems.ToArray());
        Assert.Equal("Empty UDF", image.VolumeLabel);
        Assert.Empty(image.List("")!);
        Assert.Equal(IsoEntryKind.Directory, image.FileSystem.Root.Kind);
    }

    [Fact]
    public void Rock_Ridge_wins_over_UDF_in_a_hybrid_image_and_UDF_over_Joliet()
    {
        string rr = Path.Combine(_dir, "rr-udf.iso");
        IsoTestImages.Run("genisoimage", "-quiet", "-udf", "-R", "-J", "-joliet-long", "-V", "HYBRID", "-o", rr, Tree);
        using (var image = IsoImage.Open(rr))
        {
            Assert.Equal(["ISO9660", "Joliet", "RockRidge", "UDF 1.02"], image.FileSystems.Order().ToArray());
            Assert.Equal("RockRidge", image.FileSystem.Name);
            Assert.Equal(IsoEntryKind.Symlink, image.FindLink("latest")!.Kind);
        }

        string joliet = Path.Combine(_dir, "joliet-udf.iso");
        IsoTestImages.Run("genisoimage", "-quiet", "-udf", "-J", "-V", "HYBRID", "-o", joliet, Tree);
        using (var image = IsoImage.Open(joliet))
        {
            Assert.Equal("UDF 1.02", image.FileSystem.Name);
            Assert.Null(image.IgnoredUdfError);
        }
    }

    [Fact]
    public void A_hybrid_image_with_a_corrupt_UDF_side_serves_ISO_9660_and_says_why()
    {
        string iso = Path.Combine(_dir, "bad-udf.iso");
        IsoTestImages.Run("genisoimage", "-quiet", "-udf", "-J", "-V", "HYBRID", "-o", iso, Tree);
        var bytes = File.ReadAllBytes(iso);
        var (_, entry) = UdfTestImages.Locate(bytes, "boot");
        bytes[entry + 4] ^= 0xFF; // the tag checksum of /boot's File Entry
        File.WriteAllBytes(iso, bytes);
        using var image = IsoImage.Open(iso);
        Assert.Equal("Joliet", image.FileSystem.Name);
        Assert.NotNull(image.IgnoredUdfError);
        Assert.Contains("UDF File Entry of /boot", image.IgnoredUdfError!.Structure, StringComparison.Ordinal);
        AssertContent(image, "boot/x86_64/vmlinuz-linux", IsoTestImages.Bytes(150_001, 1));
    }

    [Fact]
    public void UDF_symbolic_links_resolve_inside_the_image()
    {
        foreach (var name in new[] { "rel", "abs", "parent", "dir" })
        {
            File.WriteAllBytes(Path.Combine(Tree, "boot", name), new byte[600]);
        }

        string iso = Path.Combine(_dir, "links.iso");
        IsoTestImages.Run("genisoimage", "-quiet", "-udf", "-J", "-V", "LINKS", "-o", iso, Tree);
        var bytes = File.ReadAllBytes(iso);
        MakeLink(bytes, "rel", [(5, "x86_64"), (5, "vmlinuz-linux")]);
        MakeLink(bytes, "abs", [(2, ""), (5, "boot"), (5, "initramfs-linux.img")]);
        MakeLink(bytes, "parent", [(3, ""), (4, ""), (5, "A Long File Name, with Spaces and MiXeD case.txt")]);
        MakeLink(bytes, "dir", [(5, "x86_64")]);
        File.WriteAllBytes(iso, bytes);

        using var image = IsoImage.Open(iso);
        Assert.Equal("UDF 1.02", image.FileSystem.Name);
        var link = image.FindLink("boot/rel")!;
        Assert.Equal((IsoEntryKind.Symlink, "x86_64/vmlinuz-linux"), (link.Kind, link.SymlinkTarget));
        Assert.Equal("/boot/initramfs-linux.img", image.FindLink("boot/abs")!.SymlinkTarget);
        Assert.Equal("../.", image.FindLink("boot/parent")!.SymlinkTarget![..4]);
        AssertContent(image, "boot/rel", IsoTestImages.Bytes(150_001, 1));
        AssertContent(image, "boot/abs", IsoTestImages.Bytes(70_000, 2));
        AssertContent(image, "boot/parent", Encoding.ASCII.GetBytes("long name\n"));
        AssertContent(image, "boot/dir/vmlinuz-linux", IsoTestImages.Bytes(150_001, 1));
    }

    /// <summary>Turns the file <paramref name="name"/> (a File Entry with room in its content) into a UDF symbolic link.</summary>
    private static void MakeLink(byte[] image, string name, (int Type, string Name)[] components)
    {
        var (_, entry) = UdfTestImages.Locate(image, name);
        var content = new List<byte>();
        foreach (var (type, component) in components)
        {
            byte[] id = component.Length == 0 ? [] : [8, .. Encoding.Latin1.GetBytes(component)];
            content.AddRange([(byte)type, (byte)id.Length, 0, 0, .. id]);
        }

        content.ToArray().CopyTo(image, UdfTestImages.ContentOffset(image, entry));
        image[entry + 27] = 12; // ICB file type: symbolic link
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(image.AsSpan(entry + 56), content.Count);
        UdfTestImages.Seal(image, entry);
    }

    private static int CountDirectories(IsoImage image, string path)
    {
        int depth = 0;
        for (var entries = image.List(path); entries is not null && entries.Any(e => e.IsDirectory); depth++)
        {
            path += "/" + entries.First(e => e.IsDirectory).Name;
            entries = image.List(path);
        }

        return depth + 1;
    }

    internal static void AssertContent(IsoImage image, string path, byte[] expected)
    {
        var entry = image.Find(path);
        Assert.True(entry is not null, $"{path} not found in {string.Join(", ", image.List("")!.Select(e => e.Name))}");
        using var file = image.OpenFile(entry!);
        Assert.Equal(expected.Length, file.Length);
        var actual = new byte[expected.Length];
        int read = 0;
        while (read < actual.Length)
        {
            int n = file.Read(read, actual.AsSpan(read));
            Assert.True(n > 0, $"{path}: short read at {read}");
            read += n;
        }

        Assert.Equal(expected, actual);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
