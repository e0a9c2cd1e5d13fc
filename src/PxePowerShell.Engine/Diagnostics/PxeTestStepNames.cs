namespace PxePowerShell.Engine.Diagnostics;

/// <summary>The names of the steps of a simulated PXE boot.</summary>
internal static class PxeTestStepNames
{
    /// <summary>The DISCOVER was sent.</summary>
    public const string Discover = "Discover";

    /// <summary>A proxyDHCP (or PXE-capable DHCP) offer arrived.</summary>
    public const string ProxyOffer = "ProxyOffer";

    /// <summary>The REQUEST to the boot server's port 4011 was sent.</summary>
    public const string Request4011 = "Request4011";

    /// <summary>The boot server's ACK arrived with a boot file.</summary>
    public const string ProxyAck = "ProxyAck";

    /// <summary>The boot file was downloaded by TFTP.</summary>
    public const string TftpBootFile = "TftpBootFile";

    /// <summary>The boot file was downloaded by HTTP.</summary>
    public const string HttpBootFile = "HttpBootFile";

    /// <summary>The second stage shim loads from its own directory (grubx64.efi) was downloaded by TFTP.</summary>
    public const string TftpSecondStage = "TftpSecondStage";

    /// <summary>The menu the boot loader reads (pxelinux.cfg/..., or grub/grub.cfg after shim) was downloaded by TFTP.</summary>
    public const string TftpMenu = "TftpMenu";
}
