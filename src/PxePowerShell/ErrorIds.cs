namespace PxePowerShell;

/// <summary>The stable ErrorIds the cmdlets report; scripts may match on them.</summary>
internal static class ErrorIds
{
    public const string PortAccessDenied = "PortAccessDenied";
    public const string PortInUse = "PortInUse";
    public const string AddressNotAvailable = "AddressNotAvailable";
    public const string ServerStartFailed = "ServerStartFailed";
    public const string ServerNotFound = "ServerNotFound";
    public const string ServerNameInUse = "ServerNameInUse";
    public const string RootNotFound = "RootNotFound";
    public const string InvalidParameter = "InvalidParameter";
    public const string ClientNotFound = "ClientNotFound";
    public const string InvalidMacAddress = "InvalidMacAddress";
    public const string InventoryUnavailable = "InventoryUnavailable";
    public const string BootStoreUnavailable = "BootStoreUnavailable";
    public const string FileExists = "FileExists";
    public const string ExportFailed = "ExportFailed";
    public const string UnknownArchitecture = "UnknownArchitecture";
    public const string RangeOutsideSubnet = "RangeOutsideSubnet";
    public const string InterfaceNotFound = "InterfaceNotFound";
    public const string DataDirectoryInUse = "DataDirectoryInUse";
    public const string LeaseNotFound = "LeaseNotFound";
    public const string ReservationConflict = "ReservationConflict";
    public const string ConfigurationNotFound = "ConfigurationNotFound";
    public const string PathIsDirectory = "PathIsDirectory";
    public const string InvalidConfiguration = "InvalidConfiguration";
    public const string IsoNotFound = "IsoNotFound";
    public const string InvalidIsoImage = "InvalidIsoImage";
    public const string IsoTruncated = "IsoTruncated";
    public const string MountPointInUse = "MountPointInUse";
    public const string SecureBootFilesNotFound = "SecureBootFilesNotFound";
    public const string MountPointNotFound = "MountPointNotFound";
    public const string IsoItemNotFound = "IsoItemNotFound";
    public const string IPv4AddressRequired = "IPv4AddressRequired";
    public const string IPv6AddressRequired = "IPv6AddressRequired";
    public const string StopTimedOut = "StopTimedOut";
    public const string StopFailed = "StopFailed";
    public const string ReservationNotFound = "ReservationNotFound";
}
