namespace PxePowerShell.Engine.Tftp;

/// <summary>TFTP packet types (RFC 1350, RFC 2347).</summary>
internal enum TftpOpcode : ushort
{
    /// <summary>Not a valid opcode (too short or unknown).</summary>
    None = 0,

    /// <summary>Read request.</summary>
    ReadRequest = 1,

    /// <summary>Write request.</summary>
    WriteRequest = 2,

    /// <summary>Data block.</summary>
    Data = 3,

    /// <summary>Acknowledgement.</summary>
    Ack = 4,

    /// <summary>Error.</summary>
    Error = 5,

    /// <summary>Option acknowledgement (RFC 2347).</summary>
    OptionAck = 6,
}
