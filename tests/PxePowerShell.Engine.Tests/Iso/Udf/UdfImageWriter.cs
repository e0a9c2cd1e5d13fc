using System.Buffers.Binary;
using System.Text;

namespace PxePowerShell.Engine.Tests.Iso.Udf;

/// <summary>
/// Writes small UDF-only images for the reader's tests, because no installable tool writes a populated UDF 2.50/2.60
/// volume with a metadata partition without a loop mount (mkudffs writes empty volumes; the kernel here has no udf
/// module). Layout: recognition sequence at 16, main VDS at 32, reserve VDS at 48, anchor at 256, partition 0 from
/// sector 272. With a metadata partition (2.50+), the metadata file (and its mirror) are Extended File Entries at
/// physical blocks 0 and 1, and the File Set Descriptor, every File Entry, directory and Allocation Extent Descriptor
/// lie in the metadata partition (reference 1); file data lies in partition 0.
/// </summary>
internal sealed class UdfImageWriter
{
    public const int Sector = 2048;
    public const int PartitionStart = 272;
    private const int MetadataStart = 16; // physical block of metadata block 0
    private const int MetadataBlocks = 96;
    private const int MirrorStart = MetadataStart + MetadataBlocks;

    private readonly byte[] _image;
    private readonly ushort _revision;
    private readonly bool _metadata;
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private int _nextIcb;
    private int _nextData;

    /// <summary>Creates the writer for an image of <paramref name="sectors"/> sectors (the partition may be declared longer).</summary>
    public UdfImageWriter(ushort revision, int sectors = 1024, long declaredPartitionBlocks = 0, string label = "Crafted UDF")
    {
        _revision = revision;
        _metadata = revision >= 0x0250;
        _image = new byte[sectors * Sector];
        PartitionBlocks = declaredPartitionBlocks > 0 ? declaredPartitionBlocks : sectors - PartitionStart;
        Label = label;
        _nextIcb = 2; // blocks 0 (File Set Descriptor) and 1 (root directory) of the ICB partition
        _nextData = _metadata ? MirrorStart + MetadataBlocks : 64;
        _nodes[string.Empty] = new Node(string.Empty, NodeKind.Directory, Icb(1, "/"));
    }

    public long PartitionBlocks { get; }

    public string Label { get; }

    /// <summary>The partition reference of File Entries and directories (1 with a metadata partition).</summary>
    public ushort IcbPartition => (ushort)(_metadata ? 1 : 0);

    /// <summary>Where in the image each path's File Entry lies (after <see cref="Build"/>).</summary>
    public Dictionary<string, int> EntryOffsets { get; } = new(StringComparer.Ordinal);

    /// <summary>Where in the image each Allocation Extent Descriptor lies, in chain order, per path.</summary>
    public Dictionary<string, List<int>> AedOffsets { get; } = new(StringComparer.Ordinal);

    /// <summary>The image offset of each data extent written, per path.</summary>
    public Dictionary<string, List<long>> DataOffsets { get; } = new(StringComparer.Ordinal);

    /// <summary>The image offset of the root directory's content (after <see cref="Build"/>).</summary>
    public int RootDirectoryOffset { get; private set; }

    /// <summary>Adds a directory (parents must exist).</summary>
    public void AddDirectory(string path) => Add(new Node(path, NodeKind.Directory, Icb(_nextIcb++, path)));

    /// <summary>
    /// Adds a file whose content is split into extents of <paramref name="extentBytes"/> (a multiple of 2048) with a free
    /// block between them; after every <paramref name="perDescriptorBlock"/> allocation descriptors an Allocation
    /// Extent Descriptor continues the list; <paramref name="embed"/> records the content in the entry itself.
    /// </summary>
    public void AddFile(string path, byte[] content, int extentBytes = 1 << 20, int perDescriptorBlock = 0, bool embed = false)
    {
        var node = new Node(path, NodeKind.File, Icb(_nextIcb++, path)) { Content = content, Length = content.Length, ExtentBytes = extentBytes, PerAed = perDescriptorBlock, Embed = embed };
        Add(node);
    }

