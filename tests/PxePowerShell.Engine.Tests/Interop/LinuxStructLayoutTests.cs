using System.Runtime.InteropServices;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Tests.Interop;

/// <summary>
/// The declared layouts of the structs the kernel reads and writes for io_uring, against the Linux ABI: msghdr and
/// iovec follow the pointer size (the kernel's user_msghdr: field k at k × pointer size, 56 + 16 bytes on 64-bit,
/// 28 + 8 on 32-bit ARM), the io_uring structs are fixed-width everywhere.
/// </summary>
public sealed class LinuxStructLayoutTests
{
    private static readonly int P = IntPtr.Size;

    [Fact]
    public void Msghdr_has_the_kernels_layout_for_this_process()
    {
        // struct user_msghdr { void *msg_name; int msg_namelen; struct iovec *msg_iov; __kernel_size_t msg_iovlen;
        //                      void *msg_control; __kernel_size_t msg_controllen; unsigned int msg_flags; }
        // Every field is aligned to the pointer size (the int after msg_name is padded on 64-bit, fills a word on 32-bit).
        Assert.Equal(0, Offset<MsgHdr>(nameof(MsgHdr.Name)));
        Assert.Equal(1 * P, Offset<MsgHdr>(nameof(MsgHdr.NameLength)));
        Assert.Equal(2 * P, Offset<MsgHdr>(nameof(MsgHdr.Iov)));
        Assert.Equal(3 * P, Offset<MsgHdr>(nameof(MsgHdr.IovLength)));
        Assert.Equal(4 * P, Offset<MsgHdr>(nameof(MsgHdr.Control)));
        Assert.Equal(5 * P, Offset<MsgHdr>(nameof(MsgHdr.ControlLength)));
        Assert.Equal(6 * P, Offset<MsgHdr>(nameof(MsgHdr.Flags)));
        Assert.Equal(7 * P, Marshal.SizeOf<MsgHdr>());
        Assert.Equal(Marshal.SizeOf<MsgHdr>(), System.Runtime.CompilerServices.Unsafe.SizeOf<MsgHdr>());
    }

    [Fact]
    public void Msghdr_and_iovec_match_the_x64_abi_on_64_bit()
    {
        if (P != 8)
        {
            Assert.Equal(28, Marshal.SizeOf<MsgHdr>()); // 32-bit: the same rule with 4-byte words
            Assert.Equal(8, Marshal.SizeOf<IoVec>());
            return;
        }

        // x86-64 and ARM64 Linux: offsetof(struct msghdr, ...) as glibc's headers and the kernel give them.
        Assert.Equal(56, Marshal.SizeOf<MsgHdr>());
        Assert.Equal(8, Offset<MsgHdr>(nameof(MsgHdr.NameLength)));
        Assert.Equal(16, Offset<MsgHdr>(nameof(MsgHdr.Iov)));
        Assert.Equal(24, Offset<MsgHdr>(nameof(MsgHdr.IovLength)));
        Assert.Equal(32, Offset<MsgHdr>(nameof(MsgHdr.Control)));
        Assert.Equal(40, Offset<MsgHdr>(nameof(MsgHdr.ControlLength)));
        Assert.Equal(48, Offset<MsgHdr>(nameof(MsgHdr.Flags)));
        Assert.Equal(16, Marshal.SizeOf<IoVec>());
        Assert.Equal(8, Offset<IoVec>(nameof(IoVec.Length)));
    }

    [Fact]
    public void Mmsghdr_is_a_msghdr_and_an_unsigned_int_padded_to_the_pointer_size()
    {
        // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; }: 64 bytes on 64-bit, 32 on 32-bit.
        Assert.Equal(0, Offset<MMsgHdr>(nameof(MMsgHdr.Header)));
        Assert.Equal(7 * P, Offset<MMsgHdr>(nameof(MMsgHdr.Length)));
        Assert.Equal(8 * P, System.Runtime.CompilerServices.Unsafe.SizeOf<MMsgHdr>());
    }

    [Fact]
    public void Iovec_is_a_pointer_and_a_size_t()
    {
        Assert.Equal(0, Offset<IoVec>(nameof(IoVec.Base)));
        Assert.Equal(P, Offset<IoVec>(nameof(IoVec.Length)));
        Assert.Equal(2 * P, Marshal.SizeOf<IoVec>());
    }

    [Fact]
    public void Io_uring_structs_are_fixed_width_on_every_architecture()
    {
        Assert.Equal(64, Marshal.SizeOf<IoUringSqe>());
        Assert.Equal(0, Offset<IoUringSqe>(nameof(IoUringSqe.Opcode)));
        Assert.Equal(1, Offset<IoUringSqe>(nameof(IoUringSqe.Flags)));
        Assert.Equal(4, Offset<IoUringSqe>(nameof(IoUringSqe.Fd)));
        Assert.Equal(8, Offset<IoUringSqe>(nameof(IoUringSqe.Offset)));
        Assert.Equal(16, Offset<IoUringSqe>(nameof(IoUringSqe.Address)));
        Assert.Equal(24, Offset<IoUringSqe>(nameof(IoUringSqe.Length)));
        Assert.Equal(28, Offset<IoUringSqe>(nameof(IoUringSqe.OpFlags)));
        Assert.Equal(32, Offset<IoUringSqe>(nameof(IoUringSqe.UserData)));

        Assert.Equal(16, Marshal.SizeOf<IoUringCqe>());
        Assert.Equal(8, Offset<IoUringCqe>(nameof(IoUringCqe.Result)));
        Assert.Equal(12, Offset<IoUringCqe>(nameof(IoUringCqe.Flags)));

        // struct io_uring_params: 10 words, then io_sqring_offsets at 40 and io_cqring_offsets at 80 (40 bytes each).
        Assert.Equal(120, Marshal.SizeOf<IoUringParams>());
        Assert.Equal(20, Offset<IoUringParams>(nameof(IoUringParams.Features)));
        Assert.Equal(40, Offset<IoUringParams>(nameof(IoUringParams.SqOffsets)));
        Assert.Equal(80, Offset<IoUringParams>(nameof(IoUringParams.CqOffsets)));
        Assert.Equal(40, Marshal.SizeOf<IoSqringOffsets>());
        Assert.Equal(24, Offset<IoSqringOffsets>(nameof(IoSqringOffsets.Array)));
        Assert.Equal(32, Offset<IoSqringOffsets>(nameof(IoSqringOffsets.UserAddress)));
        Assert.Equal(40, Marshal.SizeOf<IoCqringOffsets>());
        Assert.Equal(20, Offset<IoCqringOffsets>(nameof(IoCqringOffsets.Cqes)));
        Assert.Equal(32, Offset<IoCqringOffsets>(nameof(IoCqringOffsets.UserAddress)));
    }

    private static int Offset<T>(string field) => (int)Marshal.OffsetOf<T>(field);
}
