namespace PxePowerShell.Engine.Iso.Udf;

/// <summary>The file types of an ICB tag (ECMA-167 4/14.6.6, UDF 2.3.5.2) the reader acts on.</summary>
internal enum UdfFileType : byte
{
    /// <summary>Unspecified: read as a regular file (and the type of a UDF 1.50 VAT).</summary>
    Unspecified = 0,

    /// <summary>A directory.</summary>
    Directory = 4,

    /// <summary>A regular file (a sequence of bytes).</summary>
    File = 5,

    /// <summary>A symbolic link; its content is a sequence of path components.</summary>
    Symlink = 12,

    /// <summary>The Virtual Allocation Table of UDF 2.00 and later.</summary>
    VirtualAllocationTable = 248,

    /// <summary>A real-time file (UDF 2.01): read as a regular file.</summary>
    RealTimeFile = 249,

    /// <summary>The UDF 2.50 metadata file.</summary>
    Metadata = 250,

    /// <summary>The UDF 2.50 metadata mirror file.</summary>
    MetadataMirror = 251,
}
