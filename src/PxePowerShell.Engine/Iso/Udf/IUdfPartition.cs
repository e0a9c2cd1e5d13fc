namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>
/// A partition as a logical volume's partition map sees it (physical, virtual through a VAT, or a UDF 2.50 metadata
/// partition): turns logical blocks into byte runs of the image.
/// </summary>
internal interface IUdfPartition
{
    /// <summary>
    /// Appends to <paramref name="runs"/> where the <paramref name="length"/> bytes that start at logical block
    /// <paramref name="block"/> lie in the image (adjacent runs merged).
    /// </summary>
    /// <exception cref="IsoFormatException">The blocks lie outside the partition or the image; <paramref name="structure"/> is named.</exception>
    void Map(uint block, long length, List<IsoExtent> runs, string structure);
}
