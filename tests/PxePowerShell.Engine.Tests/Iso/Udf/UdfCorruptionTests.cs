using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Iso.Udf;

/// <summary>
/// Truncated, damaged, looping and lying UDF images: an <see cref="IsoFormatException"/> naming the UDF structure, never
/// a hang, a crash or a read outside the image. Every case runs under a timeout.
/// </summary>
public sealed class UdfCorruptionTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-udfbad-").FullName;

    private static (UdfImageWriter Writer, byte[] Image) Good(ushort revision = 0x0260)
    {
        var writer = UdfCraftedImageTests.Populated(revision);
        return (writer, writer.Build());
    }

    /// <summary>Opens the image and walks it all; returns what escaped (null when nothing did), failing on a hang.</summary>
    private async Task<Exception?> OpenAndWalk(byte[] bytes, params string[] paths)
    {
        string path = Path.Combine(_dir, $"{Guid.NewGuid():n}.img");
        await File.WriteAllBytesAsync(path, bytes);
        return await Task.Run(() => Record.Exception(() =>
        {
            using var image = IsoImage.Open(path);
            IsoTestImages.Walk(image);
            foreach (var p in paths)
            {
                if (image.Find(p) is { Kind: IsoEntryKind.File } entry)
                {
                    using var file = image.OpenFile(entry);
                    var buffer = new byte[65536];
                    for (long at = 0; at < file.Length;)
                    {
                        int n = file.Read(at, buffer);
                        Assert.True(n > 0);
                        at += n;
                    }
                }
            }
        })).WaitAsync(Limit); // TimeoutException = it hangs
    }

    private async Task<IsoFormatException> Refused(byte[] bytes, string structure, params string[] paths)
    {
        var error = await OpenAndWalk(bytes, paths);
        var format = Assert.IsType<IsoFormatException>(error);
        Assert.Contains(structure, format.Structure, StringComparison.Ordinal);
        return format;
    }

    [Theory]
    [InlineData(16 * 2048 + 100)]
    [InlineData(200 * 2048)]
    [InlineData(256 * 2048 + 512)]
    [InlineData(290 * 2048)]
    [InlineData(400 * 2048)]
    [InlineData(600 * 2048)]
    public async Task A_truncated_image_is_a_clear_error(int length)
    {
        var (_, good) = Good();
        var error = await OpenAndWalk(good[..length], "boot/x86_64/vmlinuz", "boot/initrd.img");
        Assert.IsType<IsoFormatException>(error);
    }

    [Fact]
    public async Task A_bad_anchor_CRC_names_the_anchor()
    {
        var (_, bytes) = Good();
        bytes[(256 * 2048) + 20] ^= 1; // main VDS location: the CRC no longer matches
        await Refused(bytes, "UDF Anchor Volume Descriptor Pointer at sector 256");
    }

    [Fact]
    public async Task A_bad_CRC_in_the_main_sequence_falls_back_to_the_reserve_sequence()
    {
        var (_, bytes) = Good();
        bytes[(34 * 2048) + 100] ^= 0x55; // the main Logical Volume Descriptor
        Assert.Null(await OpenAndWalk(bytes, "boot/initrd.img"));
        bytes[(50 * 2048) + 100] ^= 0x55; // and the reserve one
        var error = await Refused(bytes, "UDF main Volume Descriptor Sequence descriptor at sector 34");
        Assert.Contains("CRC", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("boot/x86_64/vmlinuz", "UDF File Entry of /boot/x86_64/vmlinuz")]
    [InlineData("boot", "UDF File Entry of /boot")]
    [InlineData("", "UDF File Entry of /")]
    [InlineData("latest", "UDF File Entry of /latest")]
    public async Task A_bad_File_Entry_CRC_names_the_file(string path, string structure)
    {
        var (writer, bytes) = Good();
        bytes[writer.EntryOffsets[path] + 60] ^= 0x40; // information length, under the CRC
        var error = await Refused(bytes, structure, path);
        Assert.Contains("CRC", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_File_Identifier_CRC_names_the_directory()
    {
        var (writer, bytes) = Good();
        bytes[writer.RootDirectoryOffset + 40 + 30] ^= 1; // the first child's identifier (after the 40-byte parent entry)
        UdfImageWriter.Seal(bytes, writer.EntryOffsets[string.Empty]); // the root's entry embeds its identifiers
        await Refused(bytes, "UDF File Identifier Descriptor in / at byte 40");
    }

    [Fact]
    public async Task A_bad_Allocation_Extent_Descriptor_CRC_names_the_file()
    {
        var (writer, bytes) = Good();
        bytes[writer.AedOffsets["boot/initrd.img"][1] + 30] ^= 1;
        await Refused(bytes, "UDF Allocation Extent Descriptor of /boot/initrd.img");
    }

    [Fact]
    public async Task A_metadata_file_that_is_damaged_is_read_from_its_mirror()
    {
        var (writer, bytes) = Good();
        bytes[writer.Offset(0, 0) + 60] ^= 1; // the metadata file's entry
        Assert.Null(await OpenAndWalk(bytes, "boot/initrd.img"));
        bytes[writer.Offset(0, 1) + 60] ^= 1; // and the mirror's
        await Refused(bytes, "*UDF Metadata Partition");
    }

    [Fact]
    public async Task A_directory_that_lists_its_ancestor_is_a_loop_error()
    {
        var writer = UdfCraftedImageTests.Populated(0x0260);
        writer.AddDirectory("boot/x86_64/deeper");
        writer.AddDirectoryAlias("boot/x86_64/deeper/back", "boot");
        string path = Path.Combine(_dir, "loop.img");
        await File.WriteAllBytesAsync(path, writer.Build());
        using var image = IsoImage.Open(path);
        var error = await Task.Run(() => Record.Exception(() => IsoTestImages.Walk(image))).WaitAsync(Limit);
        Assert.Contains("directory loop", Assert.IsType<IsoFormatException>(error).Message, StringComparison.Ordinal);
        Assert.NotNull(image.Find("boot/x86_64/vmlinuz")); // the rest of the tree is still there
    }

    [Fact]
    public async Task A_directory_that_lists_the_root_is_a_loop_error()
    {
        var writer = UdfCraftedImageTests.Populated(0x0201);
        writer.AddDirectoryAlias("boot/root", string.Empty);
        string path = Path.Combine(_dir, "rootloop.img");
        await File.WriteAllBytesAsync(path, writer.Build());
        using var image = IsoImage.Open(path);
        var error = await Task.Run(() => Record.Exception(() => image.List("boot"))).WaitAsync(Limit);
        Assert.Equal("UDF directory /boot", Assert.IsType<IsoFormatException>(error).Structure);
    }

    [Theory]
    [InlineData(0)] // the last AED continues to the first
    [InlineData(3)] // the last AED continues to itself
    public async Task Allocation_extent_descriptors_that_loop_are_an_error(int target)
    {
        var (writer, bytes) = Good();
        var aeds = writer.AedOffsets["boot/initrd.img"];
        Assert.Equal(4, aeds.Count);
        int last = aeds[^1];
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(last + 20));
        int block = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(aeds[target] + 12));
        // Append a continuation (long_ad: length with type 3, block, partition 1) to the last AED.
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(last + 24 + count), (3u << 30) | 2048);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(last + 24 + count + 4), block);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(last + 24 + count + 8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(last + 20), count + 16);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(last + 10), (ushort)(8 + count + 16));
        // The last AED's descriptors cover the file; make the file longer so the reader follows the continuation.
        int entry = writer.EntryOffsets["boot/initrd.img"];
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(entry + 56), 200_000);
        UdfImageWriter.Seal(bytes, last);
        UdfImageWriter.Seal(bytes, entry);
        var error = await Refused(bytes, "UDF Allocation Extent Descriptor of /boot/initrd.img");
        Assert.Contains("loop", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("information length", 56, 8, long.MaxValue / 2)]
    [InlineData("information length", 56, 8, -5)]
    [InlineData("allocation descriptors length", 212, 4, 0x7FFF_FFF0)]
    [InlineData("extended attributes length", 208, 4, 4000)]
    [InlineData("first extent not recorded", 216, 4, 0x4001_0000)]
    [InlineData("first extent position", 220, 4, 0x7FFF_0000)]
    [InlineData("first extent partition", 224, 2, 9)]
    [InlineData("allocation form", 34, 2, 5)]
    public async Task Absurd_values_in_a_File_Entry_are_refused_naming_the_file(string what, int offset, int size, long value)
    {
        var (writer, bytes) = Good();
        int entry = writer.EntryOffsets["boot/x86_64/vmlinuz"];
        Write(bytes, entry + offset, size, value);
        UdfImageWriter.Seal(bytes, entry);
        var error = await Refused(bytes, "/boot/x86_64/vmlinuz", "boot/x86_64/vmlinuz");
        Assert.False(string.IsNullOrEmpty(error.Message), what);
    }

    [Theory]
    [InlineData("directory length", 56, 8, 1L << 40)]
    [InlineData("directory length", 56, 8, 100L * 1024 * 1024)]
    [InlineData("directory length", 56, 8, 3000)]
    public async Task Absurd_directory_lengths_are_refused(string what, int offset, int size, long value)
    {
        var (writer, bytes) = Good();
        int entry = writer.EntryOffsets["many"];
        Write(bytes, entry + offset, size, value);
        UdfImageWriter.Seal(bytes, entry);
        var error = await Refused(bytes, "/many");
        Assert.False(string.IsNullOrEmpty(error.Message), what);
    }

    [Theory]
    [InlineData(268, 4, 1_000_000_000)] // number of partition maps
    [InlineData(264, 4, 0x7FFF_FFFF)] // partition map table length
    [InlineData(212, 4, 4096)] // logical block size
    [InlineData(440 + 6 + 38, 2, 7)] // the partition the metadata partition lies on
    public async Task Absurd_values_in_the_Logical_Volume_Descriptor_are_refused(int offset, int size, long value)
    {
        var (_, bytes) = Good();
        foreach (int vds in new[] { 34, 50 })
        {
            Write(bytes, (vds * 2048) + offset, size, value);
            UdfImageWriter.Seal(bytes, vds * 2048);
        }

        await Refused(bytes, "UDF");
    }

    [Fact]
    public async Task A_partition_longer_than_the_image_is_refused_when_read_past_the_end()
    {
        var (writer, bytes) = Good(0x0201);
        // The kernel's data extent points past the end of the image, inside the (lying) partition length.
        foreach (int pd in new[] { 33, 49 })
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((pd * 2048) + 192), 0x7FFF_FFFF);
            UdfImageWriter.Seal(bytes, pd * 2048);
        }

        int entry = writer.EntryOffsets["boot/x86_64/vmlinuz"];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(entry + 216 + 4), 0x7000_0000);
        UdfImageWriter.Seal(bytes, entry);
        await Refused(bytes, "/boot/x86_64/vmlinuz", "boot/x86_64/vmlinuz");
    }

    [Fact]
    public async Task A_File_Identifier_with_an_absurd_implementation_use_length_is_refused()
    {
        var (writer, bytes) = Good();
        int fid = writer.RootDirectoryOffset + 40;
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(fid + 36), 0xFFFF);
        UdfImageWriter.Seal(bytes, writer.EntryOffsets[string.Empty]);
        await Refused(bytes, "UDF File Identifier Descriptor in /");
    }

    [Fact]
    public async Task A_symbolic_link_component_that_runs_past_the_link_is_refused()
    {
        var (writer, bytes) = Good();
        int entry = writer.EntryOffsets["latest"];
        int content = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(entry + 216 + 4)); // long_ad block in partition 0
        bytes[writer.Offset(0, content) + 1] = 200;
        await Refused(bytes, "UDF symbolic link /latest");
    }

    [Fact]
    public void Random_byte_flips_only_ever_give_IsoFormatException()
    {
        var (_, good) = Good();
        var structures = UdfTestImages.TaggedSectors(good); // flip bytes in descriptors, entries, directories, AEDs
        var flips = Gen.Elements(structures.ToArray()).Zip(Gen.Choose(0, 511)).Zip(Gen.Choose(0, 255))
            .Select(t => (At: t.Item1.Item1 + t.Item1.Item2, Value: t.Item2))
            .ArrayOf().Where(a => a.Length is > 0 and < 12);
        Prop.ForAll(flips.ToArbitrary(), changes =>
        {
            var bytes = (byte[])good.Clone();
            foreach (var (at, value) in changes)
            {
                bytes[at] = (byte)value;
            }

            // Most flips break a CRC: re-seal half of the time so the values themselves are tested too.
            if (changes[0].Value % 2 == 0)
            {
                foreach (int sector in structures)
                {
                    if (changes.Any(c => c.At / 2048 * 2048 == sector))
                    {
                        ushort crcLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(sector + 10));
                        if (crcLength <= 2048 - 16)
                        {
                            UdfImageWriter.Seal(bytes, sector);
                        }
                    }
                }
            }

            var error = OpenAndWalk(bytes, "boot/x86_64/vmlinuz", "boot/initrd.img", "latest", "kernels/vmlinuz").GetAwaiter().GetResult();
            Assert.True(error is null or IsoFormatException, error?.ToString());
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(150));
    }

    private static void Write(byte[] bytes, int at, int size, long value)
    {
        switch (size)
        {
            case 2:
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)value);
                break;
            case 4:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)value);
                break;
            default:
                BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(at), value);
                break;
        }
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
