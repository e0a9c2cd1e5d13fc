using System.Collections;
using System.Collections.Specialized;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine;
using PxePowerShell.Engine.Configuration;

namespace PxePowerShell;

/// <summary>What every PxePowerShell cmdlet shares: error records with stable ids and path resolution.</summary>
public abstract class PxeCmdlet : PSCmdlet
{
    /// <summary>The one mapping between the engine's error categories and PowerShell's.</summary>
    private static readonly (PxeErrorCategory Engine, ErrorCategory PowerShell)[] s_categories =
    [
        (PxeErrorCategory.NotSpecified, ErrorCategory.NotSpecified),
        (PxeErrorCategory.InvalidArgument, ErrorCategory.InvalidArgument),
        (PxeErrorCategory.InvalidData, ErrorCategory.InvalidData),
        (PxeErrorCategory.InvalidOperation, ErrorCategory.InvalidOperation),
        (PxeErrorCategory.ObjectNotFound, ErrorCategory.ObjectNotFound),
        (PxeErrorCategory.ResourceExists, ErrorCategory.ResourceExists),
        (PxeErrorCategory.ResourceBusy, ErrorCategory.ResourceBusy),
        (PxeErrorCategory.ResourceUnavailable, ErrorCategory.ResourceUnavailable),
        (PxeErrorCategory.PermissionDenied, ErrorCategory.PermissionDenied),
        (PxeErrorCategory.OpenError, ErrorCategory.OpenError),
        (PxeErrorCategory.ReadError, ErrorCategory.ReadError),
        (PxeErrorCategory.WriteError, ErrorCategory.WriteError),
        (PxeErrorCategory.OperationTimeout, ErrorCategory.OperationTimeout),
    ];

    /// <summary>PowerShell's ErrorCategory for an engine category.</summary>
    internal static ErrorCategory ToErrorCategory(PxeErrorCategory category) =>
        Array.Find(s_categories, c => c.Engine == category).PowerShell;

    /// <summary>The engine's category for a PowerShell ErrorCategory (NotSpecified for one the engine does not use).</summary>
    internal static PxeErrorCategory ToPxeErrorCategory(ErrorCategory category) =>
        Array.Find(s_categories, c => c.PowerShell == category).Engine;

    /// <summary>Builds an ErrorRecord with a stable id, a category and the object it concerns.</summary>
    protected internal static ErrorRecord Error(string errorId, ErrorCategory category, object? target, string message, Exception? inner = null) =>
        new(new PxeOperationException(errorId, ToPxeErrorCategory(category), message, inner), errorId, category, target);

    /// <summary>
    /// The ErrorRecord of an engine failure: its ErrorId and category (mapped here, in one place) and
    /// <paramref name="target"/>; <paramref name="message"/> replaces the exception's message when it needs context.
    /// </summary>
    protected internal static ErrorRecord Error<TException>(TException exception, object? target, string? message = null)
        where TException : Exception, IPxeError
    {
        ArgumentNullException.ThrowIfNull(exception);
        var category = ToErrorCategory(exception.Category);
        return message is null
            ? new ErrorRecord(exception, exception.ErrorId, category, target)
            : Error(exception.ErrorId, category, target, message, exception);
    }

    /// <summary>
    /// Reads the shared store named by a -Store setting: its failure (InvalidStoreSetting, StoreUnreachable,
    /// StoreSchemaTooNew, StoreFailed) is a terminating ErrorRecord with the store's id. The setting is not the target,
    /// since it may hold a password.
    /// </summary>
    protected T ReadStore<T>(Func<T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        try
        {
            return read();
        }
        catch (Engine.PxeStorageException ex)
        {
            ThrowTerminatingError(Error(ex, "-Store"));
            throw; // not reached
        }
    }

