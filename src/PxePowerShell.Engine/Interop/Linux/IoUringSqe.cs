using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// <c>struct io_uring_sqe</c>: 64 bytes of fixed-width fields, the same on every architecture (addresses are
/// always 64 bits wide). Only the fields the engine fills are named.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 64)]
internal struct IoUringSqe
{
    /// <summary>opcode (IORING_OP_*).</summary>
    [FieldOffset(0)]
    public byte Opcode;

    /// <summary>flags (IOSQE_*).</summary>
    [FieldOffset(1)]
    public byte Flags;

    /// <summary>fd.</summary>
    [FieldOffset(4)]
    public int Fd;

    /// <summary>off / addr2.</summary>
    [FieldOffset(8)]
    public ulong Offset;

    /// <summary>addr: a buffer or msghdr, or for ASYNC_CANCEL the user_data to cancel.</summary>
    [FieldOffset(16)]
    public ulong Address;

    /// <summary>len.</summary>
    [FieldOffset(24)]
    public uint Length;

    /// <summary>The operation's flags (msg_flags, poll32_events ...).</summary>
    [FieldOffset(28)]
    public uint OpFlags;

    /// <summary>user_data: returned in the completion.</summary>
    [FieldOffset(32)]
    public ulong UserData;
}
