using System.Management.Automation;
using System.Reflection;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Services;

namespace PxePowerShell;

/// <summary>
/// What the boot entry and menu cmdlets share: the store of the data directory, engine errors turned into
/// ErrorRecords (the engine's ErrorId becomes the record's ErrorId), architecture parsing and file checks against
/// the boot namespace.
/// </summary>
public abstract class BootEntryCmdlet : PxeCmdlet
{
    /// <summary>The boot entry store; a terminating error when it cannot be opened (StoreUnreadable, BootStoreUnavailable).</summary>
    internal BootEntryStore OpenStore()
    {
        BootEntryStore store;
        try
        {
            store = ModuleState.BootEntries;
        }
        catch (BootEntryException ex)
        {
            ThrowTerminatingError(BootError(ex, ex.Target ?? PxeDataDirectory.Resolve()));
            throw; // not reached
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            ThrowTerminatingError(StorageError(ex));
            throw; // not reached
        }

        WriteVerbose($"Boot entries: {store.FilePath}");
        return store;
    }

    /// <summary>
    /// Runs a store operation. A refusal (<see cref="BootEntryException"/>) becomes a non-terminating error with the
    /// engine's ErrorId and <paramref name="target"/>, and the result is null; an unreadable entry file or a storage
    /// failure stops the cmdlet, since nothing further can succeed.
    /// </summary>
    internal T? Try<T>(Func<T> operation, object? target)
        where T : class
    {
        try
        {
            return operation();
        }
        catch (BootEntryException ex) when (ex.ErrorId == ErrorIds.StoreUnreadable)
        {
            ThrowTerminatingError(BootError(ex, ex.Target ?? target));
            throw; // not reached
        }
        catch (BootEntryException ex)
        {
            WriteError(BootError(ex, target));
            return null;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            ThrowTerminatingError(StorageError(ex));
            throw; // not reached
        }
    }

    /// <summary>The ErrorRecord for an engine refusal: its ErrorId, the matching category, <paramref name="target"/>.</summary>
    internal static ErrorRecord BootError(BootEntryException exception, object? target) => Error(exception, target);

    /// <summary>The ErrorRecord for a validation issue.</summary>
    internal static ErrorRecord BootError(BootEntryIssue issue, object? target) =>
        Error(issue.Id, Category(issue.Id), target, issue.Message);

    /// <summary>The ErrorCategory of a boot ErrorId (see docs/boot-entries.md).</summary>
    internal static ErrorCategory Category(string errorId) => ToErrorCategory(ErrorIds.CategoryOf(errorId));

    /// <summary>
    /// Parses architecture names with <see cref="BootArchitectures.TryParse(IEnumerable{string}, out BootArchitecture, out string?)"/>;
    /// an unknown name (or none) writes a non-terminating UnknownArchitecture error and returns null.
    /// </summary>
    internal BootArchitecture? ParseArchitecture(IEnumerable<string> names, object? target)
    {
        if (BootArchitectures.TryParse(names, out var architecture, out var unknown))
        {
            return architecture;
        }

        WriteError(Error(
            ErrorIds.UnknownArchitecture,
            ErrorCategory.InvalidArgument,
            unknown ?? target,
            unknown is null
                ? $"No architecture was named; use {BootArchitectures.Names}."
                : $"'{unknown}' is not an architecture; use {BootArchitectures.Names} (HTTP-boot names such as EfiX64Http mean their platform)."));
        return null;
    }

    /// <summary>Parses one platform (for menus); Efi, All or an unknown name write UnknownArchitecture and return null.</summary>
    internal BootArchitecture? ParseSingleArchitecture(string name)
    {
        if (ParseArchitecture([name], name) is not { } architecture)
        {
            return null;
        }

        if (!BootArchitectures.Singles.Contains(architecture))
        {
            WriteError(Error(ErrorIds.UnknownArchitecture, ErrorCategory.InvalidArgument, name, $"'{name}' names several platforms; a menu is for one of {string.Join(", ", BootArchitectures.Singles)}."));
            return null;
        }

        return architecture;
    }

