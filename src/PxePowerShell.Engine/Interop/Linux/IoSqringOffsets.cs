using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary><c>struct io_sqring_offsets</c> (40 bytes): where the submission ring's fields lie in its mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoSqringOffsets
{
    public uint Head;
    public uint Tail;
    public uint RingMask;
    public uint RingEntries;
    public uint Flags;
    public uint Dropped;
    public uint Array;
    public uint Reserved1;
    public ulong UserAddress;
}
