using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Boot.Grub;

/// <summary>Turns the body of one GRUB menuentry into a <see cref="BootEntry"/> (name, label, default and order are set by the caller).</summary>
internal static class GrubEntryTranslator
{
    private static readonly HashSet<string> EntryCommands = new(StringComparer.Ordinal)
    {
        "linux", "linuxefi", "linux16", "initrd", "initrdefi", "initrd16", "multiboot", "multiboot2", "module", "module2", "chainloader",
    };

    /// <summary>True for the commands that only mean something inside a menuentry.</summary>
    public static bool IsEntryCommand(string name) => EntryCommands.Contains(name);

    /// <summary>The entry, or null (with a warning) when the body boots nothing PxePowerShell can render.</summary>
    public static BootEntry? Translate(string file, IReadOnlyList<GrubWord> header, List<IReadOnlyList<GrubWord>> body, Dictionary<string, string> variables, Func<string, string> resolve, List<SyslinuxWarning> warnings)
    {
        BootEntry? entry = null;
        string? kernelCommand = null;
        var initrds = new List<string>();
        var modules = new List<MultibootModule>();
        var unknown = new List<string>();
        var untranslatable = new List<string>();
        int start = warnings.Count;

        string? Path(GrubWord word)
        {
            string expanded = word.Expand(unknown, variables);
            if (GrubConfigParser.WithoutDevice(expanded) is { } path)
            {
                return resolve(path);
            }

            untranslatable.Add($"the device of {expanded} is not the boot server");
            return null;
        }

        List<string> Rest(IReadOnlyList<GrubWord> command, int from) => command.Skip(from).Select(w => w.Expand(unknown, variables)).ToList();

        foreach (var command in body)
        {
            string name = command[0].Raw;
            if (name is "if" or "then" or "else" or "elif" or "fi")
            {
                warnings.Add(GrubConfigParser.Warning(file, command, "a condition inside a menuentry is not evaluated; every branch is read"));
                continue;
            }

            bool bare = GrubConfigParser.IsAssignment(name);
            if (bare || (name == "set" && command.Count > 1))
            {
                string assignment = string.Concat(command.Skip(bare ? 0 : 1).Select(w => w.Expand([], variables)));
                int equals = assignment.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    variables[assignment[..equals]] = assignment[(equals + 1)..];
                }

                continue;
            }

            switch (name)
            {
                case "linux" or "linuxefi" or "linux16" or "multiboot" or "multiboot2" or "chainloader" when command.Count > 1:
                    kernelCommand = name;
                    string? kernel = Path(command[1]);
                    string? arguments = command.Count > 2 ? GrubConfigParser.CommandLine(Rest(command, 2)) : null;
                    entry = name switch
                    {
                        "chainloader" => new BootEntry { Name = "x", Kind = BootEntryKind.Chainload, ChainTarget = kernel },
                        "multiboot" or "multiboot2" => new BootEntry { Name = "x", Kind = BootEntryKind.Multiboot, Kernel = kernel, Arguments = arguments },
                        _ => new BootEntry { Name = "x", Kind = BootEntryKind.Linux, Kernel = kernel, Arguments = arguments },
                    };
                    continue;
                case "initrd" or "initrdefi" or "initrd16":
                    initrds.Clear(); // a later initrd command replaces the earlier one
                    initrds.AddRange(command.Skip(1).Select(Path).OfType<string>());
                    continue;
                case "module" or "module2" when command.Count > 1:
                    var words = Rest(command, 1).Where(w => w is not "--nounzip").ToList();
                    if (words.Count > 0 && Path(new GrubWord([(words[0], true)], command[0].Line)) is { } module)
                    {
                        modules.Add(new MultibootModule(module, words.Count > 1 ? GrubConfigParser.CommandLine(words.Skip(1)) : null));
                    }

                    continue;
                case "configfile" or "source" when command.Count > 1:
                    kernelCommand = name;
                    entry = Path(command[1]) is { } config ? new BootEntry { Name = "x", Kind = BootEntryKind.ConfigInclude, ConfigPath = config, Loader = BootLoader.Grub } : null;
                    continue;
            }

            if (!GrubConfigParser.IsLookOnly(name))
            {
                warnings.Add(GrubConfigParser.Warning(file, command, $"'{name}' is not a command PxePowerShell translates"));
            }
        }

        SyslinuxWarning Refuse(string message) => GrubConfigParser.Warning(file, header, message);
        if (unknown.Count > 0)
        {
            warnings.Add(Refuse($"{string.Join(", ", unknown.Select(n => "$" + n))} cannot be filled in by the menus PxePowerShell renders; the entry is not translated (write the value in; $net_default_server becomes {{server}})"));
            return null;
        }

        if (untranslatable.Count > 0)
        {
            warnings.Add(Refuse($"{string.Join("; ", untranslatable)}; the entry is not translated"));
            return null;
        }

        if (entry is null || kernelCommand is null)
        {
            warnings.Add(Refuse(warnings.Count > start ? "boots nothing PxePowerShell translates; not translated" : "has no linux, multiboot, chainloader or configfile; not translated"));
            return null;
        }

        return entry.Kind switch
        {
            BootEntryKind.Linux => entry with { Initrd = initrds },
            BootEntryKind.Multiboot => entry with { Modules = modules },
            _ => entry,
        };
    }
}