    /// <summary>Adds a file of <paramref name="length"/> bytes whose data is not written (the test writes it in a sparse image file).</summary>
    public void AddUnwrittenFile(string path, long length, int extentBytes) =>
        Add(new Node(path, NodeKind.File, Icb(_nextIcb++, path)) { Length = length, ExtentBytes = extentBytes });

    /// <summary>Adds a symbolic link made of path components (type, identifier) as ECMA-167 4/14.16 records them.</summary>
    public void AddSymlink(string path, params (int Type, string Name)[] components)
    {
        var content = new List<byte>();
        foreach (var (type, name) in components)
        {
            byte[] id = name.Length == 0 ? [] : Cs0(name);
            content.AddRange([(byte)type, (byte)id.Length, 0, 0, .. id]);
        }

        Add(new Node(path, NodeKind.Symlink, Icb(_nextIcb++, path)) { Content = [.. content], Length = content.Count, ExtentBytes = 1 << 20 });
    }

    /// <summary>Adds a directory entry named <paramref name="path"/> that points at the existing directory <paramref name="target"/> (a loop when it is an ancestor).</summary>
    public void AddDirectoryAlias(string path, string target) =>
        Add(new Node(path, NodeKind.Alias, _nodes[target].Icb));

    /// <summary>Writes every structure and returns the image.</summary>
    public byte[] Build()
    {
        WriteVolumeStructures();
        foreach (var node in _nodes.Values.Where(n => n.Kind is NodeKind.File or NodeKind.Symlink))
        {
            WriteFile(node);
        }

        foreach (var node in _nodes.Values.Where(n => n.Kind == NodeKind.Directory).OrderByDescending(n => n.Path.Length))
        {
            WriteDirectory(node);
        }

        if (_metadata)
        {
            _image.AsSpan((PartitionStart + MetadataStart) * Sector, MetadataBlocks * Sector).CopyTo(_image.AsSpan((PartitionStart + MirrorStart) * Sector));
        }

        return _image;
    }

    /// <summary>Recomputes the CRC and checksum of the tag at <paramref name="at"/>.</summary>
    public static void Seal(byte[] image, int at) => UdfTestImages.Seal(image, at);

    /// <summary>OSTA CS0: 8-bit when every character fits, else 16-bit big-endian.</summary>
    public static byte[] Cs0(string name) => name.All(c => c < 256)
        ? [8, .. Encoding.Latin1.GetBytes(name)]
        : [16, .. Encoding.BigEndianUnicode.GetBytes(name)];

    private (ushort Partition, int Block) Icb(int block, string path)
    {
        if (block >= (_metadata ? MetadataBlocks : 64))
        {
            throw new InvalidOperationException($"no room for the entry of {path}");
        }

        return (IcbPartition, block);
    }

    private void Add(Node node)
    {
        int slash = node.Path.LastIndexOf('/');
        string parent = slash < 0 ? string.Empty : node.Path[..slash];
        _nodes[parent].Children.Add(node);
        _nodes[node.Path] = node;
    }

    /// <summary>The image offset of block <paramref name="block"/> of partition reference <paramref name="partition"/>.</summary>
    public int Offset(ushort partition, int block) =>
        (PartitionStart + (partition == 1 ? MetadataStart : 0) + block) * Sector;

