namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// A type 2 "*UDF Metadata Partition" map (UDF 2.50 and later): logical block n is byte n * 2048 of the metadata file
/// (or of its mirror), whose content lies in the physical partition underneath.
/// </summary>
internal sealed class UdfMetadataPartition : IUdfPartition
{
    private readonly IReadOnlyList<IsoExtent> _file;
    private readonly long _length;

    /// <summary>Creates the mapping over the metadata file's runs in the image.</summary>
    public UdfMetadataPartition(IReadOnlyList<IsoExtent> metadataFile)
    {
        _file = metadataFile;
        foreach (var run in metadataFile)
        {
            _length += run.Length;
        }
    }

    /// <inheritdoc />
    public void Map(uint block, long length, List<IsoExtent> runs, string structure)
    {
        long start = (long)block * IsoImageFile.SectorSize;
        if (length < 0 || start + length > _length)
        {
            throw new IsoFormatException(structure, $"metadata blocks {block}.. ({length} bytes) lie outside the {_length}-byte metadata file");
        }

        long at = 0;
        foreach (var run in _file)
        {
            if (length == 0)
            {
                return;
            }

            if (start < at + run.Length)
            {
                long skip = start - at;
                long take = Math.Min(run.Length - skip, length);
                UdfExtents.Append(runs, new IsoExtent(run.Offset + skip, take), structure);
                start += take;
                length -= take;
            }

            at += run.Length;
        }
    }
}
