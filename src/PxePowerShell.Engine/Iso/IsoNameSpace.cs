namespace PxePowerShell.Engine.Iso;

/// <summary>Which names an ISO 9660 tree is read with.</summary>
internal enum IsoNameSpace
{
    /// <summary>Plain ISO 9660 identifiers.</summary>
    Iso9660,

    /// <summary>Joliet UCS-2 identifiers from a supplementary volume descriptor.</summary>
    Joliet,

    /// <summary>Rock Ridge POSIX names from the primary tree's SUSP entries.</summary>
    RockRidge,
}
