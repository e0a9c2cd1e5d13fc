using PxePowerShell.Engine;
using System.Management.Automation;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Net;

namespace PxePowerShell;

/// <summary>What the client inventory cmdlets share: opening the inventory and parsing MAC addresses into ErrorRecords.</summary>
public abstract class ClientCmdlet : PxeCmdlet
{
    /// <summary>How long a cmdlet waits for sightings still queued to be written.</summary>
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The inventory, with every sighting observed so far written; a terminating InventoryUnavailable error when it cannot be opened.</summary>
    internal ClientRegistry OpenInventory()
    {
        ClientRegistry registry;
        try
        {
            registry = ModuleState.Clients;
        }
        catch (Exception ex) when (IsInventoryFailure(ex))
        {
            ThrowTerminatingError(InventoryError(ex));
            throw; // not reached
        }

        try
        {
            using var timeout = new CancellationTokenSource(FlushTimeout);
            ModuleState.FlushClientsAsync(timeout.Token).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            WriteWarning("Recent client sightings are still being written; the inventory may lag behind by a few seconds.");
        }

        WriteVerbose($"Client inventory: {registry.Store.Location}");
        return registry;
    }

    /// <summary>Runs a store operation, turning storage failures into a terminating InventoryUnavailable error.</summary>
    internal T Inventory<T>(Func<T> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception ex) when (IsInventoryFailure(ex))
        {
            ThrowTerminatingError(InventoryError(ex));
            throw; // not reached
        }
    }

    /// <summary>Parses <paramref name="text"/> or writes a non-terminating InvalidMacAddress error and returns null.</summary>
    internal MacAddress? ParseMac(string? text)
    {
        if (MacAddress.TryParse(text, out var mac))
        {
            return mac;
        }

        WriteError(Error(
            ErrorIds.InvalidMacAddress,
            ErrorCategory.InvalidArgument,
            text,
            $"'{text}' is not a MAC address; use six hex octets such as aa-bb-cc-dd-ee-ff, AA:BB:CC:DD:EE:FF, aabb.ccdd.eeff or AABBCCDDEEFF."));
        return null;
    }

    /// <summary>A wildcard pattern over MAC addresses in any notation: separators become '-', letters lower case.</summary>
    internal static WildcardPattern MacPattern(string pattern) =>
        new(pattern.Trim().ToLowerInvariant().Replace(':', '-'), WildcardOptions.IgnoreCase);

    /// <summary>True when <paramref name="pattern"/> matches the client's MAC in hyphenated or compact form.</summary>
    internal static bool MatchesMac(WildcardPattern pattern, ClientRecord client) =>
        client.MacAddress is { } mac && (pattern.IsMatch(mac) || pattern.IsMatch(mac.Replace("-", string.Empty, StringComparison.Ordinal)));

    private static bool IsInventoryFailure(Exception ex) =>
        ex is Engine.PxeStorageException or InvalidDataException or IOException or UnauthorizedAccessException or DllNotFoundException
            or TypeInitializationException or ObjectDisposedException or EntryPointNotFoundException or BadImageFormatException;

    private static ErrorRecord InventoryError(Exception ex)
    {
        string directory = ModuleState.ClientsDirectory ?? PxeDataDirectory.Resolve();
        return Error(
            ErrorIds.InventoryUnavailable,
            ErrorCategory.ResourceUnavailable,
            directory,
            $"The client inventory in '{directory}' cannot be used: {ex.Message} Make the directory writable, or set $env:{PxeDataDirectory.EnvironmentVariable} to a directory you can write.",
            ex);
    }
}
