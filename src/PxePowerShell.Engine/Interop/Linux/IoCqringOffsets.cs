using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary><c>struct io_cqring_offsets</c> (40 bytes): where the completion ring's fields lie in the mapping.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoCqringOffsets
{
    public uint Head;
    public uint Tail;
    public uint RingMask;
    public uint RingEntries;
    public uint Overflow;
    public uint Cqes;
    public uint Flags;
    public uint Reserved1;
    public ulong UserAddress;
}
