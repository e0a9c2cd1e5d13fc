namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// A type 2 "*UDF Virtual Partition" map (write-once media, UDF 1.50 and later): logical block n is block VAT[n] of the
/// physical partition underneath.
/// </summary>
internal sealed class UdfVirtualPartition : IUdfPartition
{
    private readonly UdfPhysicalPartition _physical;
    private readonly uint[] _table;

    /// <summary>Creates the mapping over <paramref name="physical"/> with the Virtual Allocation Table <paramref name="table"/>.</summary>
    public UdfVirtualPartition(UdfPhysicalPartition physical, uint[] table)
    {
        _physical = physical;
        _table = table;
    }

    /// <inheritdoc />
    public void Map(uint block, long length, List<IsoExtent> runs, string structure)
    {
        long blocks = (length + IsoImageFile.SectorSize - 1) / IsoImageFile.SectorSize;
        if (length < 0 || block + blocks > _table.Length)
        {
            throw new IsoFormatException(structure, $"virtual blocks {block}..{block + blocks} lie outside the {_table.Length}-entry Virtual Allocation Table");
        }

        for (long i = 0; i < blocks; i++)
        {
            uint physical = _table[block + i];
            if (physical == uint.MaxValue)
            {
                throw new IsoFormatException(structure, $"virtual block {block + i} is not allocated in the Virtual Allocation Table");
            }

            long part = Math.Min(IsoImageFile.SectorSize, length - (i * IsoImageFile.SectorSize));
            _physical.Map(physical, part, runs, structure);
        }
    }
}
