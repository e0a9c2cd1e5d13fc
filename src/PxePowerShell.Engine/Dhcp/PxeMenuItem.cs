namespace PxePowerShell.Engine.Dhcp;

/// <summary>One entry of a PXE boot menu (option 43 sub-option 9): a boot server type and its description.</summary>
/// <param name="Type">Boot server type (0 = local boot, 0x8000 and above = vendor types; dnsmasq numbers its pxe-service entries from 0x8000).</param>
/// <param name="Description">The text shown to the user.</param>
internal sealed record PxeMenuItem(ushort Type, string Description);
