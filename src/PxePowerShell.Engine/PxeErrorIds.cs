namespace PxePowerShell.Engine;

/// <summary>
/// The one catalog of stable error identifiers: the ErrorIds of the module's ErrorRecords and of every
/// <see cref="PxeException"/>. Scripts may match on them; docs/cmdlets/*.md list them per cmdlet.
/// </summary>
public static class PxeErrorIds
{
    /// <summary>A port or interface binding needs a privilege the process lacks.</summary>
    public const string PortAccessDenied = "PortAccessDenied";

    /// <summary>Another program holds the port.</summary>
    public const string PortInUse = "PortInUse";

    /// <summary>The address is not one of this machine.</summary>
    public const string AddressNotAvailable = "AddressNotAvailable";

    /// <summary>A server could not start for another reason.</summary>
    public const string ServerStartFailed = "ServerStartFailed";

    /// <summary>No server of that name runs in this session.</summary>
    public const string ServerNotFound = "ServerNotFound";

    /// <summary>A server of that name runs already.</summary>
    public const string ServerNameInUse = "ServerNameInUse";

    /// <summary>The directory to serve does not exist.</summary>
    public const string RootNotFound = "RootNotFound";

    /// <summary>A parameter or setting has a wrong value.</summary>
    public const string InvalidParameter = "InvalidParameter";

    /// <summary>No client of that MAC address is in the inventory.</summary>
    public const string ClientNotFound = "ClientNotFound";

    /// <summary>A MAC address cannot be parsed.</summary>
    public const string InvalidMacAddress = "InvalidMacAddress";

    /// <summary>The client inventory cannot be opened.</summary>
    public const string InventoryUnavailable = "InventoryUnavailable";

    /// <summary>The boot-entry store cannot be opened.</summary>
    public const string BootStoreUnavailable = "BootStoreUnavailable";

    /// <summary>The file exists and -Force was not given.</summary>
    public const string FileExists = "FileExists";

    /// <summary>A file could not be written.</summary>
    public const string ExportFailed = "ExportFailed";

    /// <summary>An architecture name is unknown (or a boot entry applies to no platform).</summary>
    public const string UnknownArchitecture = "UnknownArchitecture";

    /// <summary>The DHCP range lies outside the subnet of every interface served.</summary>
    public const string RangeOutsideSubnet = "RangeOutsideSubnet";

    /// <summary>A named interface does not exist, or none qualifies.</summary>
    public const string InterfaceNotFound = "InterfaceNotFound";

    /// <summary>Another DHCP server of this machine keeps its leases in the same directory.</summary>
    public const string DataDirectoryInUse = "DataDirectoryInUse";

    /// <summary>No lease matches.</summary>
    public const string LeaseNotFound = "LeaseNotFound";

    /// <summary>A reservation collides with another.</summary>
    public const string ReservationConflict = "ReservationConflict";

    /// <summary>
    /// High availability (HaPeers) without a store the peers share and that keeps their heartbeats: no Store setting, or a
    /// DHCP server whose lease store is not a PostgreSQL store (docs/fleet.md).
    /// </summary>
    public const string SharedStoreRequired = "SharedStoreRequired";

    /// <summary>A configuration file does not exist or cannot be read.</summary>
    public const string ConfigurationNotFound = "ConfigurationNotFound";

    /// <summary>A directory was named where a file is expected.</summary>
    public const string PathIsDirectory = "PathIsDirectory";

    /// <summary>A configuration file cannot be used.</summary>
    public const string InvalidConfiguration = "InvalidConfiguration";

    /// <summary>An ISO image does not exist or cannot be read.</summary>
    public const string IsoNotFound = "IsoNotFound";

    /// <summary>An ISO image is corrupt or not an image.</summary>
    public const string InvalidIsoImage = "InvalidIsoImage";

    /// <summary>An ISO image is shorter than the volume it declares.</summary>
    public const string IsoTruncated = "IsoTruncated";

    /// <summary>Another image is mounted at the mount point.</summary>
    public const string MountPointInUse = "MountPointInUse";

    /// <summary>The signed Secure Boot chain is missing.</summary>
    public const string SecureBootFilesNotFound = "SecureBootFilesNotFound";

