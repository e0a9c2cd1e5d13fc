namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>A type 1 partition map: logical block n is sector start + n of the image.</summary>
internal sealed class UdfPhysicalPartition : IUdfPartition
{
    private readonly IsoImageFile _image;

    /// <summary>Creates the mapping for the partition that starts at sector <paramref name="start"/> and holds <paramref name="blocks"/> blocks.</summary>
    public UdfPhysicalPartition(IsoImageFile image, uint number, uint start, uint blocks)
    {
        _image = image;
        Number = number;
        Start = start;
        Blocks = blocks;
    }

    /// <summary>The partition number (of its Partition Descriptor).</summary>
    public uint Number { get; }

    /// <summary>The first sector of the partition.</summary>
    public uint Start { get; }

    /// <summary>The partition's length in blocks.</summary>
    public uint Blocks { get; }

    /// <inheritdoc />
    public void Map(uint block, long length, List<IsoExtent> runs, string structure)
    {
        long blocks = (length + IsoImageFile.SectorSize - 1) / IsoImageFile.SectorSize;
        if (length < 0 || block + blocks > Blocks)
        {
            throw new IsoFormatException(structure, $"blocks {block}..{block + blocks} lie outside partition {Number} of {Blocks} blocks");
        }

        var run = new IsoExtent((Start + (long)block) * IsoImageFile.SectorSize, length);
        UdfExtents.Check(_image, run, structure);
        UdfExtents.Append(runs, run, structure);
    }
}
