using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary><c>struct io_uring_params</c> (120 bytes on every architecture): what io_uring_setup is asked for and answers.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoUringParams
{
    public uint SqEntries;
    public uint CqEntries;
    public uint Flags;
    public uint SqThreadCpu;
    public uint SqThreadIdle;
    public uint Features;
    public uint WqFd;
    public uint Reserved0;
    public uint Reserved1;
    public uint Reserved2;
    public IoSqringOffsets SqOffsets;
    public IoCqringOffsets CqOffsets;
}
