namespace PxePowerShell.Engine.Dhcp;

/// <summary>The boot item a client asks a boot server for (option 43 sub-option 71).</summary>
/// <param name="Type">Boot server type chosen from the menu.</param>
/// <param name="Layer">Boot layer (bit 15 asks for credentials).</param>
internal sealed record PxeBootItem(ushort Type, ushort Layer);
