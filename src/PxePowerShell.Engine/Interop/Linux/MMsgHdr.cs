using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// <c>struct mmsghdr</c> of recvmmsg(2) and sendmmsg(2): a <see cref="MsgHdr"/> and the bytes received or sent
/// (<c>unsigned int</c>); 64 bytes on 64-bit Linux (the length at 56, then padding), 32 on 32-bit.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MMsgHdr
{
    /// <summary>msg_hdr.</summary>
    public MsgHdr Header;

    /// <summary>msg_len: on return, the bytes of this message received or sent.</summary>
    public uint Length;
}
