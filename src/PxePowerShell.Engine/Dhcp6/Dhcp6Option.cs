namespace PxePowerShell.Engine.Dhcp6;

/// <summary>One DHCPv6 option: its code and raw value.</summary>
/// <param name="Code">The option code.</param>
/// <param name="Value">The option's data (without the 4-byte header).</param>
internal readonly record struct Dhcp6Option(Dhcp6OptionCode Code, ReadOnlyMemory<byte> Value);
