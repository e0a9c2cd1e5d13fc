namespace PxePowerShell.Engine.Boot;

/// <summary>The stable error identifiers of the boot-entry layer (used as ErrorRecord ErrorIds by the cmdlets).</summary>
public static class BootErrorIds
{
    /// <summary>The name is not identifier-like (letters, digits, '.', '_', '-'; starts with a letter or digit; at most 64).</summary>
    public const string InvalidName = "InvalidName";

    /// <summary>An entry with this name exists already.</summary>
    public const string DuplicateName = "DuplicateName";

    /// <summary>No entry has this name.</summary>
    public const string EntryNotFound = "EntryNotFound";

    /// <summary>Another entry is already the default for one of the same platforms (and the same clients).</summary>
    public const string DefaultConflict = "DefaultConflict";

    /// <summary>The entry applies to no platform, or an architecture name is unknown.</summary>
    public const string UnknownArchitecture = "UnknownArchitecture";

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

    /// <summary>A MAC address cannot be parsed.</summary>
    public const string InvalidMacAddress = "InvalidMacAddress";

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
}
