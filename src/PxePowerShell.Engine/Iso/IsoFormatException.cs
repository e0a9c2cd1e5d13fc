namespace PxePowerShell.Engine.Iso;

/// <summary>An image that is corrupt, truncated or not an image at all; <see cref="Structure"/> names what is wrong.</summary>
public sealed class IsoFormatException : PxeException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="structure">The structure that is wrong ("primary volume descriptor", "directory record in /boot", "UDF file entry").</param>
    /// <param name="message">What is wrong with it.</param>
    public IsoFormatException(string structure, string message)
        : base(PxeErrorIds.InvalidIsoImage, PxeErrorCategory.InvalidData, $"{structure}: {message}")
    {
        Structure = structure;
    }

    /// <summary>The structure that is wrong.</summary>
    public string Structure { get; }

    /// <summary>True when the file is shorter than the volume it declares (a partial download or copy), rather than corrupt.</summary>
    public bool Truncated { get; init; }

    /// <summary>IsoTruncated for a <see cref="Truncated"/> image, else InvalidIsoImage.</summary>
    public override string ErrorId => Truncated ? PxeErrorIds.IsoTruncated : PxeErrorIds.InvalidIsoImage;
}
