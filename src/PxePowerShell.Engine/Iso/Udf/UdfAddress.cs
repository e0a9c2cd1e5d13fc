namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>An ECMA-167 lb_addr: a logical block inside the partition a logical volume's partition map references.</summary>
/// <param name="Block">The logical block number, relative to the partition's start.</param>
/// <param name="Partition">The partition reference number (an index into the logical volume's partition maps).</param>
internal readonly record struct UdfAddress(uint Block, ushort Partition)
{
    /// <inheritdoc />
    public override string ToString() => $"block {Block} of partition {Partition}";
}
