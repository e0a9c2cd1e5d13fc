using System.Management.Automation;
using System.Net.Sockets;

namespace PxePowerShell;

/// <summary>What every PxePowerShell cmdlet shares: error records with stable ids and path resolution.</summary>
public abstract class PxeCmdlet : PSCmdlet
{
    /// <summary>Builds an ErrorRecord with a stable id, a category and the object it concerns.</summary>
    protected static ErrorRecord Error(string errorId, ErrorCategory category, object? target, string message, Exception? inner = null) =>
        new(new PxeOperationException(message, inner), errorId, category, target);

    /// <summary>Resolves a path the user typed against PowerShell's current location (it may not exist yet).</summary>
    protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>The PortAccessDenied record for a port below 1024, saying how to fix it; <paramref name="detail"/> is appended in parentheses.</summary>
    protected static ErrorRecord PrivilegedPortError(int port, object target, Exception inner, string? detail = null) => Error(
        ErrorIds.PortAccessDenied,
        ErrorCategory.PermissionDenied,
        target,
        $"port {port} needs root or CAP_NET_BIND_SERVICE; use -Port or run elevated." + (detail is null ? string.Empty : $" ({detail})"),
        inner);

    /// <summary>Turns a failure to bind a socket into an ErrorRecord that says how to fix it.</summary>
    protected static ErrorRecord SocketBindError(SocketException exception, string what, int port, object target) => exception.SocketErrorCode switch
    {
        SocketError.AccessDenied when port is > 0 and < 1024 => PrivilegedPortError(port, target, exception),
        SocketError.AccessDenied => Error(ErrorIds.PortAccessDenied, ErrorCategory.PermissionDenied, target, $"The {what} may not bind port {port}: {exception.Message}", exception),
        SocketError.AddressAlreadyInUse => Error(
            ErrorIds.PortInUse,
            ErrorCategory.ResourceExists,
            target,
            $"The {what} cannot listen: port {port} is already in use by another program (another TFTP, DHCP or HTTP server?); stop it or choose another port.",
            exception),
        SocketError.AddressNotAvailable => Error(
            ErrorIds.AddressNotAvailable,
            ErrorCategory.InvalidArgument,
            target,
            $"The address given to the {what} is not an address of this machine; use one of its interface addresses or 0.0.0.0.",
            exception),
        _ => Error(ErrorIds.ServerStartFailed, ErrorCategory.OpenError, target, $"The {what} could not start: {exception.Message}", exception),
    };

    /// <summary>
    /// The items whose name matches any of <paramref name="patterns"/> (wildcards, case-insensitive), in pattern order. A
    /// plain name (no wildcard) that matches nothing writes the error <paramref name="notFound"/> makes for it.
    /// </summary>
    protected List<T> MatchByName<T>(IEnumerable<T> items, IEnumerable<string> patterns, Func<T, string> nameOf, Func<string, ErrorRecord> notFound)
    {
        var all = items.ToList();
        var result = new List<T>();
        foreach (var name in patterns)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matches = all.Where(i => pattern.IsMatch(nameOf(i))).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                WriteError(notFound(name));
            }

            result.AddRange(matches);
        }

        return result;
    }

    /// <summary>ServerNotFound for <paramref name="name"/>.</summary>
    protected static ErrorRecord ServerNotFound(string name) =>
        Error(ErrorIds.ServerNotFound, ErrorCategory.ObjectNotFound, name, $"No server named '{name}' runs in this session; Get-PxeServer lists them.");

    /// <summary>MountPointNotFound for <paramref name="name"/>.</summary>
    protected static ErrorRecord MountPointNotFound(string name) =>
        Error(ErrorIds.MountPointNotFound, ErrorCategory.ObjectNotFound, name, $"No image is mounted at '{name}'; Get-PxeIso lists the mounts.");
}

/// <summary>The exception behind the module's ErrorRecords.</summary>
public sealed class PxeOperationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PxeOperationException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
