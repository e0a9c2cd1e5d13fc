namespace PxePowerShell.Engine.Boot;

/// <summary>What is known about a client when a menu is chosen for it.</summary>
/// <param name="MacAddress">Normalized MAC address (aa-bb-cc-dd-ee-ff), if known.</param>
/// <param name="Uuid">Normalized SMBIOS UUID, if known.</param>
public sealed record BootClient(string? MacAddress, string? Uuid = null)
{
    /// <summary>A client known by MAC address (any common notation); throws on a malformed address.</summary>
    public static BootClient FromMac(string macAddress) =>
        BootEntry.TryNormalizeMacAddress(macAddress, out var mac)
            ? new BootClient(mac)
            : throw new BootEntryException(PxeErrorIds.InvalidMacAddress, $"'{macAddress}' is not a MAC address; use the form aa-bb-cc-dd-ee-ff.", target: macAddress);

    /// <summary>A client known by UUID; throws on a malformed UUID.</summary>
    public static BootClient FromUuid(string uuid) =>
        BootEntry.TryNormalizeUuid(uuid, out var normalized)
            ? new BootClient(null, normalized)
            : throw new BootEntryException(PxeErrorIds.InvalidUuid, $"'{uuid}' is not a UUID.", target: uuid);
}