    /// <summary>
    /// The parameters bound to this invocation that are settings of the configuration model, as plain values for the
    /// engine's one parser (<see cref="PxeConfigurationParameters"/>): common parameters and <paramref name="notSettings"/>
    /// left out, switches as booleans, PowerShell wrappers removed, Import-Csv rows and other custom objects as tables,
    /// and the path parameters in <paramref name="paths"/> resolved against PowerShell's location.
    /// </summary>
    protected OrderedDictionary BoundSettings(IEnumerable<string> notSettings, params string[] paths)
    {
        var settings = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in MyInvocation.BoundParameters)
        {
            if (CommonParameters.Contains(name) || OptionalCommonParameters.Contains(name) || notSettings.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            object? plain = PlainValue(value);
            settings[name] = plain is string path && paths.Contains(name, StringComparer.OrdinalIgnoreCase) ? ResolvePath(path) : plain;
        }

        return settings;
    }

    /// <summary>
    /// Lays <paramref name="settings"/> (see <see cref="BoundSettings"/>) over <paramref name="configuration"/> (a file's,
    /// or the defaults); a value the engine refuses is a terminating error with the engine's ErrorId, naming the parameter.
    /// </summary>
    protected PxeServerConfiguration ApplySettings(PxeServerConfiguration configuration, IDictionary settings) =>
        Parsed(() => PxeConfigurationParameters.Apply(configuration, settings), settings);

    /// <summary>
    /// The result of <paramref name="parse"/>, one of the engine's configuration parsers, over the bound
    /// <paramref name="settings"/>; a value it refuses is a terminating error with its ErrorId, naming the parameter.
    /// </summary>
    protected T Parsed<T>(Func<T> parse, IDictionary settings)
    {
        ArgumentNullException.ThrowIfNull(parse);
        try
        {
            return parse();
        }
        catch (PxeConfigurationException ex)
        {
            string parameter = ex.Key.Split('.')[0];
            // A setting that came from a file (or from a file and the parameters: checked where they meet) keeps its name.
            string message = settings.Contains(parameter) && ex.Message.StartsWith(parameter, StringComparison.OrdinalIgnoreCase) ? $"-{ex.Message}" : ex.Message;
            ThrowTerminatingError(Error(ex, settings.Contains(parameter) ? settings[parameter] : parameter, message));
            throw; // not reached
        }
    }

    /// <summary>A bound value as the engine's parser takes it: no PSObject, switches as booleans, custom objects as tables.</summary>
    internal static object? PlainValue(object? value)
    {
        switch (value)
        {
            case PSObject { BaseObject: PSCustomObject } custom:
                var row = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (var property in custom.Properties)
                {
                    row[property.Name] = PlainValue(property.Value);
                }

                return row;
            case PSObject wrapped:
                return PlainValue(wrapped.BaseObject);
            case SwitchParameter flag:
                return flag.IsPresent;
            case string:
                return value;
            case IDictionary table:
                var plain = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
                foreach (DictionaryEntry entry in table)
                {
                    plain[entry.Key?.ToString() ?? string.Empty] = PlainValue(entry.Value);
                }

                return plain;
            case Array items:
                var list = new List<object?>(items.Length);
                foreach (var item in items)
                {
                    list.Add(PlainValue(item));
                }

                return list;
            default:
                return value;
        }
    }

    /// <summary>Resolves a path the user typed against PowerShell's current location (it may not exist yet).</summary>
    protected string ResolvePath(string path) => GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>
    /// Writes a PathIsDirectory error and returns true when <paramref name="path"/> is a directory where a file
    /// (<paramref name="what"/>: "dnsmasq configuration", "ISO image") is expected.
    /// </summary>
    protected bool WriteErrorIfDirectory(string path, string what)
    {
        if (!Directory.Exists(path))
        {
            return false;
        }

        WriteError(Error(ErrorIds.PathIsDirectory, ErrorCategory.InvalidArgument, path, $"'{path}' is a directory, not a {what}; name the file in it."));
        return true;
    }

