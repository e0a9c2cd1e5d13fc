using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Checks boot entries. <see cref="CheckShape"/> finds what makes an entry unusable whatever the files (always errors);
/// <see cref="ValidateAsync"/> adds whether the files it names exist in a <see cref="BootNamespace"/> (warnings, or
/// errors when strict). URLs are not fetched.
/// </summary>
public static class BootEntryValidator
{
    /// <summary>The shape errors of <paramref name="entry"/>: name, kind-specific properties, paths, addresses, characters.</summary>
    public static IReadOnlyList<BootEntryIssue> CheckShape(BootEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var issues = new List<BootEntryIssue>();
        string name = entry.Name ?? string.Empty;
        void Error(string id, string message, string? target = null) => issues.Add(new BootEntryIssue(id, BootIssueSeverity.Error, name, message, target));

        if (!BootEntry.IsValidName(entry.Name))
        {
            Error(PxeErrorIds.InvalidName, $"'{entry.Name}' is not a valid entry name; use letters, digits, '.', '_' and '-', starting with a letter or digit, at most {BootEntry.MaxNameLength} characters.", entry.Name);
        }

        if ((entry.Architecture & BootArchitecture.All) == 0 || (entry.Architecture & ~BootArchitecture.All) != 0)
        {
            Error(PxeErrorIds.UnknownArchitecture, $"Entry '{name}' must apply to at least one of {string.Join(", ", BootArchitectures.Singles)}.", entry.Architecture.ToString());
        }

        if ((entry.Loader & BootLoader.All) == 0 || (entry.Loader & ~BootLoader.All) != 0)
        {
            Error(PxeErrorIds.NoLoader, $"Entry '{name}' must appear in at least one of Pxelinux, Ipxe, Grub.", entry.Loader.ToString());
        }

        if (BootText.HasControl(entry.Label))
        {
            Error(PxeErrorIds.InvalidCharacter, $"The label of '{name}' contains a control character or line break.", entry.Label);
        }

        if (BootText.HasControl(entry.HelpText, allowNewLines: true))
        {
            Error(PxeErrorIds.InvalidCharacter, $"The help text of '{name}' contains a control character.", entry.HelpText);
        }

        CheckArguments(entry.Arguments, "arguments");
        foreach (var module in entry.Modules ?? [])
        {
            CheckArguments(module?.Arguments, "module arguments");
        }

        bool needsKernel = entry.Kind is BootEntryKind.Linux or BootEntryKind.Multiboot or BootEntryKind.Image;
        if (needsKernel && string.IsNullOrWhiteSpace(entry.Kernel))
        {
            Error(PxeErrorIds.KernelRequired, $"Entry '{name}' of kind {entry.Kind} needs -Kernel.");
        }
        else if (!needsKernel && !string.IsNullOrEmpty(entry.Kernel))
        {
            Error(PxeErrorIds.UnusedProperty, $"Entry '{name}' of kind {entry.Kind} does not use -Kernel; use -ChainTarget or -ConfigPath, or change -Kind.", entry.Kernel);
        }

        if (entry.Kind == BootEntryKind.Chainload && string.IsNullOrWhiteSpace(entry.ChainTarget))
        {
            Error(PxeErrorIds.ChainTargetRequired, $"Entry '{name}' of kind Chainload needs -ChainTarget (a boot file such as undionly.kpxe or a URL).");
        }

        if (entry.Kind == BootEntryKind.ConfigInclude && string.IsNullOrWhiteSpace(entry.ConfigPath))
        {
            Error(PxeErrorIds.ConfigPathRequired, $"Entry '{name}' of kind ConfigInclude needs -ConfigPath.");
        }

        if ((entry.Initrd?.Count ?? 0) > 0 && entry.Kind != BootEntryKind.Linux)
        {
            Error(PxeErrorIds.UnusedProperty, $"Entry '{name}' of kind {entry.Kind} does not use -Initrd; for Xen put images in -Module.");
        }

        if ((entry.Modules?.Count ?? 0) > 0 && entry.Kind != BootEntryKind.Multiboot)
        {
            Error(PxeErrorIds.UnusedProperty, $"Entry '{name}' of kind {entry.Kind} does not use -Module.");
        }

        foreach (var (path, what) in Paths(entry))
        {
            if (path is null)
            {
                Error(PxeErrorIds.InvalidPath, $"Entry '{name}' has an empty {what} path.");
                continue;
            }

            if (BootText.PathProblem(path) is { } problem)
            {
                Error(PxeErrorIds.InvalidPath, $"The {what} path '{path}' of '{name}' is refused: {problem}.", path);
            }
        }

        foreach (var mac in entry.MacAddresses ?? [])
        {
            if (!BootEntry.TryNormalizeMacAddress(mac, out _))
            {
                Error(PxeErrorIds.InvalidMacAddress, $"'{mac}' is not a MAC address; use the form aa-bb-cc-dd-ee-ff.", mac);
            }
        }

        foreach (var uuid in entry.Uuids ?? [])
        {
            if (!BootEntry.TryNormalizeUuid(uuid, out _))
            {
                Error(PxeErrorIds.InvalidUuid, $"'{uuid}' is not a UUID.", uuid);
            }
        }

        return issues;

        void CheckArguments(string? arguments, string what)
        {
            if (arguments is null)
            {
                return;
            }

            if (BootText.HasControl(arguments))
            {
                Error(PxeErrorIds.InvalidCharacter, $"The {what} of '{name}' contain a control character or line break.", arguments);
            }

            if (arguments.Contains("${", StringComparison.Ordinal))
            {
                Error(PxeErrorIds.UnescapableArgument, $"The {what} of '{name}' contain '${{', which iPXE expands as a setting and cannot escape.", arguments);
            }

            if (entry.Kind == BootEntryKind.Multiboot && arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("---"))
            {
                Error(PxeErrorIds.UnescapableArgument, $"The {what} of '{name}' contain '---', which mboot.c32 reads as the module separator.", arguments);
            }
        }
    }

