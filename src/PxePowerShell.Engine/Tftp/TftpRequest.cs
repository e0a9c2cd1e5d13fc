namespace PxePowerShell.Engine.Tftp;

/// <summary>A parsed RRQ or WRQ.</summary>
/// <param name="Opcode"><see cref="TftpOpcode.ReadRequest"/> or <see cref="TftpOpcode.WriteRequest"/>.</param>
/// <param name="FileName">The file name as sent.</param>
/// <param name="Mode">The transfer mode.</param>
/// <param name="Options">The options, in the order sent (RFC 2347).</param>
internal sealed record TftpRequest(TftpOpcode Opcode, string FileName, TftpMode Mode, IReadOnlyList<TftpOption> Options)
{
    /// <summary>True for a read request.</summary>
    public bool IsRead => Opcode == TftpOpcode.ReadRequest;

    /// <summary>The value of option <paramref name="name"/> (case-insensitive; the first wins), or null.</summary>
    public string? GetOption(string name)
    {
        for (int i = 0; i < Options.Count; i++)
        {
            if (Options[i].Is(name))
            {
                return Options[i].Value;
            }
        }

        return null;
    }
}