    /// <summary>No image is mounted at the mount point.</summary>
    public const string MountPointNotFound = "MountPointNotFound";

    /// <summary>A path is not in a mounted image.</summary>
    public const string IsoItemNotFound = "IsoItemNotFound";

    /// <summary>An IPv6 address was given where DHCPv4 needs an IPv4 address.</summary>
    public const string IPv4AddressRequired = "IPv4AddressRequired";

    /// <summary>An IPv6 address (or range) was required and something else was given.</summary>
    public const string IPv6AddressRequired = "IPv6AddressRequired";

    /// <summary>A server did not stop in time.</summary>
    public const string StopTimedOut = "StopTimedOut";

    /// <summary>A server failed while stopping.</summary>
    public const string StopFailed = "StopFailed";

    /// <summary>No reservation matches.</summary>
    public const string ReservationNotFound = "ReservationNotFound";

    /// <summary>The name is not identifier-like (letters, digits, '.', '_', '-'; starts with a letter or digit; at most 64).</summary>
    public const string InvalidName = "InvalidName";

    /// <summary>An entry with this name exists already.</summary>
    public const string DuplicateName = "DuplicateName";

    /// <summary>No entry has this name.</summary>
    public const string EntryNotFound = "EntryNotFound";

    /// <summary>Another entry is already the default for one of the same platforms (and the same clients).</summary>
    public const string DefaultConflict = "DefaultConflict";

    /// <summary>The entry appears in no loader.</summary>
    public const string NoLoader = "NoLoader";

    /// <summary>The kind needs a kernel (Linux, Multiboot, Image) and none is set.</summary>
    public const string KernelRequired = "KernelRequired";

    /// <summary>A Chainload entry has no target.</summary>
    public const string ChainTargetRequired = "ChainTargetRequired";

    /// <summary>A ConfigInclude entry has no configuration path.</summary>
    public const string ConfigPathRequired = "ConfigPathRequired";

    /// <summary>A property is set that the entry's kind does not use.</summary>
    public const string UnusedProperty = "UnusedProperty";

    /// <summary>A path is not a safe boot-namespace path or http(s)/tftp URL, or contains white space.</summary>
    public const string InvalidPath = "InvalidPath";

    /// <summary>A UUID cannot be parsed.</summary>
    public const string InvalidUuid = "InvalidUuid";

    /// <summary>A label, help text or argument contains control characters (new lines in help text are allowed).</summary>
    public const string InvalidCharacter = "InvalidCharacter";

    /// <summary>An argument contains "${", which iPXE would expand and cannot escape.</summary>
    public const string UnescapableArgument = "UnescapableArgument";

    /// <summary>The kernel is not in the boot namespace.</summary>
    public const string KernelNotFound = "KernelNotFound";

    /// <summary>An initrd is not in the boot namespace.</summary>
    public const string InitrdNotFound = "InitrdNotFound";

    /// <summary>A multiboot module is not in the boot namespace.</summary>
    public const string ModuleNotFound = "ModuleNotFound";

    /// <summary>A chainload target is not in the boot namespace.</summary>
    public const string ChainTargetNotFound = "ChainTargetNotFound";

    /// <summary>An included configuration is not in the boot namespace.</summary>
    public const string ConfigNotFound = "ConfigNotFound";

    /// <summary>The entry store file cannot be read or parsed.</summary>
    public const string StoreUnreadable = "StoreUnreadable";

    /// <summary>An import file cannot be read or parsed.</summary>
    public const string ImportUnreadable = "ImportUnreadable";

    /// <summary>The category of a boot-entry refusal (<see cref="Boot.BootEntryException"/>), as docs/boot-entries.md lists it.</summary>
    /// <param name="errorId">One of the identifiers above.</param>
    public static PxeErrorCategory CategoryOf(string errorId) => errorId switch
    {
        DuplicateName or DefaultConflict => PxeErrorCategory.ResourceExists,
        EntryNotFound or KernelNotFound or InitrdNotFound or ModuleNotFound or ChainTargetNotFound or ConfigNotFound => PxeErrorCategory.ObjectNotFound,
        StoreUnreadable or ImportUnreadable => PxeErrorCategory.ReadError,
        _ => PxeErrorCategory.InvalidArgument,
    };
}
