using System.Management.Automation;
using System.Management.Automation.Language;

namespace PxePowerShell.Module.Tests;

public sealed class ModuleManifestTests(ModuleHost host) : IClassFixture<ModuleHost>
{
    [Fact]
    public void Manifest_exports_exactly_the_cmdlets_the_assembly_defines()
    {
        var exported = host.Invoke("(Get-Module PxePowerShell).ExportedCmdlets.Keys").AssertNoErrors()
            .Output.Select(o => o.ToString()).Order(StringComparer.Ordinal).ToList();
        var defined = host.Invoke("""
            $asm = (Get-Module PxePowerShell).ImplementingAssembly
            $asm.GetTypes() | Where-Object { $_.IsPublic -and -not $_.IsAbstract } | ForEach-Object {
                foreach ($a in $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)) { '{0}-{1}' -f $a.VerbName, $a.NounName } }
            """).AssertNoErrors().Output.Select(o => o.ToString()).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(defined);
        Assert.Equal(defined, exported);
    }

    [Fact]
    public void The_cmdlets_reach_storage_only_through_the_engine_and_name_no_storage_library()
    {
        // The storage seam (docs/architecture.md): cmdlets catch PxeStorageException, never SqliteException or
        // NpgsqlException, so the cmdlet assembly has no reference to a storage library at all.
        string dll = Path.Combine(Path.GetDirectoryName(ModuleHost.ManifestPath)!, "PxePowerShell.dll");
        using var pe = new System.Reflection.PortableExecutable.PEReader(File.OpenRead(dll));
        var metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        var references = metadata.AssemblyReferences.Select(r => metadata.GetString(metadata.GetAssemblyReference(r).Name)).ToList();

        Assert.Contains("PxePowerShell.Engine", references); // the right assembly was read
        Assert.DoesNotContain(references, name =>
            name.StartsWith("Microsoft.Data.Sqlite", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("SQLitePCL", StringComparison.OrdinalIgnoreCase)
            || name.StartsWith("Npgsql", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void Manifest_declares_core_edition_and_formats()
    {
        var info = host.Invoke("Get-Module PxePowerShell").AssertNoErrors().Output.Single().BaseObject as PSModuleInfo;
        Assert.NotNull(info);
        Assert.Equal(new Version(7, 4), info.PowerShellVersion);
        Assert.Contains("Core", info.CompatiblePSEditions);
        Assert.Contains(info.ExportedFormatFiles, f => f.EndsWith("PxePowerShell.format.ps1xml", StringComparison.Ordinal));
    }

    [Fact]
    public void Manifest_has_the_metadata_a_published_package_carries()
    {
        var info = host.Invoke("Get-Module PxePowerShell").AssertNoErrors().Output.Single().BaseObject as PSModuleInfo;
        Assert.NotNull(info);
        Assert.Equal(new Version(7, 4), info.PowerShellVersion);
        Assert.Equal(["Core"], info.CompatiblePSEditions);
        // No made-up project page: a ProjectUri comes with the project's real public address (none yet).
        Assert.Null(info.ProjectUri);
        Assert.StartsWith("MIT License", File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "LICENSE")), StringComparison.Ordinal);
        Assert.Equal(new Uri("https://opensource.org/licenses/MIT"), info.LicenseUri);
        Assert.False(string.IsNullOrWhiteSpace(info.ReleaseNotes), "no ReleaseNotes");
        Assert.Contains(info.Version.ToString(), info.ReleaseNotes, StringComparison.Ordinal);
        Assert.Superset(new HashSet<string>(["PXE", "TFTP", "DHCP", "PSEdition_Core", "Linux"]), info.Tags.ToHashSet());
        Assert.False(string.IsNullOrWhiteSpace(info.Description), "no Description");
        Assert.False(string.IsNullOrWhiteSpace(info.Author), "no Author");
    }

    [Fact]
    public void Every_cmdlet_has_help_with_synopsis_description_parameters_and_examples()
    {
        var names = host.Invoke("(Get-Module PxePowerShell).ExportedCmdlets.Keys").AssertNoErrors().Output.Select(o => o.ToString()).ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            var help = host.Invoke($"Get-Help {name} -Full").AssertNoErrors().Output.Single();
            string synopsis = help.Properties["Synopsis"].Value?.ToString() ?? string.Empty;
            Assert.False(string.IsNullOrWhiteSpace(synopsis) || synopsis.StartsWith(name, StringComparison.Ordinal), $"{name}: no synopsis in help");
            var examples = host.Invoke($"@((Get-Help {name} -Full).examples.example)").AssertNoErrors().Output;
            Assert.True(examples.Count >= 1, $"{name}: no examples in help");
            var documented = host.Invoke($"@((Get-Help {name} -Full).parameters.parameter | ForEach-Object name)").AssertNoErrors().Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var actual = host.Invoke($"(Get-Command {name}).Parameters.Keys | Where-Object {{ $_ -notin [System.Management.Automation.Cmdlet]::CommonParameters -and $_ -notin [System.Management.Automation.Cmdlet]::OptionalCommonParameters }}").AssertNoErrors()
                .Output.Select(o => o.ToString()).ToList();
            var missing = actual.Where(p => !documented.Contains(p)).ToList();
            Assert.True(missing.Count == 0, $"{name}: parameters without help: {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void Every_help_example_is_valid_PowerShell_that_names_real_commands()
    {
        var names = host.Invoke("(Get-Module PxePowerShell).ExportedCmdlets.Keys").AssertNoErrors().Output.Select(o => o.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            var codes = host.Invoke($"(Get-Help {name} -Full).examples.example | ForEach-Object code").AssertNoErrors().Output.Select(o => o.ToString()).ToList();
            foreach (var code in codes)
            {
                var ast = Parser.ParseInput(code, out _, out var errors);
                Assert.True(errors.Length == 0, $"{name} example does not parse: {code}\n{string.Join("\n", errors.Select(e => e.Message))}");
                foreach (var command in ast.FindAll(a => a is CommandAst, true).Cast<CommandAst>())
                {
                    var commandName = command.GetCommandName();
                    if (commandName is not null && commandName.Contains("-Pxe", StringComparison.OrdinalIgnoreCase))
                    {
                        Assert.True(names.Contains(commandName), $"{name} example uses '{commandName}', which the module does not export");
                    }
                }
            }
        }
    }

    [Fact]
    public void Pester_suite_parses_with_the_PowerShell_parser()
    {
        var files = Directory.GetFiles(Path.Combine(ModuleHost.RepoRoot, "tests", "Pester"), "*.ps1", SearchOption.AllDirectories);
        Assert.NotEmpty(files);
        foreach (var file in files.Concat(Directory.GetFiles(ModuleHost.RepoRoot, "build.ps1")))
        {
            Parser.ParseFile(file, out _, out var errors);
            Assert.True(errors.Length == 0, $"{file} does not parse: {string.Join("\n", errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"))}");
        }
    }

    [Fact]
    public void The_seed_recipes_in_docs_examples_parse_and_use_only_exported_cmdlets()
    {
        var files = Directory.GetFiles(Path.Combine(ModuleHost.RepoRoot, "docs", "examples"), "*.ps1");
        Assert.True(files.Length >= 6, "docs/examples holds the six seed recipes");
        string exported = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "module", "PxePowerShell.psd1"));
        foreach (var file in files)
        {
            var ast = Parser.ParseFile(file, out _, out var errors);
            Assert.True(errors.Length == 0, $"{file} does not parse: {string.Join("\n", errors.Select(e => $"{e.Extent.StartLineNumber}: {e.Message}"))}");
            foreach (var command in ast.FindAll(a => a is System.Management.Automation.Language.CommandAst, true).Cast<System.Management.Automation.Language.CommandAst>())
            {
                string? name = command.GetCommandName();
                if (name is not null && name.Contains("-Pxe", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.True(exported.Contains($"'{name}'", StringComparison.OrdinalIgnoreCase), $"{Path.GetFileName(file)} uses '{name}', which the module does not export");
                }
            }
        }
    }
}
