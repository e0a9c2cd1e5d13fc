namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// One PXE menu entry, like dnsmasq's <c>pxe-service</c>: a label and the boot file per architecture.
/// An entry is offered to a client when it has a boot file for the client's architecture.
/// </summary>
/// <param name="Label">The text shown in the firmware's menu.</param>
/// <param name="BootFiles">Boot files by architecture; null uses <see cref="PxeBootOptions.BootFiles"/> (with defaults).</param>
public sealed record PxeMenuEntry(string Label, IReadOnlyDictionary<ClientArchitecture, string>? BootFiles = null);
