using System.Management.Automation;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace PxePowerShell.Module.Tests;

[Collection(DataDirectoryCollection.Name)]
public sealed partial class BootEntryCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxeps-boot-tests-" + Guid.NewGuid().ToString("N"));
    private readonly string _work = Path.Combine(Path.GetTempPath(), "pxeps-boot-work-" + Guid.NewGuid().ToString("N"));

    private string EntryFile => Path.Combine(_data, "boot-entries.json");

    /// <summary>Runs <paramref name="script"/> with this test's own data directory and $work set to a scratch directory.</summary>
    private InvocationResult Run(string script, ModuleHost? on = null) =>
        (on ?? host).Invoke($"$env:PXEPOWERSHELL_DATA = '{_data}'; $work = '{_work}'\n{script}");

    public void Dispose()
    {
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{ModuleHost.DefaultDataDirectory}'");
        foreach (var directory in new[] { _data, _work })
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    [Fact]
    public void Create_list_change_and_remove_entries_through_pipelines()
    {
        var created = Run("""
            New-PxeBootEntry -Name memtest -Label 'Memtest86+' -Kind Image -Kernel memtest86+.bin -Architecture Bios
            New-PxeBootEntry debian-installer debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default -Order 2
            New-PxeBootEntry -Name local -Kind LocalBoot -Order 9 -MacAddress AA:BB:CC:DD:EE:FF
            """).AssertNoErrors().Output;
        Assert.Equal(3, created.Count);
        Assert.Equal("PxePowerShell.Engine.Boot.BootEntry", created[0].BaseObject.GetType().FullName);
        Assert.Equal("aa-bb-cc-dd-ee-ff", Assert.Single((IEnumerable<string>)created[2].Properties["MacAddresses"].Value));
        Assert.True(File.Exists(EntryFile));

        // Menu order (Order, then Name), wildcards, filters.
        Assert.Equal(["memtest", "debian-installer", "local"], Names(Run("Get-PxeBootEntry")));
        Assert.Equal(["memtest", "debian-installer"], Names(Run("Get-PxeBootEntry -Name mem*, DEBIAN-installer")));
        Assert.Equal(["memtest", "debian-installer", "local"], Names(Run("Get-PxeBootEntry -Architecture Bios")));
        Assert.Equal(["debian-installer", "local"], Names(Run("Get-PxeBootEntry -Architecture EfiX64Http")));
        Assert.Equal(["debian-installer"], Names(Run("Get-PxeBootEntry -Default")));
        Assert.Equal(["local"], Names(Run("Get-PxeBootEntry -Kind LocalBoot")));
        Assert.Equal(["memtest", "debian-installer"], Names(Run("Get-PxeBootEntry -MacAddress 02-00-00-00-00-01")));
        Assert.Equal(["memtest", "debian-installer", "local"], Names(Run("Get-PxeBootEntry -MacAddress aabb.ccdd.eeff")));
        Assert.Equal(["memtest"], Names(Run("'memtest' | Get-PxeBootEntry")));

        // Set through the pipeline, by value and by property name.
        Run("Get-PxeBootEntry memtest | Set-PxeBootEntry -Label x").AssertNoErrors();
        Assert.Equal("x", Run("(Get-PxeBootEntry memtest).Label").AssertNoErrors().Output.Single().ToString());
        var passed = Run("[pscustomobject]@{ Name = 'debian-installer' } | Set-PxeBootEntry -Arguments 'console=ttyS0 ---' -Default:$false -PassThru").AssertNoErrors().Output.Single();
        Assert.Equal("console=ttyS0 ---", passed.Properties["Arguments"].Value);
        Assert.Equal(false, passed.Properties["IsDefault"].Value);
        Assert.Equal("debian-installer/amd64/initrd.gz", Assert.Single((IEnumerable<string>)passed.Properties["Initrd"].Value)); // untouched
        Run("Set-PxeBootEntry local -MacAddress @(); Set-PxeBootEntry memtest -NewName memtest86").AssertNoErrors();
        Assert.Equal(["memtest86", "debian-installer", "local"], Names(Run("Get-PxeBootEntry -MacAddress 02-00-00-00-00-01")));

        // Copy by piping an entry into New-PxeBootEntry (every property binds by name).
        var copy = Run("Get-PxeBootEntry debian-installer | New-PxeBootEntry -Name debian-serial -Label 'serial'").AssertNoErrors().Output.Single();
        Assert.Equal("debian-installer/amd64/linux", copy.Properties["Kernel"].Value);
        Assert.Equal(2, copy.Properties["Order"].Value);
        Assert.Equal("console=ttyS0 ---", copy.Properties["Arguments"].Value);

        // Enum sets and module lists bind by property name too.
        Run("New-PxeBootEntry -Name xen -Kind Multiboot -Kernel xen.gz -Module 'vmlinuz console=hvc0', 'install.img' -Architecture Bios, EfiX64 -Loader Pxelinux, Grub -Order 3").AssertNoErrors();
        var xen = Run("Get-PxeBootEntry xen | New-PxeBootEntry -Name xen-copy -Uuids 'B8945908-D6A6-41A9-611D-74A6AB80B83D'").AssertNoErrors().Output.Single();
        Assert.Equal("Bios, EfiX64", xen.Properties["Architecture"].Value?.ToString());
        Assert.Equal("Pxelinux, Grub", xen.Properties["Loader"].Value?.ToString());
        Assert.Equal(["vmlinuz console=hvc0", "install.img"], ((System.Collections.IEnumerable)xen.Properties["Modules"].Value!).Cast<object>().Select(m => m.ToString()));
        Assert.Equal("b8945908-d6a6-41a9-611d-74a6ab80b83d", Assert.Single((IEnumerable<string>)xen.Properties["Uuids"].Value));
        Run("Remove-PxeBootEntry xen*").AssertNoErrors();

        // Remove: one by name with -PassThru, then everything through the pipeline.
        Assert.Equal(["debian-serial"], Names(Run("Remove-PxeBootEntry debian-serial -PassThru")));
        Run("Get-PxeBootEntry | Remove-PxeBootEntry").AssertNoErrors();
        Assert.Empty(Run("Get-PxeBootEntry").AssertNoErrors().Output);
        Assert.Contains("\"entries\": []", File.ReadAllText(EntryFile), StringComparison.Ordinal);
    }

    [Fact]
    public void WhatIf_changes_nothing()
    {
        Run("New-PxeBootEntry -Name memtest -Kind Image -Kernel memtest86+.bin; New-PxeBootEntry -Name arch -Kernel arch/vmlinuz").AssertNoErrors();
        byte[] before = File.ReadAllBytes(EntryFile);
        var stamp = File.GetLastWriteTimeUtc(EntryFile);
        Directory.CreateDirectory(_work);
        File.WriteAllText(Path.Combine(_work, "import.json"), """{ "version": 1, "entries": [ { "name": "imported", "kind": "LocalBoot" } ] }""");

        Run("""
            New-PxeBootEntry -Name new -Kind LocalBoot -WhatIf
            Set-PxeBootEntry memtest -Order 50 -Label changed -WhatIf
            Get-PxeBootEntry memtest | Set-PxeBootEntry -Default -WhatIf
            Remove-PxeBootEntry arch* -WhatIf
            Get-PxeBootEntry | Remove-PxeBootEntry -WhatIf
            Import-PxeBootEntry -Path ($work + '/import.json') -WhatIf
            Export-PxeBootEntry -Path ($work + '/out.json') -WhatIf
            Export-PxeBootMenu -Format Pxelinux, Syslinux, Ipxe, Grub -Path ($work + '/tftp') -WhatIf
            """).AssertNoErrors();

        Assert.Equal(before, File.ReadAllBytes(EntryFile));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(EntryFile));
        Assert.False(File.Exists(Path.Combine(_work, "out.json")));
        Assert.False(Directory.Exists(Path.Combine(_work, "tftp")));
        Assert.Equal(["arch", "memtest"], Names(Run("Get-PxeBootEntry")));
    }

    [Fact]
    public void Bad_input_gives_error_records_with_stable_ids_categories_and_targets()
    {
        var root = MakeRoot("present/vmlinuz");

        // A kernel missing from -Root: a warning, or KernelNotFound with -Strict (and nothing saved).
        var strict = Run($"New-PxeBootEntry -Name missing -Kernel absent/vmlinuz -Root '{root}' -Strict");
        var error = strict.SingleError("KernelNotFound");
        Assert.Equal(ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("PxePowerShell.Engine.Boot.BootEntry", error.TargetObject?.GetType().FullName);
        Assert.Equal("missing", PSObject.AsPSObject(error.TargetObject).Properties["Name"].Value);
        Assert.Empty(Run("Get-PxeBootEntry").AssertNoErrors().Output);

        var lenient = Run($"New-PxeBootEntry -Name missing -Kernel absent/vmlinuz -Initrd present/vmlinuz -Root '{root}'").AssertNoErrors();
        Assert.Single(lenient.Output);
        Assert.Contains(lenient.Warnings, w => w.Contains("absent/vmlinuz", StringComparison.Ordinal) && w.Contains("KernelNotFound", StringComparison.Ordinal));
        Assert.DoesNotContain(lenient.Warnings, w => w.Contains("InitrdNotFound", StringComparison.Ordinal));
        Assert.Empty(Run($"New-PxeBootEntry -Name here -Kernel present/vmlinuz -Root '{root}' -Strict").AssertNoErrors().Warnings);

        // No namespace to check against: the files are skipped, and -Verbose says so.
        // (Another test class may have a server running in this process: then its namespace is the one checked.)
        var skipped = Run("New-PxeBootEntry -Name nocheck -Kernel nowhere/vmlinuz -Verbose").AssertNoErrors();
        Assert.Contains(skipped.Verbose, v => v.Contains("not checked", StringComparison.Ordinal) || v.Contains("of the running server", StringComparison.Ordinal));

        // A -Root that does not exist stops the cmdlet.
        Run($"New-PxeBootEntry -Name x -Kernel a -Root '{Path.Combine(root, "nope")}'").SingleError("RootNotFound");

        var duplicate = Run("New-PxeBootEntry -Name MISSING -Kind LocalBoot").SingleError("DuplicateName");
        Assert.Equal(ErrorCategory.ResourceExists, duplicate.CategoryInfo.Category);

        var arch = Run("New-PxeBootEntry -Name sparc -Kernel k -Architecture Bios, Sparc64").SingleError("UnknownArchitecture");
        Assert.Equal(ErrorCategory.InvalidArgument, arch.CategoryInfo.Category);
        Assert.Equal("Sparc64", arch.TargetObject);
        Run("Get-PxeBootEntry -Architecture nonsense").SingleError("UnknownArchitecture");
        Run("Set-PxeBootEntry here -Architecture nonsense").SingleError("UnknownArchitecture");
        Run("Get-PxeBootMenu -Architecture Efi").SingleError("UnknownArchitecture");

        var notFound = Run("Get-PxeBootEntry nobody, here");
        Assert.Equal(ErrorCategory.ObjectNotFound, notFound.SingleError("EntryNotFound").CategoryInfo.Category);
        Assert.Equal("nobody", notFound.Errors[0].TargetObject);
        Assert.Equal(["here"], notFound.Output.Select(o => o.Properties["Name"].Value?.ToString()));
        Run("Set-PxeBootEntry nobody -Label x").SingleError("EntryNotFound");
        Run("Remove-PxeBootEntry nobody").SingleError("EntryNotFound");
        Assert.Empty(Run("Remove-PxeBootEntry 'nobody*'").AssertNoErrors().Output);

        Run("New-PxeBootEntry -Name 'bad name' -Kind LocalBoot").SingleError("InvalidName");
        Run("New-PxeBootEntry -Name nokernel").SingleError("KernelRequired");
        Run("New-PxeBootEntry -Name evil -Kernel 'a/../../etc/passwd'").SingleError("InvalidPath");
        Run("New-PxeBootEntry -Name mac -Kind LocalBoot -MacAddress 'zz'").SingleError("InvalidMacAddress");
        Run("New-PxeBootEntry -Name ipxe -Kernel k -Arguments 'a=${x}'").SingleError("UnescapableArgument");
        Run("New-PxeBootEntry -Name d1 -Kind LocalBoot -Default").AssertNoErrors();
        var conflict = Run("New-PxeBootEntry -Name d2 -Kind LocalBoot -Default -Architecture Bios").SingleError("DefaultConflict");
        Assert.Equal(ErrorCategory.ResourceExists, conflict.CategoryInfo.Category);
        Run("Set-PxeBootEntry here -Default").SingleError("DefaultConflict");

        // Non-terminating: the pipeline goes on with the next object.
        var piped = Run("""
            @(
                [pscustomobject]@{ Name = 'p1'; Kernel = 'k1' }
                [pscustomobject]@{ Name = 'p2'; Kernel = 'k2'; Architecture = 'Vax' }
                [pscustomobject]@{ Name = 'p3'; Kind = 'Image'; Kernel = 'k3'; Initrd = @() }
            ) | New-PxeBootEntry
            """);
        Assert.Equal("UnknownArchitecture", piped.SingleError("UnknownArchitecture").FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(["p1", "p3"], piped.Output.Select(o => o.Properties["Name"].Value?.ToString()));
        Assert.Equal("Image", Run("(Get-PxeBootEntry p3).Kind").AssertNoErrors().Output.Single().ToString());
    }

    [Fact]
    public void A_corrupt_entry_file_is_reported_and_never_overwritten()
    {
        Directory.CreateDirectory(_data);
        File.WriteAllText(EntryFile, "{ not json");
        var error = Run("New-PxeBootEntry -Name x -Kind LocalBoot").SingleError("StoreUnreadable");
        Assert.Equal(ErrorCategory.ReadError, error.CategoryInfo.Category);
        Run("Get-PxeBootEntry").SingleError("StoreUnreadable");
        Assert.Equal("{ not json", File.ReadAllText(EntryFile));
    }

    [Fact]
    public void Export_PxeBootMenu_writes_the_bytes_GeneratedMenuSource_serves()
    {
        Run("""
            New-PxeBootEntry -Name debian-installer -Label '^Debian installer (amd64)' -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default -HelpText "Installs Debian.`nFrom the netboot tarball."
            New-PxeBootEntry -Name sysrcd -Label 'SystemRescueCd – Rettung' -Kernel sysrcd/rescue64 -Initrd sysrcd/initram.igz -Arguments 'netboot=tftp://{server}/sysrcd/sysrcd.dat archiso_http_srv={http}/x/' -Architecture Bios,EfiX64,EfiIA32
            New-PxeBootEntry -Name xenserver -Kind Multiboot -Kernel xenserver/boot/xen.gz -Arguments 'dom0_mem=1024M' -Module 'xenserver/boot/vmlinuz console=hvc0', 'xenserver/install.img' -MacAddress 52:54:00:12:34:56 -Default
            New-PxeBootEntry -Name rescue-uuid -Kernel rescue/vmlinuz -Uuid 'B8945908-D6A6-41A9-611D-74A6AB80B83D'
            New-PxeBootEntry -Name local -Kind LocalBoot -Order 9
            """).AssertNoErrors();
        string tftp = Path.Combine(_work, "tftp");

        foreach (var (options, label) in new[] { (string.Empty, "plain"), ("-ServerAddress 192.168.0.1 -HttpBaseUri http://192.168.0.1:8080/", "http") })
        {
            var written = Run($"""
                Export-PxeBootMenu -Format Pxelinux, Syslinux, Ipxe, Grub -Path ($work + '/tftp') {options} -PassThru
                Export-PxeBootMenu Syslinux ($work + '/tftp') -Architecture EfiIA32 {options} -PassThru
                """).AssertNoErrors().Output.Select(o => ((FileInfo)o.BaseObject).FullName).ToList();
            var relative = written.Select(p => Path.GetRelativePath(tftp, p).Replace('\\', '/')).ToList();
            Assert.Equal(
                [
                    "pxelinux.cfg/default", "pxelinux.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d", "pxelinux.cfg/01-52-54-00-12-34-56",
                    "efi64/pxelinux.cfg/default", "efi64/pxelinux.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d", "efi64/pxelinux.cfg/01-52-54-00-12-34-56",
                    "boot.ipxe", "grub/grub.cfg",
                    "efi32/pxelinux.cfg/default", "efi32/pxelinux.cfg/b8945908-d6a6-41a9-611d-74a6ab80b83d", "efi32/pxelinux.cfg/01-52-54-00-12-34-56",
                ],
                relative);

            // What the live menu source serves under each name, with the same options.
            var served = Run($$"""
                $store = (Get-Module PxePowerShell).ImplementingAssembly.GetType('PxePowerShell.ModuleState').GetProperty('BootEntries').GetValue($null)
                $options = [PxePowerShell.Engine.Boot.BootRenderOptions]::new()
                if ('{{label}}' -eq 'http') { $options = [PxePowerShell.Engine.Boot.BootRenderOptions]@{ ServerAddress = '192.168.0.1'; HttpBaseUri = [Uri]'http://192.168.0.1:8080/' } }
                $ns = [PxePowerShell.Engine.Files.BootNamespace]::new()
                $null = [PxePowerShell.Engine.Boot.GeneratedMenuSource]::MountAll($ns, [Func[PxePowerShell.Engine.Boot.BootConfiguration]]{ $store.Current }, $options)
                foreach ($name in $names) {
                    $r = $ns.OpenAsync([PxePowerShell.Engine.Files.BootPath]::Parse($name), [PxePowerShell.Engine.Files.BootRequestContext]::Local, [Threading.CancellationToken]::None).Result
                    $buffer = [byte[]]::new($r.File.Length)
                    $null = $r.File.ReadAsync(0, [Memory[byte]]::new($buffer), [Threading.CancellationToken]::None).Result
                    $r.File.Dispose()
                    [Convert]::ToBase64String($buffer)
                }
                """.Replace("$names", "@('" + string.Join("','", relative) + "')", StringComparison.Ordinal)).AssertNoErrors().Output.Select(o => o.ToString()).ToList();
            Assert.Equal(relative.Count, served.Count);
            for (int i = 0; i < relative.Count; i++)
            {
                byte[] file = File.ReadAllBytes(written[i]);
                Assert.True(Convert.ToBase64String(file) == served[i], $"{label}: {relative[i]} differs from what is served:\n{Encoding.UTF8.GetString(file)}\n---\n{Encoding.UTF8.GetString(Convert.FromBase64String(served[i]))}");
                Assert.NotEqual(0xEF, file[0]); // no byte order mark
            }

            string ipxe = File.ReadAllText(Path.Combine(tftp, "boot.ipxe"));
            Assert.StartsWith("#!ipxe", ipxe, StringComparison.Ordinal);
            Assert.Equal(label == "http", ipxe.Contains("netboot=tftp://192.168.0.1/sysrcd/sysrcd.dat", StringComparison.Ordinal));
        }

        Assert.Empty(Directory.GetFiles(tftp, "*.tmp", SearchOption.AllDirectories));
        Run("Export-PxeBootMenu Syslinux ($work + '/tftp') -Architecture Bios").SingleError("UnknownArchitecture");
    }

    public static TheoryData<int, string, string> SeedRecipes() => new()
    {
        { 1, "", "LABEL memtest\n  MENU LABEL Memtest86+\n  LINUX memtest86+.bin\n  TEXT HELP\n  Tests the memory of this machine.\n  ENDTEXT\n" },
        { 2, "", "DEFAULT debian-installer\n\nLABEL debian-installer\n  MENU LABEL ^Debian installer (amd64)\n  MENU DEFAULT\n  KERNEL debian-installer/amd64/linux\n  INITRD debian-installer/amd64/initrd.gz\n  APPEND vga=788 --- quiet\n\nLABEL ubuntu-installer\n" },
        { 3, "-Format Ipxe -HttpBaseUri http://192.168.0.1:8080/", "#!ipxe\n" },
        { 4, "-ServerAddress 192.168.0.1", "LABEL sysrcd\n  MENU LABEL SystemRescueCd\n  KERNEL sysrcd/rescue64\n  INITRD sysrcd/initram.igz\n  APPEND netboot=tftp://192.168.0.1/sysrcd/sysrcd.dat setkmap=de dodhcp\n" },
        { 5, "-ServerAddress 192.168.0.1", "LABEL xenserver\n  MENU LABEL XenServer installer\n  KERNEL mboot.c32\n  APPEND xenserver/boot/xen.gz dom0_max_vcpus=2 dom0_mem=1024M com1=115200,8n1 console=com1,vga --- xenserver/boot/vmlinuz xencons=hvc console=hvc0 console=tty0 answerfile=http://192.168.0.1/answer.xml install --- xenserver/install.img\n" },
        { 6, "-Format Syslinux", "DEFAULT debian-uefi\n\nLABEL debian-uefi\n  MENU LABEL Debian installer (UEFI)\n  MENU DEFAULT\n  KERNEL ::/debian-installer/amd64/linux\n  INITRD ::/debian-installer/amd64/initrd.gz\n  APPEND priority=low ---\n" },
    };

    [Theory]
    [MemberData(nameof(SeedRecipes))]
    public void The_help_example_of_each_seed_recipe_runs_and_renders_the_expected_menu(int example, string menuArguments, string expectedBody)
    {
        // The New-PxeBootEntry lines of the help example, run as they are written.
        string page = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "docs", "cmdlets", "New-PxeBootEntry.md"));
        var match = Regex.Match(page, $@"### Example {example}: .+\n```powershell\n((?:.+\n)+?)```");
        Assert.True(match.Success, $"example {example} not found");
        var lines = match.Groups[1].Value.Split('\n').Where(l => l.StartsWith("New-PxeBootEntry ", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(lines);
        string root = MakeRoot("arch/arch/boot/x86_64/vmlinuz-linux", "arch/arch/boot/x86_64/initramfs-linux.img", "arch/boot/syslinux/archiso.cfg");
        var created = Run(string.Join("\n", lines).Replace("-Root ./tftpboot", $"-Root '{root}'", StringComparison.Ordinal)).AssertNoErrors();
        Assert.Empty(created.Warnings); // example 3 checks its files against the root, and they are there

        string menu = Run($"Get-PxeBootMenu {menuArguments}").AssertNoErrors().Output.Single().ToString();
        string header = menuArguments.Contains("Ipxe", StringComparison.Ordinal)
            ? "#!ipxe\n"
            : "# Generated by PxePowerShell from its boot entries; changes made here are overwritten.\nUI menu.c32\nPROMPT 0\nTIMEOUT 100\nMENU TITLE PxePowerShell\n";
        Assert.StartsWith(header, menu, StringComparison.Ordinal);
        if (menuArguments.Contains("Ipxe", StringComparison.Ordinal))
        {
            Assert.Contains("archiso_http_srv=http://192.168.0.1:8080/arch/", menu, StringComparison.Ordinal);
            Assert.Contains("http://192.168.0.1:8080/arch/arch/boot/x86_64/vmlinuz-linux", menu, StringComparison.Ordinal);
            // The pxelinux-only ConfigInclude entry is in the BIOS pxelinux menu, not in the iPXE script.
            Assert.DoesNotContain("archiso.cfg", menu, StringComparison.Ordinal);
            Assert.Contains("CONFIG arch/boot/syslinux/archiso.cfg", Run("Get-PxeBootMenu").AssertNoErrors().Output.Single().ToString(), StringComparison.Ordinal);
        }
        else
        {
            Assert.StartsWith(expectedBody, menu[header.Length..].TrimStart('\n'), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Get_PxeBootMenu_renders_per_client_and_per_platform_menus()
    {
        Run("""
            New-PxeBootEntry -Name general -Kernel g/vmlinuz
            New-PxeBootEntry -Name rescue-db01 -Label 'Rescue db01' -Kernel rescue/vmlinuz -MacAddress 52:54:00:12:34:56 -Default
            New-PxeBootEntry -Name uefi-only -Kernel u/vmlinuz -Architecture EfiX64
            """).AssertNoErrors();
        string unknown = Run("Get-PxeBootMenu").AssertNoErrors().Output.Single().ToString();
        Assert.DoesNotContain("rescue-db01", unknown, StringComparison.Ordinal);
        Assert.DoesNotContain("uefi-only", unknown, StringComparison.Ordinal);
        string client = Run("Get-PxeBootMenu -Format Pxelinux -MacAddress 52-54-00-12-34-56").AssertNoErrors().Output.Single().ToString();
        Assert.Contains("DEFAULT rescue-db01", client, StringComparison.Ordinal);
        string efi = Run("Get-PxeBootMenu -Format Grub -Architecture EfiX64").AssertNoErrors().Output.Single().ToString();
        Assert.Contains("uefi-only", efi, StringComparison.Ordinal);
        string syslinux = Run("Get-PxeBootMenu -Architecture x64").AssertNoErrors().Output.Single().ToString();
        Assert.Contains("KERNEL ::/u/vmlinuz", syslinux, StringComparison.Ordinal);
        Run("Get-PxeBootMenu -MacAddress nonsense").SingleError("InvalidMacAddress");
    }

    [Fact]
    public void Entries_target_arm32_riscv64_and_loongarch64_by_their_client_architecture_names()
    {
        var riscv = Run("New-PxeBootEntry -Name riscv -Kernel debian-installer/riscv64/linux -Architecture EfiRiscV64Http, loong64").AssertNoErrors().Output.Single();
        Assert.Equal("EfiRiscV64, EfiLoongArch64", riscv.Properties["Architecture"].Value?.ToString());
        Run("New-PxeBootEntry -Name arm32 -Kernel arm/zImage -Architecture EfiArm32").AssertNoErrors();
        Assert.Equal(["riscv"], Names(Run("Get-PxeBootEntry -Architecture EfiRiscV64")));
        Assert.Equal(["arm32"], Names(Run("Get-PxeBootEntry -Architecture EfiArm32Http")));
        string grub = Run("Get-PxeBootMenu -Format Grub -Architecture EfiLoongArch64").AssertNoErrors().Output.Single().ToString();
        Assert.Contains("--id riscv", grub, StringComparison.Ordinal);
        Assert.DoesNotContain("arm32", grub, StringComparison.Ordinal);
        string served = Run("Get-PxeBootMenu -Format Grub").AssertNoErrors().Output.Single().ToString();
        Assert.Contains("'default-efi-riscv64'", served, StringComparison.Ordinal);
        var several = Run("Get-PxeBootMenu -Format Grub -Architecture Efi").SingleError("UnknownArchitecture");
        Assert.Contains("EfiLoongArch64", several.Exception.Message, StringComparison.Ordinal);
        var unknown = Run("New-PxeBootEntry -Name rv32 -Kernel k -Architecture EfiRiscV32").SingleError("UnknownArchitecture");
        Assert.Contains("EfiRiscV64", unknown.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ConvertFrom_PxeSyslinuxConfig_pipes_a_hand_written_pxelinux_menu_into_managed_entries()
    {
        string cfg = Path.Combine(_work, "tftp", "pxelinux.cfg", "default");
        Directory.CreateDirectory(Path.GetDirectoryName(cfg)!);
        File.WriteAllText(cfg, """
            UI menu.c32
            MENU TITLE Lab
            DEFAULT install
            LABEL install
              MENU LABEL Debian ^installer
              KERNEL debian-installer/amd64/linux
              APPEND vga=788 initrd=debian-installer/amd64/initrd.gz --- quiet
              IPAPPEND 2
            LABEL memtest
              KERNEL memtest86+x64.bin
            LABEL local
              MENU LABEL Boot from disk
              LOCALBOOT 0
            """);
        var converted = Run("ConvertFrom-PxeSyslinuxConfig -Path $work/tftp/pxelinux.cfg/default | New-PxeBootEntry").AssertNoErrors();
        Assert.Contains(converted.Warnings, w => w.Contains("pxelinux.cfg/default:8: IPAPPEND", StringComparison.Ordinal));

        string menu = Run("Get-PxeBootMenu -Format Pxelinux").AssertNoErrors().Output.Single().ToString();
        Assert.Contains("DEFAULT install", menu, StringComparison.Ordinal);
        Assert.Contains("KERNEL debian-installer/amd64/linux", menu, StringComparison.Ordinal);
        Assert.Contains("MENU LABEL Debian installer", menu, StringComparison.Ordinal);
        var kinds = Run("Get-PxeBootEntry | ForEach-Object { '{0}={1}' -f $_.Name, $_.Kind }").AssertNoErrors().Output.Select(o => o.ToString()).ToList();
        Assert.Equal(["install=Linux", "memtest=Image", "local=LocalBoot"], kinds);

        Run("ConvertFrom-PxeSyslinuxConfig -Path $work/none.cfg").SingleError("ConfigurationNotFound");
    }

    [Fact]
    public void Import_and_Export_round_trip_all_or_nothing()
    {
        Run("""
            New-PxeBootEntry -Name debian-installer -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default
            New-PxeBootEntry -Name ubuntu-installer -Kernel ubuntu-installer/amd64/linux -Order 1
            New-PxeBootEntry -Name xenserver -Kind Multiboot -Kernel xen.gz -Module 'vmlinuz console=hvc0', 'install.img' -Architecture Bios -MacAddress 52:54:00:12:34:56
            """).AssertNoErrors();
        string original = Run("Get-PxeBootEntry | ForEach-Object { $_.ToString() }").AssertNoErrors().Output.Select(o => o.ToString()).Aggregate((a, b) => a + "\n" + b);

        var file = Run("Export-PxeBootEntry -Path ($work + '/all.json') -PassThru").AssertNoErrors().Output.Single();
        Assert.Equal(Path.Combine(_work, "all.json"), ((FileInfo)file.BaseObject).FullName);
        Run("Get-PxeBootEntry *-installer | Export-PxeBootEntry -Path ($work + '/installers.json')").AssertNoErrors();
        Assert.Contains("\"timeoutSeconds\"", File.ReadAllText(Path.Combine(_work, "all.json")), StringComparison.Ordinal);

        Run("Export-PxeBootEntry ($work + '/all.json') -NoClobber").SingleError("FileExists");
        Run("Export-PxeBootEntry ($work + '/none.json') -Name nobody").SingleError("EntryNotFound");

        Run("Get-PxeBootEntry | Remove-PxeBootEntry").AssertNoErrors();
        var imported = Run("Import-PxeBootEntry -Path ($work + '/all.json')").AssertNoErrors().Output;
        Assert.Equal(["debian-installer", "ubuntu-installer", "xenserver"], imported.Select(o => o.Properties["Name"].Value?.ToString()));
        string again = Run("Get-PxeBootEntry | ForEach-Object { $_.ToString() }").AssertNoErrors().Output.Select(o => o.ToString()).Aggregate((a, b) => a + "\n" + b);
        Assert.Equal(original, again);

        // Existing names: refused, nothing changes; -Force replaces.
        byte[] before = File.ReadAllBytes(EntryFile);
        Run("Import-PxeBootEntry ($work + '/installers.json')").SingleError("DuplicateName");
        Assert.Equal(before, File.ReadAllBytes(EntryFile));
        Run("Set-PxeBootEntry ubuntu-installer -Label changed").AssertNoErrors();
        Run("[System.IO.FileInfo]::new(($work + '/installers.json')) | Import-PxeBootEntry -Force").AssertNoErrors();
        Assert.Null(Run("(Get-PxeBootEntry ubuntu-installer).Label").AssertNoErrors().Output.SingleOrDefault()?.BaseObject);

        // A broken file and a file with one bad entry: nothing is imported.
        File.WriteAllText(Path.Combine(_work, "broken.json"), "[ 1, 2");
        Assert.Equal(ErrorCategory.ReadError, Run("Import-PxeBootEntry ($work + '/broken.json')").SingleError("ImportUnreadable").CategoryInfo.Category);
        File.WriteAllText(Path.Combine(_work, "half.json"), """{ "version": 1, "entries": [ { "name": "ok-one", "kind": "LocalBoot" }, { "name": "bad", "kernel": "k", "architecture": "Bios", "macAddresses": [ "zz" ] } ] }""");
        Run("Import-PxeBootEntry ($work + '/half.json')").SingleError("InvalidMacAddress");
        Assert.Empty(Run("Get-PxeBootEntry ok-one -ErrorAction SilentlyContinue").Output);
    }

    [Fact]
    public void Entries_survive_a_new_runspace_and_follow_the_data_directory()
    {
        Run("New-PxeBootEntry -Name memtest -Kind Image -Kernel memtest86+.bin -Architecture Bios").AssertNoErrors();
        using (var other = new ModuleHost())
        {
            Assert.Equal(["memtest"], Names(Run("Get-PxeBootEntry", other)));
        }

        // Another data directory has other entries; a copy of the file elsewhere is read from disk.
        string copy = Path.Combine(_work, "copy");
        Directory.CreateDirectory(copy);
        Assert.Empty(Run($"$env:PXEPOWERSHELL_DATA = '{copy}'; Get-PxeBootEntry").AssertNoErrors().Output);
        File.Copy(EntryFile, Path.Combine(copy, "boot-entries.json"));
        Assert.Equal(["memtest"], Names(Run($"$env:PXEPOWERSHELL_DATA = '{copy}'; Get-PxeBootEntry")));

        // Changes made by another process (here: by hand) are taken in before the next change.
        File.WriteAllText(EntryFile, File.ReadAllText(EntryFile).Replace("\"entries\": [", "\"entries\": [ { \"name\": \"by-hand\", \"kind\": \"LocalBoot\" },", StringComparison.Ordinal));
        Run("New-PxeBootEntry -Name later -Kind LocalBoot -Order 5").AssertNoErrors();
        Assert.Equal(["by-hand", "memtest", "later"], Names(Run("Get-PxeBootEntry")));
    }

    [Fact]
    public void Entry_names_complete_on_Get_Set_Remove_and_Set_PxeClient()
    {
        Run("New-PxeBootEntry -Name debian-installer -Kernel k; New-PxeBootEntry -Name debian-serial -Kernel k; New-PxeBootEntry -Name memtest -Kind Image -Kernel m").AssertNoErrors();
        foreach (var line in new[] { "Get-PxeBootEntry deb", "Set-PxeBootEntry -Name deb", "Remove-PxeBootEntry deb", "Set-PxeClient 52-54-00-12-34-56 -BootEntry deb" })
        {
            var completions = Run($"(TabExpansion2 -inputScript '{line}' -cursorColumn {line.Length}).CompletionMatches | ForEach-Object CompletionText").AssertNoErrors().Output.Select(o => o.ToString());
            Assert.Equal(["debian-installer", "debian-serial"], completions);
        }
    }

    [Fact]
    public void BootEntry_view_has_the_documented_columns_within_120_characters()
    {
        var document = XDocument.Load(Path.Combine(ModuleHost.RepoRoot, "module", "PxePowerShell.format.ps1xml"));
        var view = document.Descendants("View").Single(v => v.Descendants("TypeName").Any(t => t.Value == "PxePowerShell.Engine.Boot.BootEntry"));
        var headers = view.Descendants("TableColumnHeader").ToList();
        Assert.Equal(["Name", "Kind", "Label", "Architecture", "IsDefault", "Kernel"], headers.Select(h => h.Element("Label")!.Value));
        int fixedWidth = headers.Sum(h => int.TryParse(h.Element("Width")?.Value, out int w) ? w : 0) + headers.Count - 1;
        Assert.True(fixedWidth <= 120 - 28, $"fixed columns take {fixedWidth} characters, leaving too little for Kernel");

        Run("New-PxeBootEntry -Name debian-installer -Label 'Debian' -Kernel debian-installer/amd64/linux -Architecture Bios, EfiX64 -Default").AssertNoErrors();
        var typeNames = Run("(Get-PxeBootEntry debian-installer).psobject.TypeNames").AssertNoErrors().Output.Select(o => o.ToString());
        Assert.Contains("PxePowerShell.Engine.Boot.BootEntry", typeNames);
    }

    [Fact]
    public void Start_PxeTftpServer_serves_the_generated_menus_live_to_curl()
    {
        // menu.c32 beside the loader: the served menus use it (UI menu.c32), as Get-PxeBootMenu renders them.
        string root = MakeRoot("debian-installer/amd64/linux", "own/pxelinux.cfg/default", "menu.c32");
        Run("""
            New-PxeBootEntry -Name debian-installer -Kernel debian-installer/amd64/linux -Arguments 'auto url=http://{server}/preseed.cfg' -Default
            New-PxeBootEntry -Name rescue-db01 -Kernel rescue/vmlinuz -MacAddress 52:54:00:12:34:56 -Default
            """).AssertNoErrors();
        string name = "bm-" + Guid.NewGuid().ToString("N")[..8];
        var server = Run($"Start-PxeTftpServer -Root '{root}' -Address 127.0.0.1 -Port 0 -Name {name}").AssertNoErrors().Output.Single();
        try
        {
            int port = ((System.Collections.IEnumerable)server.Properties["EndPoints"].Value).Cast<object>()
                .Select(e => ((System.Net.IPEndPoint)(e is PSObject p ? p.BaseObject : e)).Port).Single();
            string Fetch(string path)
            {
                string output = Path.Combine(_work, "fetched-" + Guid.NewGuid().ToString("N"));
                var curl = ExternalProcess.Run("curl", $"-s --max-time 20 -o {output} tftp://127.0.0.1:{port}/{path}");
                return curl.ExitCode == 0 && File.Exists(output) ? File.ReadAllText(output) : $"curl exit {curl.ExitCode}";
            }

            // pxelinux's fallback chain: a targeted MAC gets its menu, anything else is not found, default is for everybody.
            string client = Fetch("pxelinux.cfg/01-52-54-00-12-34-56");
            Assert.Equal(Run("Get-PxeBootMenu -MacAddress 52-54-00-12-34-56 -ServerAddress 127.0.0.1").AssertNoErrors().Output.Single().ToString(), client);
            Assert.Contains("DEFAULT rescue-db01", client, StringComparison.Ordinal);
            Assert.StartsWith("curl exit", Fetch("pxelinux.cfg/01-52-54-00-99-99-99"), StringComparison.Ordinal);
            Assert.StartsWith("curl exit", Fetch("pxelinux.cfg/7F000001"), StringComparison.Ordinal);
            string general = Fetch("pxelinux.cfg/default");
            Assert.Contains("APPEND auto url=http://127.0.0.1/preseed.cfg", general, StringComparison.Ordinal);
            Assert.DoesNotContain("rescue-db01", general, StringComparison.Ordinal);
            Assert.StartsWith("#!ipxe", Fetch("boot.ipxe"), StringComparison.Ordinal);
            Assert.Contains("KERNEL ::/debian-installer/amd64/linux", Fetch("efi64/pxelinux.cfg/default"), StringComparison.Ordinal);
            Assert.Equal("x", Fetch("debian-installer/amd64/linux"));

            // Changes show at once; the running server's namespace is what New-PxeBootEntry checks files against.
            var added = Run("New-PxeBootEntry -Name later -Kernel not/there -Order 5 -Verbose").AssertNoErrors();
            Assert.Contains(added.Warnings, w => w.Contains("KernelNotFound", StringComparison.Ordinal));
            Assert.Contains("LABEL later", Fetch("pxelinux.cfg/default"), StringComparison.Ordinal);
        }
        finally
        {
            Run($"Get-PxeServer -Name {name} | Stop-PxeServer").AssertNoErrors();
        }

        // -NoBootMenu serves the root only; a root with its own pxelinux.cfg keeps it.
        var plain = Run($"Start-PxeTftpServer -Root '{root}' -Address 127.0.0.1 -Port 0 -Name {name}-plain -NoBootMenu").AssertNoErrors().Output.Single();
        var own = Run($"Start-PxeTftpServer -Root '{Path.Combine(root, "own")}' -Address 127.0.0.1 -Port 0 -Name {name}-own").AssertNoErrors().Output.Single();
        try
        {
            foreach (var (s, expected) in new[] { (plain, (string?)null), (own, "x") })
            {
                int port = ((System.Collections.IEnumerable)s.Properties["EndPoints"].Value).Cast<object>()
                    .Select(e => ((System.Net.IPEndPoint)(e is PSObject p ? p.BaseObject : e)).Port).Single();
                string output = Path.Combine(_work, "plain-" + Guid.NewGuid().ToString("N"));
                var curl = ExternalProcess.Run("curl", $"-s --max-time 20 -o {output} tftp://127.0.0.1:{port}/pxelinux.cfg/default");
                if (expected is null)
                {
                    Assert.NotEqual(0, curl.ExitCode);
                }
                else
                {
                    Assert.Equal(0, curl.ExitCode);
                    Assert.Equal(expected, File.ReadAllText(output));
                }
            }
        }
        finally
        {
            Run($"Get-PxeServer -Name '{name}-*' | Stop-PxeServer").AssertNoErrors();
        }
    }

    private string MakeRoot(params string[] files)
    {
        string root = Path.Combine(_work, "root");
        foreach (var file in files)
        {
            string path = Path.Combine(root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, "x");
        }

        return root;
    }

    private static List<string?> Names(InvocationResult result) =>
        result.AssertNoErrors().Output.Select(o => o.Properties["Name"].Value?.ToString()).ToList();
}