    /// <summary>
    /// The namespace that file checks use: a directory given with -Root; otherwise the namespace of the one running
    /// TFTP server (with no TFTP server running, of the one running server that serves a namespace, such as HTTP);
    /// otherwise null (file checks are skipped, which is said in a verbose message).
    /// A -Root that does not exist is a terminating RootNotFound error.
    /// </summary>
    internal BootNamespace? ResolveNamespace(string? root)
    {
        if (!string.IsNullOrEmpty(root))
        {
            string full = ResolvePath(root);
            if (!Directory.Exists(full))
            {
                ThrowTerminatingError(Error(ErrorIds.RootNotFound, ErrorCategory.ObjectNotFound, root, $"The directory '{full}' does not exist; -Root names the TFTP root the entries' files are checked against."));
            }

            // The directory plus the mounted ISO images, as a server on that root serves them.
            var boot = new BootNamespace(full);
            foreach (var mount in ModuleState.IsoMounts.Mounts)
            {
                boot.Mount(Engine.Files.BootPath.Parse(mount.MountPoint), mount.Source);
            }

            WriteVerbose($"Checking files against the directory {full} and {boot.Mounts.Count - 1} mounted ISO images.");
            return boot;
        }

        var served = new List<(IPxeService Server, BootNamespace Namespace)>();
        foreach (var server in ModuleState.Servers.Servers)
        {
            if (server.State == PxeServerState.Running && NamespaceOf(server) is { } boot && !served.Exists(s => ReferenceEquals(s.Namespace, boot)))
            {
                served.Add((server, boot));
            }
        }

        // The TFTP server is what loaders fetch kernels from; without one, an HTTP server's namespace will do.
        var tftp = served.FindAll(s => string.Equals(s.Server.Role, "Tftp", StringComparison.OrdinalIgnoreCase));
        var chosen = tftp.Count > 0 ? tftp : served;
        if (chosen.Count == 1)
        {
            WriteVerbose($"Checking files against the boot namespace of the running server '{chosen[0].Server.Name}'.");
            return chosen[0].Namespace;
        }

        WriteVerbose(chosen.Count == 0
            ? "No -Root was given and no server is running: the files the entry names are not checked."
            : $"No -Root was given and {chosen.Count} servers serve different namespaces ({string.Join(", ", chosen.Select(s => s.Server.Name))}): the files the entry names are not checked; use -Root.");
        return null;
    }

    /// <summary>
    /// Validates <paramref name="entry"/> against <paramref name="boot"/>: missing files become warnings (errors when
    /// <paramref name="strict"/>), every error is written as a non-terminating error with <paramref name="target"/>.
    /// True when the entry may be saved.
    /// </summary>
    internal bool Validate(BootEntry entry, BootNamespace? boot, bool strict, object? target)
    {
        var issues = BootEntryValidator.ValidateAsync(entry, boot, strict).AsTask().GetAwaiter().GetResult();
        bool ok = true;
        foreach (var issue in issues)
        {
            if (issue.Severity == BootIssueSeverity.Warning)
            {
                WriteWarning($"{issue.Message} ({issue.Id}; -Strict makes this an error)");
            }
            else
            {
                WriteError(BootError(issue, target));
                ok = false;
            }
        }

        return ok;
    }

    /// <summary>Names matched by <paramref name="patterns"/> (wildcards allowed); a plain name matching nothing writes EntryNotFound.</summary>
    internal List<BootEntry> Match(BootConfiguration configuration, IEnumerable<string>? patterns)
    {
        var result = new List<BootEntry>();
        if (patterns is null)
        {
            result.AddRange(configuration.Entries);
            return result;
        }

        foreach (var text in patterns)
        {
            if (string.IsNullOrEmpty(text))
            {
                continue;
            }

            if (WildcardPattern.ContainsWildcardCharacters(text))
            {
                var pattern = new WildcardPattern(text, WildcardOptions.IgnoreCase);
                foreach (var entry in configuration.Entries)
                {
                    if (pattern.IsMatch(entry.Name) && !result.Contains(entry))
                    {
                        result.Add(entry);
                    }
                }

                continue;
            }

            if (configuration.Find(text) is { } found)
            {
                if (!result.Contains(found))
                {
                    result.Add(found);
                }
            }
            else
            {
                WriteError(NotFound(text));
            }
        }

        return result;
    }

    /// <summary>The EntryNotFound error for <paramref name="name"/>.</summary>
    internal static ErrorRecord NotFound(string name) =>
        Error(ErrorIds.EntryNotFound, ErrorCategory.ObjectNotFound, name, $"There is no boot entry named '{name}'; Get-PxeBootEntry lists them.");

    /// <summary>Entries in menu order: Order, then Name.</summary>
    internal static IEnumerable<BootEntry> InMenuOrder(IEnumerable<BootEntry> entries) =>
        entries.OrderBy(e => e.Order).ThenBy(e => e.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads the multiboot module texts ("path arguments"); a malformed one writes an error and returns null.</summary>
    internal IReadOnlyList<MultibootModule>? ParseModules(IEnumerable<string> texts, object? target)
    {
        var modules = new List<MultibootModule>();
        foreach (var text in texts)
        {
            try
            {
                modules.Add(MultibootModule.Parse(text ?? string.Empty));
            }
            catch (BootEntryException ex)
            {
                WriteError(BootError(ex, target));
                return null;
            }
        }

        return modules;
    }

    private static BootNamespace? NamespaceOf(IPxeService server)
    {
        foreach (var property in server.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.PropertyType == typeof(BootNamespace) && property.GetIndexParameters().Length == 0)
            {
                return property.GetValue(server) as BootNamespace;
            }
        }

        return null;
    }

    private static bool IsStorageFailure(Exception ex) => ex is IOException or UnauthorizedAccessException;

    private static ErrorRecord StorageError(Exception ex)
    {
        string directory = ModuleState.BootEntriesDirectory ?? PxeDataDirectory.Resolve();
        return Error(
            ErrorIds.BootStoreUnavailable,
            ErrorCategory.WriteError,
            directory,
            $"The boot entries in '{directory}' cannot be saved: {ex.Message} Make the directory writable, or set $env:{PxeDataDirectory.EnvironmentVariable} to a directory you can write.",
            ex);
    }
}
