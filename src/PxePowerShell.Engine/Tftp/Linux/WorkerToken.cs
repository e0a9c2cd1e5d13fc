namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>
/// The registration token an I/O worker gives a session (<see cref="TftpSession.ReceiverToken"/>, and the tag of
/// its epoll event or io_uring receive): the slot in bits 0–23, the worker in bits 24–31, the slot's generation
/// from bit 32 on, so an event for a slot that has since been reused is recognised as stale. Never 0.
/// </summary>
internal static class WorkerToken
{
    private const int SlotBits = 24;

    public static ulong Make(uint generation, int worker, int slot) =>
        ((ulong)generation << 32) | ((ulong)worker << SlotBits) | (uint)slot;

    public static int Slot(ulong token) => (int)(token & ((1UL << SlotBits) - 1));

    public static int Worker(ulong token) => (int)((token >> SlotBits) & 0xFF);
}
