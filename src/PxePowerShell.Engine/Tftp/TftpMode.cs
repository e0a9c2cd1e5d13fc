namespace PxePowerShell.Engine.Tftp;

/// <summary>The transfer mode named in a request.</summary>
internal enum TftpMode
{
    /// <summary>Raw bytes ("octet", "binary").</summary>
    Octet,

    /// <summary>Text with CR LF line ends (RFC 764 NVT ASCII).</summary>
    NetAscii,

    /// <summary>The obsolete "mail" mode (refused).</summary>
    Mail,
}