    private void WriteVolumeStructures()
    {
        ushort tagVersion = (ushort)(_revision >= 0x0200 ? 3 : 2);
        int at;
        foreach (var (sector, id) in new[] { (16, "BEA01"), (17, tagVersion == 3 ? "NSR03" : "NSR02"), (18, "TEA01") })
        {
            at = sector * Sector;
            _image[at] = 0;
            Encoding.ASCII.GetBytes(id).CopyTo(_image, at + 1);
            _image[at + 6] = 1;
        }

        foreach (int vds in new[] { 32, 48 })
        {
            // Primary Volume Descriptor
            at = vds * Sector;
            DString(at + 24, 32, Label);
            Tag(at, 1, (uint)vds, 496, tagVersion);

            // Partition Descriptor
            at = (vds + 1) * Sector;
            W32(at + 16, 1);
            W16(at + 20, 1);
            W16(at + 22, 0);
            _image[at + 24] = 0;
            Encoding.ASCII.GetBytes(tagVersion == 3 ? "+NSR03" : "+NSR02").CopyTo(_image, at + 25);
            W32(at + 184, 1); // read-only
            W32(at + 188, PartitionStart);
            W32(at + 192, (uint)PartitionBlocks);
            Tag(at, 5, (uint)(vds + 1), 496, tagVersion);

            // Logical Volume Descriptor
            at = (vds + 2) * Sector;
            W32(at + 16, 2);
            DString(at + 84, 128, Label);
            W32(at + 212, Sector);
            Encoding.ASCII.GetBytes("*OSTA UDF Compliant").CopyTo(_image, at + 217);
            W16(at + 240, _revision);
            W32(at + 248, Sector); // File Set Descriptor: long_ad
            W32(at + 252, 0);
            W16(at + 256, IcbPartition);
            int maps = at + 440;
            _image[maps] = 1;
            _image[maps + 1] = 6;
            W16(maps + 2, 1);
            W16(maps + 4, 0);
            int table = 6;
            if (_metadata)
            {
                int m = maps + 6;
                _image[m] = 2;
                _image[m + 1] = 64;
                Encoding.ASCII.GetBytes("*UDF Metadata Partition").CopyTo(_image, m + 5);
                W16(m + 28, _revision);
                W16(m + 36, 1);
                W16(m + 38, 0);
                W32(m + 40, 0); // metadata file
                W32(m + 44, 1); // mirror
                W32(m + 48, 0xFFFFFFFF);
                W32(m + 52, 32);
                W16(m + 56, 1);
                table += 64;
            }

            W32(at + 264, (uint)table);
            W32(at + 268, _metadata ? 2u : 1u);
            Tag(at, 6, (uint)(vds + 2), 440 - 16 + table, tagVersion);

            // Terminating Descriptor
            at = (vds + 3) * Sector;
            Tag(at, 8, (uint)(vds + 3), 496, tagVersion);
        }

        at = 256 * Sector;
        W32(at + 16, 16 * Sector);
        W32(at + 20, 32);
        W32(at + 24, 16 * Sector);
        W32(at + 28, 48);
        Tag(at, 2, 256, 496, tagVersion);

        if (_metadata)
        {
            WriteEntry(Offset(0, 0), 0, 250, embedded: false, MetadataBlocks * Sector, ShortAds([(MetadataStart, MetadataBlocks * Sector)]), 0);
            WriteEntry(Offset(0, 1), 1, 251, embedded: false, MetadataBlocks * Sector, ShortAds([(MirrorStart, MetadataBlocks * Sector)]), 0);
        }

        // File Set Descriptor, at block 0 of the ICB partition
        const int fsdBlock = 0;
        at = Offset(IcbPartition, fsdBlock);
        DString(at + 112, 128, Label);
        DString(at + 304, 32, "Files");
        W32(at + 400, Sector);
        W32(at + 404, (uint)_nodes[string.Empty].Icb.Block);
        W16(at + 408, IcbPartition);
        Encoding.ASCII.GetBytes("*OSTA UDF Compliant").CopyTo(_image, at + 417);
        W16(at + 440, _revision);
        Tag(at, 256, (uint)fsdBlock, 496, tagVersion);
    }