    /// <summary>
    /// All issues of <paramref name="entry"/>: shape errors, then the files it names that <paramref name="boot"/> cannot open
    /// (URLs and {placeholders} are not checked). Missing files are warnings, or errors when <paramref name="strict"/>.
    /// </summary>
    public static async ValueTask<IReadOnlyList<BootEntryIssue>> ValidateAsync(BootEntry entry, BootNamespace? boot, bool strict = false, CancellationToken cancellationToken = default)
    {
        var issues = new List<BootEntryIssue>(CheckShape(entry));
        if (boot is null)
        {
            return issues;
        }

        var severity = strict ? BootIssueSeverity.Error : BootIssueSeverity.Warning;
        foreach (var (path, what) in Paths(entry))
        {
            if (path is null || BootRenderOptions.IsUrl(path) || path.Contains('{', StringComparison.Ordinal) || !BootPath.TryParse(path, out var bootPath, out _))
            {
                continue;
            }

            var result = await boot.OpenAsync(bootPath, BootRequestContext.Local, cancellationToken).ConfigureAwait(false);
            result.File?.Dispose();
            if (result.Status == BootFileStatus.Ok)
            {
                continue;
            }

            string id = what switch
            {
                "kernel" => PxeErrorIds.KernelNotFound,
                "initrd" => PxeErrorIds.InitrdNotFound,
                "module" => PxeErrorIds.ModuleNotFound,
                "chain target" => PxeErrorIds.ChainTargetNotFound,
                _ => PxeErrorIds.ConfigNotFound,
            };
            issues.Add(new BootEntryIssue(id, severity, entry.Name, $"The {what} '{path}' of '{entry.Name}' is not in the boot namespace ({result.Reason ?? result.Status.ToString()}); mount or copy it, or fix the path.", path));
        }

        return issues;
    }

    private static IEnumerable<(string? Path, string What)> Paths(BootEntry entry)
    {
        if (!string.IsNullOrEmpty(entry.Kernel))
        {
            yield return (entry.Kernel, "kernel");
        }

        foreach (var initrd in entry.Initrd ?? [])
        {
            yield return (initrd, "initrd");
        }

        foreach (var module in entry.Modules ?? [])
        {
            yield return (module?.Path, "module");
        }

        if (entry.Kind == BootEntryKind.Chainload && !string.IsNullOrEmpty(entry.ChainTarget))
        {
            yield return (entry.ChainTarget, "chain target");
        }

        if (entry.Kind == BootEntryKind.ConfigInclude && !string.IsNullOrEmpty(entry.ConfigPath))
        {
            yield return (entry.ConfigPath, "configuration");
        }
    }
}
