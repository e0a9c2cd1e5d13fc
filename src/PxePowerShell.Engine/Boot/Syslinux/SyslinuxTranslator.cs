using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Boot.Syslinux;

/// <summary>
/// Turns the labels of a <see cref="SyslinuxConfig"/> into <see cref="BootEntry"/> objects that render back into
/// pxelinux, iPXE and GRUB menus: Linux kernels (KERNEL/LINUX with INITRD or initrd=), multiboot (mboot.c32 a --- b
/// --- c), memtest images, PXE chainloads (.0 files, PXE, pxechn.c32), local boot (LOCALBOOT, chain.c32) and config
/// includes (CONFIG). Paths are resolved as syslinux does: relative to the working directory (the directory of
/// pxelinux.0 or isolinux.bin), absolute ("/x", "::x") from the root of the TFTP tree or image; the root prefix
/// places that root in the boot namespace (an ISO's mount point).
/// </summary>
internal static class SyslinuxTranslator
{
    private static readonly string[] MenuModules = ["menu.c32", "vesamenu.c32"];

    /// <summary>Translates <paramref name="config"/>.</summary>
    /// <param name="config">The parsed configuration.</param>
    /// <param name="workingDirectory">The namespace directory relative paths start from ("" for the TFTP root, "arch/isolinux" for an image mounted at arch).</param>
    /// <param name="rootPrefix">Where the tree's root lies in the namespace ("" for a TFTP root, "arch" for an image mounted at arch).</param>
    /// <param name="namePrefix">Prefix for entry names (a mount point), or null.</param>
    /// <param name="rootDirectory">The TFTP root's directory on disk (e.g. /tftpboot): absolute paths that begin with it are reduced to the root, as dnsmasq does.</param>
    public static SyslinuxConversion Translate(SyslinuxConfig config, string workingDirectory, string rootPrefix, string? namePrefix = null, string? rootDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var warnings = new List<SyslinuxWarning>(config.Warnings);
        var entries = new List<BootEntry>();
        var names = new UniqueEntryNames();
        bool defaultTaken = false;
        string? defaultLabel = DefaultLabel(config);
        // A submenu's MENU DEFAULT only picks the highlighted line inside that submenu; the menu's own default is a top-level one.
        bool anyMenuDefault = config.Labels.Any(l => l.MenuDefault && l.Submenus.Count == 0);
        foreach (var label in config.Labels)
        {
            warnings.AddRange(label.Untranslated);
            if (label.MenuExit && label.Kernel is null)
            {
                continue; // a "Back.." line of a submenu: the flattened menu has nothing to go back to
            }

            var entry = Entry(label, config, p => ResolvePath(p, workingDirectory, rootPrefix, rootDirectory), warnings);
            if (entry is null)
            {
                continue;
            }

            bool isDefault = anyMenuDefault ? label.MenuDefault && label.Submenus.Count == 0 : string.Equals(label.Name, defaultLabel, StringComparison.OrdinalIgnoreCase);
            string label2 = label.MenuLabel ?? label.Name;
            if (label.Submenus.Count > 0)
            {
                label2 = string.Join(" / ", label.Submenus) + " / " + label2;
            }

            isDefault &= !defaultTaken;
            defaultTaken |= isDefault;
            entries.Add(entry with
            {
                Name = names.Claim(NameFor(namePrefix, label.Name)),
                Label = label2,
                HelpText = label.HelpText is { Length: > 0 } help ? help : null,
                IsDefault = isDefault,
                Order = entries.Count,
            });
        }

        if (config.Default is { } d && defaultLabel is null && !MenuModules.Contains(Path.GetFileName(d), StringComparer.OrdinalIgnoreCase))
        {
            warnings.Add(new SyslinuxWarning(config.Files[0], 0, d, $"DEFAULT {d} names no LABEL; no entry is marked default"));
        }

        return new SyslinuxConversion(config.Files[0], config.Title, entries, warnings, config.Files) { Timeout = config.Timeout };
    }

    /// <summary>Resolves a path as syslinux would, into the boot namespace; with <paramref name="rootDirectory"/>, an absolute path that begins with it is reduced to the root (<see cref="RootRelativePath"/>).</summary>
    public static string ResolvePath(string path, string workingDirectory, string rootPrefix, string? rootDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Contains("://", StringComparison.Ordinal))
        {
            return path; // lpxelinux fetches URLs itself
        }