    private void WriteFile(Node node)
    {
        var (partition, block) = node.Icb;
        int entry = Offset(partition, block);
        EntryOffsets[node.Path] = entry;
        byte fileType = node.Kind == NodeKind.Symlink ? (byte)12 : (byte)5;
        if (node.Embed)
        {
            WriteEntry(entry, block, fileType, embedded: true, node.Length, node.Content!, 0);
            return;
        }

        // Data extents in partition 0, a free block between them; long_ad when the entry lies in the metadata partition.
        var extents = new List<(int Block, long Length)>();
        DataOffsets[node.Path] = [];
        for (long done = 0; done < node.Length;)
        {
            long take = Math.Min(node.ExtentBytes, node.Length - done);
            int start = _nextData;
            extents.Add((start, take));
            DataOffsets[node.Path].Add((PartitionStart + (long)start) * Sector);
            if (node.Content is { } content)
            {
                content.AsSpan((int)done, (int)take).CopyTo(_image.AsSpan((PartitionStart + start) * Sector));
            }

            _nextData += (int)((take + Sector - 1) / Sector) + 1;
            done += take;
        }

        byte[] ads = _metadata ? LongAds(extents) : ShortAds(extents);
        int size = _metadata ? 16 : 8;
        if (node.PerAed > 0 && extents.Count > node.PerAed)
        {
            // The entry holds the first PerAed descriptors and a continuation; each AED holds the next PerAed and a continuation.
            var chunks = ads.Chunk(node.PerAed * size).ToList();
            AedOffsets[node.Path] = [];
            var aedBlocks = Enumerable.Range(0, chunks.Count - 1).Select(_ => _nextIcb++).ToList();
            for (int i = 1; i < chunks.Count; i++)
            {
                int aed = Offset(partition, aedBlocks[i - 1]);
                AedOffsets[node.Path].Add(aed);
                byte[] body = i + 1 < chunks.Count ? [.. chunks[i], .. Continuation(aedBlocks[i], partition, size)] : chunks[i];
                body.CopyTo(_image, aed + 24);
                W32(aed + 20, (uint)body.Length);
                Tag(aed, 258, (uint)aedBlocks[i - 1], 8 + body.Length, TagVersion);
            }

            ads = [.. chunks[0], .. Continuation(aedBlocks[0], partition, size)];
        }

        WriteEntry(entry, block, fileType, embedded: false, node.Length, ads, _metadata ? 1 : 0);
    }

    private ushort TagVersion => (ushort)(_revision >= 0x0200 ? 3 : 2);

    private static byte[] Continuation(int block, ushort partition, int size)
    {
        var ad = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(ad, (3u << 30) | Sector);
        BinaryPrimitives.WriteUInt32LittleEndian(ad.AsSpan(4), (uint)block);
        if (size == 16)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(ad.AsSpan(8), partition);
        }