    /// <summary>
    /// Reads a configuration file through <paramref name="read"/> (an importer: the file and what it includes); writes
    /// PathIsDirectory, or ConfigurationNotFound (missing or unreadable), and returns false when it cannot.
    /// </summary>
    protected bool TryReadConfiguration<T>(string path, string what, Func<string, T> read, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out T? result)
        where T : class
    {
        result = null;
        if (WriteErrorIfDirectory(path, what))
        {
            return false;
        }

        try
        {
            result = read(path);
            return true;
        }
        catch (FileNotFoundException ex)
        {
            WriteError(Error(ErrorIds.ConfigurationNotFound, ErrorCategory.ObjectNotFound, path, ex.Message, ex));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            WriteError(Error(ErrorIds.ConfigurationNotFound, ErrorCategory.ReadError, path, $"'{path}' cannot be read: {ex.Message}", ex));
        }

        return false;
    }

    /// <summary>The PortAccessDenied record for a port below 1024, saying how to fix it; <paramref name="detail"/> is appended in parentheses.</summary>
    protected internal static ErrorRecord PrivilegedPortError(int port, object target, Exception inner, string? detail = null) => Error(
        ErrorIds.PortAccessDenied,
        ErrorCategory.PermissionDenied,
        target,
        $"port {port} needs root or CAP_NET_BIND_SERVICE; use -Port or run elevated." + (detail is null ? string.Empty : $" ({detail})"),
        inner);

    /// <summary>Turns a failure to bind a socket into an ErrorRecord that says how to fix it.</summary>
    protected internal static ErrorRecord SocketBindError(SocketException exception, string what, int port, object target) => exception.SocketErrorCode switch
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

    /// <summary>
    /// A terminating InvalidParameter error (InvalidArgument) unless <paramref name="value"/> lies in
    /// (<paramref name="minimum"/> exclusive, or inclusive with <paramref name="allowMinimum"/>) … <paramref name="maximum"/>.
    /// </summary>
    protected void RequireTimeSpan(string parameter, TimeSpan value, TimeSpan minimum, TimeSpan maximum, bool allowMinimum = false, string? example = null)
    {
        if ((allowMinimum ? value >= minimum : value > minimum) && value <= maximum)
        {
            return;
        }

        string lower = allowMinimum ? $"at least {minimum:c}" : $"longer than {minimum:c}";
        ThrowTerminatingError(Error(
            ErrorIds.InvalidParameter,
            ErrorCategory.InvalidArgument,
            value,
            $"-{parameter} {value:c} is out of range: it must be {lower} and at most {maximum:c}" + (example is null ? "." : $", for example {example}.")));
    }

    /// <summary>A terminating InterfaceNotFound error when this machine has no network interface named <paramref name="name"/>.</summary>
    protected void RequireInterface(string parameter, string? name)
    {
        if (name is null)
        {
            return;
        }

        var names = Engine.Net.NetworkInterfaces.GetAll().Select(i => i.Name).ToList();
        if (!names.Contains(name, StringComparer.Ordinal))
        {
            ThrowTerminatingError(Error(
                ErrorIds.InterfaceNotFound,
                ErrorCategory.ObjectNotFound,
                name,
                $"-{parameter}: there is no interface named '{name}' on this machine; use one of: {string.Join(", ", names.Order(StringComparer.Ordinal))}."));
        }
    }

    /// <summary>ServerNotFound for <paramref name="name"/>.</summary>
    protected static ErrorRecord ServerNotFound(string name) =>
        Error(ErrorIds.ServerNotFound, ErrorCategory.ObjectNotFound, name, $"No server named '{name}' runs in this session; Get-PxeServer lists them.");

    /// <summary>MountPointNotFound for <paramref name="name"/>.</summary>
    protected static ErrorRecord MountPointNotFound(string name) =>
        Error(ErrorIds.MountPointNotFound, ErrorCategory.ObjectNotFound, name, $"No image is mounted at '{name}'; Get-PxeIso lists the mounts.");
}
