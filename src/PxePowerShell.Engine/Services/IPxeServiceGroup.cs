namespace PxePowerShell.Engine.Services;

/// <summary>A service made of other services (Start-PxeServer's DHCP + TFTP + HTTP), so tools can find the parts.</summary>
public interface IPxeServiceGroup
{
    /// <summary>The parts that have been started, in start order.</summary>
    IReadOnlyList<IPxeService> Services { get; }
}
