namespace PxePowerShell.Engine.Interop.Linux;

/// <summary>
/// The errno values the engine tells apart. The same numbers on every architecture the module ships for
/// (x86-64, ARM, ARM64; also RISC-V and LoongArch): only Alpha, MIPS, PA-RISC and SPARC number some differently.
/// </summary>
internal static class Errno
{
    public const int Enoent = 2;
    public const int Eintr = 4;
    public const int Eagain = 11;
    public const int Eacces = 13;
    public const int Ebusy = 16;
    public const int Enotdir = 20;
    public const int Eloop = 40;
    public const int Emsgsize = 90;
    public const int Econnrefused = 111;
    public const int Ecanceled = 125;
}
