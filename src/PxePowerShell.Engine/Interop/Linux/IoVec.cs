using System.Runtime.InteropServices;

namespace PxePowerShell.Engine.Interop.Linux;

/// <summary><c>struct iovec</c>: a pointer and a <c>size_t</c> (16 bytes on 64-bit Linux, 8 on 32-bit).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct IoVec
{
    /// <summary>iov_base.</summary>
    public nint Base;

    /// <summary>iov_len.</summary>
    public nuint Length;
}