        int server = path.IndexOf("::", StringComparison.Ordinal);
        if (server >= 0)
        {
            path = "/" + path[(server + 2)..].TrimStart('/');
        }

        if (path.StartsWith('/') && RootRelativePath.TryReduce(path, rootDirectory, out var belowRoot))
        {
            path = "/" + belowRoot; // dnsmasq's reading: /tftpboot/a under tftp-root=/tftpboot is the root's /a
        }

        string combined = path.StartsWith('/') ? Join(rootPrefix, path) : Join(workingDirectory, path);
        var parts = new List<string>();
        foreach (var part in combined.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    private static string Join(string directory, string path) =>
        string.IsNullOrEmpty(directory) ? path.TrimStart('/') : directory.TrimEnd('/') + "/" + path.TrimStart('/');

    private static string? DefaultLabel(SyslinuxConfig config)
    {
        if (config.Default is not { Length: > 0 } d)
        {
            return null;
        }

        // DEFAULT is a command line whose first word names the label; a label whose name has spaces matches whole.
        string first = d.Split([' ', '\t'], 2)[0];
        return config.Labels.FirstOrDefault(l => string.Equals(l.Name, d.Trim(), StringComparison.OrdinalIgnoreCase))?.Name
            ?? config.Labels.FirstOrDefault(l => string.Equals(l.Name, first, StringComparison.OrdinalIgnoreCase))?.Name;
    }

    private static BootEntry? Entry(SyslinuxLabel label, SyslinuxConfig config, Func<string, string> resolve, List<SyslinuxWarning> warnings)
    {
        SyslinuxWarning Warn(string message) => label.Origin with { Message = $"LABEL {label.Name}: {message}" };
        if (label.Kernel is not { Length: > 0 } kernelText)
        {
            if (label.KernelDirective == "LOCALBOOT")
            {
                return new BootEntry { Name = "x", Kind = BootEntryKind.LocalBoot };
            }

            warnings.Add(Warn("no KERNEL/LINUX; not translated"));
            return null;
        }

        string append = label.Append ?? config.GlobalAppend ?? string.Empty;
        if (append.Trim() == "-")
        {
            append = string.Empty;
        }

        var unknown = new List<string>();
        kernelText = BootVariables.Translate(kernelText, unknown);
        append = BootVariables.Translate(append, unknown);
        string? initrdText = label.Initrd is { } written ? BootVariables.Translate(written, unknown) : null;
        if (unknown.Count > 0)
        {
            warnings.Add(Warn($"{string.Join(", ", unknown.Select(n => "${" + n + "}"))} cannot be filled in by the menus PxePowerShell renders; not translated (write the value into the arguments; ${{pxeserver}} becomes {{server}})"));
            return null;
        }

        // KERNEL may carry arguments of its own ("KERNEL vmlinuz quiet"); they come before APPEND's.
        var kernelParts = kernelText.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
        string file = kernelParts[0];
        string arguments = kernelParts.Length > 1 ? (kernelParts[1] + " " + append).Trim() : append.Trim();
        string name = Path.GetFileName(file).ToLowerInvariant();
        string directive = label.KernelDirective ?? "KERNEL";
        switch (directive)
        {
            case "LOCALBOOT":
                return new BootEntry { Name = "x", Kind = BootEntryKind.LocalBoot };
            case "CONFIG":
                // Another pxelinux configuration: only pxelinux/syslinux.efi can read it, so iPXE and GRUB menus leave it out.
                return new BootEntry { Name = "x", Kind = BootEntryKind.ConfigInclude, ConfigPath = resolve(file), Loader = BootLoader.Pxelinux };
            case "PXE":
                return new BootEntry { Name = "x", Kind = BootEntryKind.Chainload, ChainTarget = resolve(file) };
            case "BOOT" or "BSS" or "FDIMAGE" or "COMBOOT":
                warnings.Add(Warn($"{directive} {file} (a boot sector, floppy image or COMBOOT program) is not translated"));
                return null;
        }

        if (name.EndsWith(".c32", StringComparison.Ordinal) || directive == "COM32")
        {
            return Module(name, file, arguments, label, resolve, Warn, warnings);
        }

        if (name.EndsWith(".0", StringComparison.Ordinal) || name.EndsWith(".kpxe", StringComparison.Ordinal) || name.EndsWith(".pxe", StringComparison.Ordinal))
        {
            return new BootEntry { Name = "x", Kind = BootEntryKind.Chainload, ChainTarget = resolve(file) };
        }

        if (name == "memdisk")
        {
            warnings.Add(Warn("memdisk (a disk image booted from RAM) is not translated; boot the image's own kernel instead"));
            return null;
        }

        if (name.StartsWith("memtest", StringComparison.Ordinal) && !name.EndsWith(".efi", StringComparison.Ordinal))
        {
            return new BootEntry { Name = "x", Kind = BootEntryKind.Image, Architecture = BootArchitecture.Bios, Kernel = resolve(file), Arguments = Empty(arguments) };
        }

        var (initrds, rest) = TakeInitrd(arguments);
        if (initrdText is { Length: > 0 } initrdDirective)
        {
            initrds.InsertRange(0, initrdDirective.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return new BootEntry
        {
            Name = "x",
            Kind = BootEntryKind.Linux,
            Kernel = resolve(file),
            Initrd = initrds.Select(resolve).ToList(),
            Arguments = Empty(rest),
        };
    }

    private static BootEntry? Module(string name, string file, string arguments, SyslinuxLabel label, Func<string, string> resolve, Func<string, SyslinuxWarning> warn, List<SyslinuxWarning> warnings)
    {
        switch (name)
        {
            case "mboot.c32":
                var parts = arguments.Split("---", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 0)
                {
                    warnings.Add(warn("mboot.c32 without a kernel; not translated"));
                    return null;
                }

                var first = parts[0].Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                return new BootEntry
                {
                    Name = "x",
                    Kind = BootEntryKind.Multiboot,
                    Kernel = resolve(first[0]),
                    Arguments = first.Length > 1 ? first[1].Trim() : null,
                    Modules = parts.Skip(1).Select(p =>
                    {
                        var module = MultibootModule.Parse(p);
                        return module with { Path = resolve(module.Path) };
                    }).ToList(),
                };
            case "linux.c32":
                var linux = arguments.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                if (linux.Length == 0)
                {
                    warnings.Add(warn("linux.c32 without a kernel; not translated"));
                    return null;
                }

                var (initrds, rest) = TakeInitrd(linux.Length > 1 ? linux[1] : string.Empty);
                return new BootEntry { Name = "x", Kind = BootEntryKind.Linux, Kernel = resolve(linux[0]), Initrd = initrds.Select(resolve).ToList(), Arguments = Empty(rest) };
            case "chain.c32":
                return new BootEntry { Name = "x", Kind = BootEntryKind.LocalBoot, Arguments = Empty(arguments) };
            case "pxechn.c32":
                string target = arguments.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? string.Empty;
                if (target.Length == 0)
                {
                    warnings.Add(warn("pxechn.c32 without a target; not translated"));
                    return null;
                }

                return new BootEntry { Name = "x", Kind = BootEntryKind.Chainload, ChainTarget = target.Contains("::", StringComparison.Ordinal) && !target.StartsWith("::", StringComparison.Ordinal) ? target : resolve(target) };
            default:
                warnings.Add(warn($"the COM32 module {file} ({label.MenuLabel ?? label.Name}) runs inside syslinux and is not translated"));
                return null;
        }
    }

    /// <summary>Takes initrd= out of a command line: the files (comma separated) and the rest.</summary>
    private static (List<string> Initrds, string Remainder) TakeInitrd(string arguments)
    {
        var initrds = new List<string>();
        var rest = new List<string>();
        foreach (var word in arguments.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith("initrd=", StringComparison.OrdinalIgnoreCase))
            {
                initrds.AddRange(word["initrd=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries));
            }
            else
            {
                rest.Add(word);
            }
        }

        return (initrds, string.Join(' ', rest));
    }

    private static string? Empty(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    internal static string NameFor(string? prefix, string label)
    {
        var chars = label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '-').ToArray();
        string core = new string(chars).Trim('-', '.', '_');
        if (core.Length == 0)
        {
            core = "entry";
        }

        string name = prefix is { Length: > 0 } ? prefix + "-" + core : core;
        return char.IsAsciiLetterOrDigit(name[0]) ? name : "e" + name;
    }
}