        return ad;
    }

    private void WriteDirectory(Node node)
    {
        var (partition, block) = node.Icb;
        var fids = new List<byte>();
        string parentPath = node.Path.Contains('/') ? node.Path[..node.Path.LastIndexOf('/')] : string.Empty;
        var parent = _nodes[parentPath].Icb;
        fids.AddRange(Fid(0x0A, parent, []));
        foreach (var child in node.Children)
        {
            string name = child.Path[(child.Path.LastIndexOf('/') + 1)..];
            fids.AddRange(Fid(child.Kind is NodeKind.Directory or NodeKind.Alias ? (byte)2 : (byte)0, child.Icb, Cs0(name)));
        }

        int entry = Offset(partition, block);
        EntryOffsets[node.Path] = entry;
        int header = _revision >= 0x0200 ? 216 : 176;
        if (fids.Count <= Sector - header)
        {
            WriteEntry(entry, block, 4, embedded: true, fids.Count, [.. fids], 0);
            if (node.Path.Length == 0)
            {
                RootDirectoryOffset = entry + header;
            }

            return;
        }

        int blocks = (fids.Count + Sector - 1) / Sector;
        int first = _nextIcb;
        _nextIcb += blocks;
        Icb(_nextIcb, node.Path);
        fids.ToArray().CopyTo(_image, Offset(partition, first));
        if (node.Path.Length == 0)
        {
            RootDirectoryOffset = Offset(partition, first);
        }

        WriteEntry(entry, block, 4, embedded: false, fids.Count, ShortAds([(first, fids.Count)]), 0);
    }

    private byte[] Fid(byte characteristics, (ushort Partition, int Block) icb, byte[] name)
    {
        int length = (38 + name.Length + 3) & ~3;
        var fid = new byte[length];
        BinaryPrimitives.WriteUInt16LittleEndian(fid, 257);
        BinaryPrimitives.WriteUInt16LittleEndian(fid.AsSpan(2), TagVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(fid.AsSpan(16), 1);
        fid[18] = characteristics;
        fid[19] = (byte)name.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(fid.AsSpan(20), Sector);
        BinaryPrimitives.WriteUInt32LittleEndian(fid.AsSpan(24), (uint)icb.Block);
        BinaryPrimitives.WriteUInt16LittleEndian(fid.AsSpan(28), icb.Partition);
        name.CopyTo(fid, 38);
        BinaryPrimitives.WriteUInt16LittleEndian(fid.AsSpan(10), (ushort)(length - 16));
        UdfTestImages.Seal(fid, 0);
        return fid;
    }

    private static byte[] ShortAds(List<(int Block, long Length)> extents)
    {
        var ads = new byte[extents.Count * 8];
        for (int i = 0; i < extents.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(ads.AsSpan(i * 8), (uint)extents[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(ads.AsSpan((i * 8) + 4), (uint)extents[i].Block);
        }

        return ads;
    }

    private static byte[] LongAds(List<(int Block, long Length)> extents)
    {
        var ads = new byte[extents.Count * 16];
        for (int i = 0; i < extents.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(ads.AsSpan(i * 16), (uint)extents[i].Length);
            BinaryPrimitives.WriteUInt32LittleEndian(ads.AsSpan((i * 16) + 4), (uint)extents[i].Block);
            BinaryPrimitives.WriteUInt16LittleEndian(ads.AsSpan((i * 16) + 8), 0);
        }

        return ads;
    }

    /// <summary>A File Entry (before 2.00) or Extended File Entry: form 0 short_ad, 1 long_ad, 3 embedded.</summary>
    private void WriteEntry(int at, int block, byte fileType, bool embedded, long length, byte[] descriptors, int form)
    {
        bool extended = _revision >= 0x0200;
        int header = extended ? 216 : 176;
        if (header + descriptors.Length > Sector)
        {
            throw new InvalidOperationException("allocation descriptors do not fit the entry");
        }

        W16(at + 20, 4); // strategy 4
        W16(at + 24, 1);
        _image[at + 27] = fileType;
        W16(at + 34, (ushort)(embedded ? 3 : form));
        W32(at + 36, 0);
        W32(at + 40, 0);
        W32(at + 44, fileType == 4 ? 0x14A5u : 0x1884u); // directories r-xr-xr-x, files rw-r--r--
        W16(at + 48, 1);
        W64(at + 56, length);
        int time = at + (extended ? 92 : 84);
        W16(time, (1 << 12) | 60); // local time, UTC+1
        W16(time + 2, 2024);
        _image[time + 4] = 5;
        _image[time + 5] = 17;
        _image[time + 6] = 13;
        _image[time + 7] = 14;
        _image[time + 8] = 15;
        W32(at + (extended ? 208 : 168), 0);
        W32(at + (extended ? 212 : 172), (uint)descriptors.Length);
        descriptors.CopyTo(_image, at + header);
        Tag(at, (ushort)(extended ? 266 : 261), (uint)block, header - 16 + descriptors.Length, TagVersion);
    }

    private void Tag(int at, ushort identifier, uint location, int crcLength, ushort version)
    {
        W16(at, identifier);
        W16(at + 2, version);
        W16(at + 10, (ushort)crcLength);
        W32(at + 12, location);
        UdfTestImages.Seal(_image, at);
    }

    private void DString(int at, int size, string text)
    {
        byte[] cs0 = Cs0(text);
        cs0.CopyTo(_image, at);
        _image[at + size - 1] = (byte)cs0.Length;
    }

    private void W16(int at, ushort value) => BinaryPrimitives.WriteUInt16LittleEndian(_image.AsSpan(at), value);

    private void W32(int at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(_image.AsSpan(at), value);

    private void W64(int at, long value) => BinaryPrimitives.WriteInt64LittleEndian(_image.AsSpan(at), value);

    private enum NodeKind
    {
        Directory,
        File,
        Symlink,
        Alias,
    }

    private sealed record Node(string Path, NodeKind Kind, (ushort Partition, int Block) Icb)
    {
        public List<Node> Children { get; } = [];

        public byte[]? Content { get; init; }

        public long Length { get; init; }

        public int ExtentBytes { get; init; } = 1 << 20;

        public int PerAed { get; init; }

        public bool Embed { get; init; }
    }
}
