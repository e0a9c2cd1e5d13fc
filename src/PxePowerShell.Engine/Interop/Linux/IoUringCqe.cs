using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary><c>struct io_uring_cqe</c> (16 bytes on every architecture; no big CQEs are asked for).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoUringCqe
{
    /// <summary>user_data of the submission.</summary>
    public ulong UserData;

    /// <summary>res: bytes transferred or -errno.</summary>
    public int Result;

    /// <summary>flags (IORING_CQE_F_*).</summary>
    public uint Flags;
}
