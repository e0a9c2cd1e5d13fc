namespace PxePowerShell.Engine.Iso;

/// <summary>
/// One name space of an image: plain ISO 9660, Joliet, Rock Ridge or UDF. An image may hold several; the richest is served.
/// Implementations read through an <see cref="IsoImageFile"/>, never outside it, and throw <see cref="IsoFormatException"/>
/// naming the structure that is wrong.
/// </summary>
public interface IIsoFileSystem
{
    /// <summary>The name space: "ISO9660", "Joliet", "RockRidge", "UDF 2.01"...</summary>
    string Name { get; }

    /// <summary>The volume label this name space records.</summary>
    string VolumeLabel { get; }

    /// <summary>The root directory.</summary>
    IsoEntry Root { get; }

    /// <summary>The entries of <paramref name="directory"/> (no "." or ".."), in on-disc order.</summary>
    IReadOnlyList<IsoEntry> List(IsoEntry directory);
}
