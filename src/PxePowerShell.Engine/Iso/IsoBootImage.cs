namespace PxePowerShell.Engine.Iso;

/// <summary>One boot image of an El Torito boot catalog.</summary>
/// <param name="Platform">BIOS (0x00), UEFI (0xEF), PowerPC (0x01), Mac (0x02) or the number.</param>
/// <param name="Emulation">"NoEmulation", "Floppy1.2M", "Floppy1.44M", "Floppy2.88M" or "HardDisk".</param>
/// <param name="Bootable">True when the entry is marked bootable (0x88).</param>
/// <param name="LoadSegment">Where BIOS loads it (0 = the default 0x7C0).</param>
/// <param name="SectorCount">Virtual 512-byte sectors loaded.</param>
/// <param name="Lba">The image's first 2048-byte block.</param>
/// <param name="Size">Its size in bytes as the catalog states it (sector count × 512).</param>
public sealed record IsoBootImage(string Platform, string Emulation, bool Bootable, ushort LoadSegment, ushort SectorCount, uint Lba, long Size);
