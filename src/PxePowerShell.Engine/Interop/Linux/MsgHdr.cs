using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// <c>struct msghdr</c> as the kernel reads it (<c>struct user_msghdr</c>): pointers and <c>size_t</c> are
/// <see cref="nint"/>/<see cref="nuint"/>, so the layout is right for the process: 56 bytes on 64-bit Linux
/// (fields at 0, 8, 16, 24, 32, 40, 48), 28 on 32-bit (at 0, 4, 8, 12, 16, 20, 24); field k at k × pointer size.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MsgHdr
{
    /// <summary>msg_name: the peer's socket address (receive: room for it).</summary>
    public nint Name;

    /// <summary>msg_namelen: its length (receive: the room in, the length out).</summary>
    public int NameLength;

    /// <summary>msg_iov: the buffers.</summary>
    public nint Iov;

    /// <summary>msg_iovlen: how many.</summary>
    public nuint IovLength;

    /// <summary>msg_control: ancillary data (unused here).</summary>
    public nint Control;

    /// <summary>msg_controllen.</summary>
    public nuint ControlLength;

    /// <summary>msg_flags: on receive, MSG_TRUNC and the like.</summary>
    public int Flags;
}
