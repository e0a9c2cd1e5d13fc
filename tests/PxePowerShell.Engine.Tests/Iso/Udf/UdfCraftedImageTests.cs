using System.Text;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Iso.Udf;

/// <summary>
/// Populated UDF 1.02, 2.01, 2.50 and 2.60 volumes (the last two with a metadata partition) written by
/// <see cref="UdfImageWriter"/>, read back byte-identical: embedded, short_ad and long_ad content, many extents,
/// Allocation Extent Descriptor chains, 8- and 16-bit names, directories longer than a block, symbolic links, a file
/// over 4 GiB.
/// </summary>
public sealed class UdfCraftedImageTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-udfw-").FullName;

    internal static UdfImageWriter Populated(ushort revision)
    {
        var writer = new UdfImageWriter(revision, sectors: 2048, label: "Crafted Ünïcödé");
        writer.AddDirectory("boot");
        writer.AddDirectory("boot/x86_64");
        writer.AddFile("boot/x86_64/vmlinuz", IsoTestImages.Bytes(300_001, 1), extentBytes: 64 * 1024);
        writer.AddFile("boot/initrd.img", IsoTestImages.Bytes(100_000, 2), extentBytes: 4096, perDescriptorBlock: 5);
        writer.AddFile("small.txt", Encoding.ASCII.GetBytes("embedded in its entry\n"), embed: true);
        writer.AddFile("empty", []);
        writer.AddFile("Ωμέγα – 日本語.txt", Encoding.UTF8.GetBytes("sixteen-bit name\n"));
        writer.AddDirectory("many");
        for (int i = 0; i < 40; i++)
        {
            writer.AddFile($"many/{i:d3}-{new string('x', 60)}", [(byte)i]);
        }

        writer.AddSymlink("latest", (5, "boot"), (5, "x86_64"), (5, "vmlinuz"));
        writer.AddSymlink("boot/absolute", (2, string.Empty), (5, "small.txt"));
        writer.AddSymlink("boot/x86_64/up", (3, string.Empty), (5, "initrd.img"));
        writer.AddSymlink("kernels", (4, string.Empty), (5, "boot"), (5, "x86_64"));
        return writer;
    }

    [Theory]
    [InlineData((ushort)0x0102, "UDF 1.02")]
    [InlineData((ushort)0x0201, "UDF 2.01")]
    [InlineData((ushort)0x0250, "UDF 2.50")]
    [InlineData((ushort)0x0260, "UDF 2.60")]
    public void A_populated_volume_reads_back_byte_identical(ushort revision, string name)
    {
        string path = Path.Combine(_dir, $"{name}.img");
        File.WriteAllBytes(path, Populated(revision).Build());
        using var image = IsoImage.Open(path);
        Assert.Equal([name], image.FileSystems.ToArray());
        Assert.Equal(name, image.FileSystem.Name);
        Assert.Equal("Crafted Ünïcödé", image.VolumeLabel);
        UdfImageTests.AssertContent(image, "boot/x86_64/vmlinuz", IsoTestImages.Bytes(300_001, 1));
        Assert.Equal(5, image.Find("boot/x86_64/vmlinuz")!.Extents.Count); // 64 KiB extents with a gap between
        UdfImageTests.AssertContent(image, "boot/initrd.img", IsoTestImages.Bytes(100_000, 2)); // 25 extents, 4 AEDs
        Assert.Equal(25, image.Find("boot/initrd.img")!.Extents.Count);
        UdfImageTests.AssertContent(image, "small.txt", Encoding.ASCII.GetBytes("embedded in its entry\n"));
        UdfImageTests.AssertContent(image, "empty", []);
        UdfImageTests.AssertContent(image, "Ωμέγα – 日本語.txt", Encoding.UTF8.GetBytes("sixteen-bit name\n"));
        var many = image.List("many")!;
        Assert.Equal(40, many.Count);
        for (int i = 0; i < 40; i++)
        {
            UdfImageTests.AssertContent(image, $"many/{i:d3}-{new string('x', 60)}", [(byte)i]);
        }

        Assert.Equal(
            ["boot", "small.txt", "empty", "Ωμέγα – 日本語.txt", "many", "latest", "kernels"],
            image.List("")!.Select(e => e.Name).ToArray());
        var small = image.Find("small.txt")!;
        Assert.Equal(0b110_100_100, small.UnixMode);
        Assert.Equal(0b101_101_101, image.Find("boot")!.UnixMode);
        Assert.Equal(new DateTimeOffset(2024, 5, 17, 13, 14, 15, TimeSpan.FromHours(1)), small.Modified);

        Assert.Equal("boot/x86_64/vmlinuz", image.FindLink("latest")!.SymlinkTarget);
        Assert.Equal("/small.txt", image.FindLink("boot/absolute")!.SymlinkTarget);
        Assert.Equal("../initrd.img", image.FindLink("boot/x86_64/up")!.SymlinkTarget);
        Assert.Equal("./boot/x86_64", image.FindLink("kernels")!.SymlinkTarget);
        UdfImageTests.AssertContent(image, "latest", IsoTestImages.Bytes(300_001, 1));
        UdfImageTests.AssertContent(image, "boot/absolute", Encoding.ASCII.GetBytes("embedded in its entry\n"));
        UdfImageTests.AssertContent(image, "boot/x86_64/up", IsoTestImages.Bytes(100_000, 2));
        UdfImageTests.AssertContent(image, "kernels/vmlinuz", IsoTestImages.Bytes(300_001, 1));
    }

    [Fact]
    public void A_file_larger_than_4_GiB_is_read_from_its_extents()
    {
        const int ExtentBytes = 0x3FFF_F800; // the largest extent a descriptor holds, in whole blocks
        long size = (4L << 30) + 123_457;
        var writer = new UdfImageWriter(0x0260, sectors: 1024, declaredPartitionBlocks: 3_000_000);
        writer.AddUnwrittenFile("big.img", size, ExtentBytes);
        byte[] structures = writer.Build();
        var extents = writer.DataOffsets["big.img"];
        Assert.Equal(5, extents.Count);
        long ImageOffset(long fileOffset) => extents[(int)(fileOffset / ExtentBytes)] + (fileOffset % ExtentBytes);

        string path = Path.Combine(_dir, "big.img");
        using (var stream = new FileStream(path, FileMode.Create))
        {
            stream.Write(structures);
            stream.SetLength(extents[^1] + (size % ExtentBytes) + 4096); // sparse: only the structures and the marks take space
            foreach (long at in new[] { (4L << 30) - 10, (long)ExtentBytes - 3, size - 5 })
            {
                for (int i = 0; i < 25; i++)
                {
                    stream.Position = ImageOffset(at + i);
                    stream.WriteByte((byte)('A' + i));
                }
            }
        }

        using var image = IsoImage.Open(path);
        var entry = image.Find("big.img")!;
        Assert.Equal(size, entry.Length);
        Assert.Equal(5, entry.Extents.Count);
        using var file = image.OpenFile(entry);
        var buffer = new byte[25];
        Assert.Equal(25, file.Read((4L << 30) - 10, buffer));
        Assert.Equal("ABCDEFGHIJKLMNOPQRSTUVWXY", Encoding.ASCII.GetString(buffer));
        int n = 0;
        while (n < 25)
        {
            n += file.Read(ExtentBytes - 3 + n, buffer.AsSpan(n)); // a read across two extents
        }

        Assert.Equal("ABCDEFGHIJKLMNOPQRSTUVWXY", Encoding.ASCII.GetString(buffer));
        Assert.Equal(5, file.Read(size - 5, buffer));
        Assert.Equal("ABCDE", Encoding.ASCII.GetString(buffer, 0, 5));
        Assert.Equal(0, file.Read(size, buffer));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
