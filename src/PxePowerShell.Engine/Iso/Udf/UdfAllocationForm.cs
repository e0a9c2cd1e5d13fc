namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>How an entry records where its content lies (the low three bits of the ICB tag flags).</summary>
internal enum UdfAllocationForm
{
    /// <summary>short_ad (8 bytes): length and block in the entry's own partition.</summary>
    Short = 0,

    /// <summary>long_ad (16 bytes): length, block and partition.</summary>
    Long = 1,

    /// <summary>ext_ad (20 bytes): length, recorded length, information length, block and partition.</summary>
    Extended = 2,

    /// <summary>The content is embedded in the entry, where the allocation descriptors would be.</summary>
    Embedded = 3,
}
