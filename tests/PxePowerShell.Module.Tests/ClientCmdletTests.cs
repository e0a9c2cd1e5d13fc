using System.Management.Automation;
using System.Net;

namespace PxePowerShell.Module.Tests;

[Collection(DataDirectoryCollection.Name)]
public sealed class ClientCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxeps-client-tests-" + Guid.NewGuid().ToString("N"));

    /// <summary>Runs <paramref name="script"/> with this test's own data directory.</summary>
    private InvocationResult Run(string script, ModuleHost? on = null) =>
        (on ?? host).Invoke($"$env:PXEPOWERSHELL_DATA = '{_data}'\n{script}");

    public void Dispose()
    {
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{ModuleHost.DefaultDataDirectory}'; $null = Get-PxeClient -MacAddress '*'");
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void The_native_sqlite_library_loads_from_the_module_folder_inside_the_runspace()
    {
        string moduleDir = Path.Combine(ModuleHost.RepoRoot, "out", "PxePowerShell");
        Assert.True(File.Exists(Path.Combine(moduleDir, "runtimes", "linux-x64", "native", "libe_sqlite3.so")));
        Assert.True(File.Exists(Path.Combine(moduleDir, "runtimes", "win-x64", "native", "e_sqlite3.dll")));
        Assert.True(File.Exists(Path.Combine(moduleDir, "runtimes", "osx-arm64", "native", "libe_sqlite3.dylib")));
        Assert.Empty(Directory.GetFiles(AppContext.BaseDirectory, "*e_sqlite3*", SearchOption.AllDirectories));

        Run("Set-PxeClient -MacAddress 02-00-00-00-00-01 -BootEntry probe; Get-PxeClient | Out-Null").AssertNoErrors();
        Assert.True(File.Exists(Path.Combine(_data, "clients.db")));

        string managed = host.Invoke("[Microsoft.Data.Sqlite.SqliteConnection].Assembly.Location").AssertNoErrors().Output.Single().ToString();
        Assert.StartsWith(moduleDir, managed, StringComparison.Ordinal);

        // Where the engine's resolver found the library (null when the runtime found it by itself).
        var resolved = host.Invoke("(Get-Module PxePowerShell).ImplementingAssembly.GetReferencedAssemblies() | Out-Null; [PxePowerShell.Engine.Net.MacAddress].Assembly.GetType('PxePowerShell.Engine.Clients.SqliteNativeLibrary').GetProperty('LoadedFrom').GetValue($null)")
            .AssertNoErrors().Output.SingleOrDefault()?.ToString();
        if (resolved is not null)
        {
            Assert.StartsWith(Path.Combine(moduleDir, "runtimes"), resolved, StringComparison.Ordinal);
        }

        if (OperatingSystem.IsLinux())
        {
            var native = File.ReadAllLines("/proc/self/maps")
                .Where(l => l.Contains("libe_sqlite3", StringComparison.Ordinal))
                .Select(l => l[l.IndexOf('/', StringComparison.Ordinal)..])
                .Distinct()
                .ToList();
            Assert.NotEmpty(native);
            Assert.Equal(resolved ?? native[0], native[0]);
            Assert.All(native, path => Assert.StartsWith(Path.Combine(moduleDir, "runtimes"), path, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Set_then_Get_through_pipelines_in_any_mac_notation()
    {
        var set = Run("Set-PxeClient -MacAddress AA:BB:CC:DD:EE:01 -BootEntry rescue -HostName lab1 -PassThru").AssertNoErrors();
        var record = Assert.Single(set.Output);
        Assert.Equal("aa-bb-cc-dd-ee-01", record.Properties["MacAddress"].Value);
        Assert.Equal("aa-bb-cc-dd-ee-01", record.Properties["ClientId"].Value);
        Assert.Equal("rescue", record.Properties["BootEntry"].Value);
        Assert.Null(record.Properties["FirstSeen"].Value); // registered, never seen

        Run("Set-PxeClient aabb.ccdd.ee02 install; [pscustomobject]@{ ClientId = 'AABBCCDDEE03'; BootEntry = 'csv'; HostName = 'from-csv' } | Set-PxeClient").AssertNoErrors();
        var got = Run("Get-PxeClient -MacAddress aabbccddee01, aa:bb:cc:dd:ee:03").AssertNoErrors().Output;
        Assert.Equal(["rescue", "csv"], got.Select(o => o.Properties["BootEntry"].Value));
        Assert.Equal("from-csv", got[1].Properties["HostName"].Value);

        Run("Get-PxeClient -MacAddress 'aa-bb-cc-dd-ee-0[12]' | Set-PxeClient -BootEntry piped").AssertNoErrors();
        var piped = Run("Get-PxeClient | Where-Object BootEntry -eq piped | ForEach-Object MacAddress").AssertNoErrors().Output.Select(o => o.ToString());
        Assert.Equal(["aa-bb-cc-dd-ee-01", "aa-bb-cc-dd-ee-02"], piped);

        // Clearing an assignment, and reports by property.
        Run("Set-PxeClient aa-bb-cc-dd-ee-02 -BootEntry ''").AssertNoErrors();
        Assert.Null(Run("(Get-PxeClient aa-bb-cc-dd-ee-02).BootEntry").AssertNoErrors().Output.SingleOrDefault()?.BaseObject);
        // What Export-Csv and ConvertTo-Json see: the flat property set, the same for every client.
        var names = Run("Get-PxeClient | ForEach-Object { $_.psobject.Properties.Name -join ',' }").AssertNoErrors().Output.Select(o => o.ToString()).Distinct().ToList();
        Assert.Equal("MacAddress,ClientId,Duid,IPAddress,Architecture,ArchitectureId,VendorClass,Uuid,HostName,FirstSeen,LastSeen,LastBootFile,BootEntry,BootCount,LastError,Server", Assert.Single(names));
    }

    [Fact]
    public void Get_PxeClient_filters_by_architecture_time_and_address_from_events_the_servers_publish()
    {
        var publish = Run("""
            $events = (Get-Module PxePowerShell).ImplementingAssembly.GetType('PxePowerShell.ModuleState').GetProperty('Events').GetValue($null)
            $null = Get-PxeClient   # opens the inventory and its observer
            $old = [DateTimeOffset]::UtcNow.AddDays(-2)
            $events.Publish([PxePowerShell.Engine.Events.PxeEvent]@{ Kind = 'DhcpDiscover'; Time = $old; Server = 't'; MacAddress = '52:54:00:00:00:01'; Architecture = 'Bios'; TransactionId = 1 })
            $events.Publish([PxePowerShell.Engine.Events.PxeEvent]@{ Kind = 'DhcpAck'; Time = [DateTimeOffset]::UtcNow; Server = 't'; MacAddress = '52:54:00:00:00:02'; Architecture = 'EfiX64'; IPAddress = [IPAddress]'10.201.0.2'; BootFile = 'ipxe.efi' })
            $events.Publish([PxePowerShell.Engine.Events.PxeEvent]@{ Kind = 'TransferFailed'; Time = [DateTimeOffset]::UtcNow; Server = 't'; ClientAddress = [IPAddress]'10.201.0.2'; Path = 'boot.ipxe'; Error = 'timed out' })
            Get-PxeClient | Where-Object Architecture -eq EfiX64
            """).AssertNoErrors();
        var efi = Assert.Single(publish.Output);
        Assert.Equal("52-54-00-00-00-02", efi.Properties["MacAddress"].Value);
        Assert.Equal(IPAddress.Parse("10.201.0.2"), efi.Properties["IPAddress"].Value);
        Assert.Equal("boot.ipxe", efi.Properties["LastBootFile"].Value);
        Assert.Equal("timed out", efi.Properties["LastError"].Value);

        Assert.Equal("52-54-00-00-00-01", Run("(Get-PxeClient -Architecture bios).MacAddress").AssertNoErrors().Output.Single().ToString());
        Assert.Equal("52-54-00-00-00-02", Run("(Get-PxeClient -Architecture 'Efi*').MacAddress").AssertNoErrors().Output.Single().ToString());
        Assert.Equal("52-54-00-00-00-02", Run("(Get-PxeClient -Since ([DateTime]::Now.AddDays(-1))).MacAddress").AssertNoErrors().Output.Single().ToString());
        Assert.Equal("52-54-00-00-00-02", Run("(Get-PxeClient -IPAddress 10.201.0.2).MacAddress").AssertNoErrors().Output.Single().ToString());
        Assert.Equal(1, Run("(Get-PxeClient 52-54-00-00-00-01).BootCount").AssertNoErrors().Output.Single().BaseObject);
    }

    [Fact]
    public void DHCPv6_clients_are_listed_with_their_DUID_and_Get_PxeClient_Duid_finds_one_known_only_by_its_DUID()
    {
        const string llt = "00-01-00-01-2e-1a-2b-3c-52-54-00-00-00-61";
        const string en = "00-02-00-00-ab-11-5c-0f-e6-3b-a1-d0-42-17";
        Run($$"""
            $events = (Get-Module PxePowerShell).ImplementingAssembly.GetType('PxePowerShell.ModuleState').GetProperty('Events').GetValue($null)
            $null = Get-PxeClient   # opens the inventory and its observer
            $now = [DateTimeOffset]::UtcNow
            $events.Publish([PxePowerShell.Engine.Events.PxeEvent]@{ Kind = 'DhcpAck'; Time = $now.AddSeconds(-5); Server = 't'; Protocol = 'Dhcp'; MacAddress = '52:54:00:00:00:61'; IPAddress = [IPAddress]'10.201.0.61'; Architecture = 'EfiX64' })
            $events.Publish([PxePowerShell.Engine.Events.PxeEvent]@{ Kind = 'DhcpAck'; Time = $now; Server = 't'; Protocol = 'Dhcp6'; MacAddress = '52-54-00-00-00-61'; Duid = '{{llt}}'; IPAddress = [IPAddress]'fd00:77::161'; Architecture = 'EfiX64' })
            $events.Publish([PxePowerShell.Engine.Events.PxeEvent]@{ Kind = 'DhcpAck'; Time = $now; Server = 't'; Protocol = 'Dhcp6'; Duid = '{{en}}'; IPAddress = [IPAddress]'fd00:77::162'; Architecture = 'EfiX64' })
            """).AssertNoErrors();

        var all = Run("Get-PxeClient | Select-Object MacAddress, Duid, IPAddress").AssertNoErrors().Output;
        Assert.Equal(["52-54-00-00-00-61 " + llt + " fd00:77::161", " " + en + " fd00:77::162"], all.Select(o => $"{o.Properties["MacAddress"].Value} {o.Properties["Duid"].Value} {o.Properties["IPAddress"].Value}"));

        // -Duid in any hex notation; the one known only by its DUID, and the MAC's client by its DUID.
        var byDuid = Assert.Single(Run($"Get-PxeClient -Duid '{en.Replace('-', ':').ToUpperInvariant()}'").AssertNoErrors().Output);
        Assert.Null(byDuid.Properties["MacAddress"].Value);
        Assert.Equal(IPAddress.Parse("fd00:77::162"), byDuid.Properties["IPAddress"].Value);
        Assert.Equal("52-54-00-00-00-61", Run($"(Get-PxeClient -ClientDuid {llt.Replace("-", string.Empty, StringComparison.Ordinal)}).MacAddress").AssertNoErrors().Output.Single().ToString());
        Assert.Equal(2, Run($"Get-PxeClient -Duid {llt}, {en} -Architecture EfiX64").AssertNoErrors().Output.Count);

        // Format-List shows the DUID; the table keeps its columns.
        string list = string.Join("\n", Run($"Get-PxeClient -Duid {en} | Format-List | Out-String -Width 200").AssertNoErrors().Output);
        Assert.Matches($"Duid +: {en}", list);

        // An unknown DUID is ClientNotFound, a malformed one InvalidParameter; the pipeline goes on.
        var missing = Run($"Get-PxeClient -Duid 00-02-00-00-00-00-00-01, {en} | ForEach-Object Duid");
        var notFound = missing.SingleError("ClientNotFound");
        Assert.Equal(ErrorCategory.ObjectNotFound, notFound.CategoryInfo.Category);
        Assert.Equal("00-02-00-00-00-00-00-01", notFound.TargetObject);
        Assert.Equal(en, Assert.Single(missing.Output).ToString());
        var bad = Run("Get-PxeClient -Duid 'not-hex'").SingleError("InvalidParameter");
        Assert.Equal(ErrorCategory.InvalidArgument, bad.CategoryInfo.Category);
    }

    [Fact]
    public void WhatIf_changes_nothing()
    {
        Run("Set-PxeClient 02-00-00-00-00-10 -BootEntry keep").AssertNoErrors();
        Run("Set-PxeClient 02-00-00-00-00-11 -BootEntry new -WhatIf; Set-PxeClient 02-00-00-00-00-10 -BootEntry changed -WhatIf; Remove-PxeClient 02-00-00-00-00-10 -WhatIf; Get-PxeClient | Remove-PxeClient -WhatIf").AssertNoErrors();
        var all = Run("Get-PxeClient").AssertNoErrors().Output;
        var only = Assert.Single(all);
        Assert.Equal("02-00-00-00-00-10", only.Properties["MacAddress"].Value);
        Assert.Equal("keep", only.Properties["BootEntry"].Value);
    }

    [Fact]
    public void A_bad_mac_is_a_non_terminating_InvalidMacAddress_error_and_the_pipeline_goes_on()
    {
        var result = Run("Set-PxeClient -MacAddress 'zz:zz', '02-00-00-00-00-20' -BootEntry x -PassThru | ForEach-Object MacAddress");
        var error = result.SingleError("InvalidMacAddress");
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Equal("zz:zz", error.TargetObject);
        Assert.Contains("aa-bb-cc-dd-ee-ff", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal("02-00-00-00-00-20", Assert.Single(result.Output).ToString());

        Run("Get-PxeClient -MacAddress nonsense").SingleError("InvalidMacAddress");
        Run("Remove-PxeClient -MacAddress 1.2.3.4").SingleError("InvalidMacAddress");
    }

    [Fact]
    public void Unknown_clients_are_ClientNotFound_and_Remove_deletes_by_mac_wildcard_and_pipeline()
    {
        var missing = Run("Get-PxeClient 02-00-00-00-00-99; Remove-PxeClient 02-00-00-00-00-99; 'went on'");
        Assert.Equal(2, missing.Errors.Count);
        Assert.All(missing.Errors, e => Assert.Equal("ClientNotFound", e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.All(missing.Errors, e => Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category));
        Assert.Equal("went on", Assert.Single(missing.Output).ToString());
        Assert.Empty(Run("Get-PxeClient -MacAddress '02-*'").AssertNoErrors().Output); // wildcards that match nothing are silent

        Run("'02:00:00:00:00:30','02:00:00:00:00:31','02:00:00:00:00:32','12:00:00:00:00:33' | ForEach-Object { Set-PxeClient $_ -BootEntry e }").AssertNoErrors();
        var removed = Run("Remove-PxeClient 02:00:00:00:00:30 -PassThru").AssertNoErrors();
        Assert.Equal("02-00-00-00-00-30", Assert.Single(removed.Output).Properties["MacAddress"].Value);
        Run("Remove-PxeClient '02-00-00-00-00-3*' -Confirm:$false").AssertNoErrors();
        Assert.Equal("12-00-00-00-00-33", Run("(Get-PxeClient).MacAddress").AssertNoErrors().Output.Single().ToString());
        Run("Get-PxeClient | Remove-PxeClient").AssertNoErrors();
        Assert.Empty(Run("Get-PxeClient").AssertNoErrors().Output);
    }

    [Fact]
    public void Data_survives_a_new_runspace_and_a_reopened_store()
    {
        Run("Set-PxeClient 02-00-00-00-00-40 -BootEntry durable -HostName kept").AssertNoErrors();

        using (var other = new ModuleHost())
        {
            var seen = Run("Get-PxeClient 02-00-00-00-00-40", other).AssertNoErrors().Output.Single();
            Assert.Equal("durable", seen.Properties["BootEntry"].Value);
        }

        // Switching the data directory closes the inventory; switching back reopens the file from disk.
        string elsewhere = _data + "-elsewhere";
        try
        {
            Assert.Empty(host.Invoke($"$env:PXEPOWERSHELL_DATA = '{elsewhere}'; Get-PxeClient").AssertNoErrors().Output);
            Assert.True(File.Exists(Path.Combine(elsewhere, "clients.db")));
            var reopened = Run("Get-PxeClient -MacAddress 02-00-00-00-00-40").AssertNoErrors().Output.Single();
            Assert.Equal("durable", reopened.Properties["BootEntry"].Value);
            Assert.Equal("kept", reopened.Properties["HostName"].Value);
        }
        finally
        {
            Run("$null = Get-PxeClient");
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    [Fact]
    public void An_unusable_data_directory_is_a_terminating_InventoryUnavailable_error()
    {
        Directory.CreateDirectory(_data);
        string notADirectory = Path.Combine(_data, "file");
        File.WriteAllText(notADirectory, "x");
        var result = host.Invoke($"$env:PXEPOWERSHELL_DATA = '{notADirectory}'; Get-PxeClient; 'not reached'");
        var error = result.SingleError("InventoryUnavailable");
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains("PXEPOWERSHELL_DATA", error.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_view_has_the_inventory_columns_and_fits_120_columns()
    {
        var format = System.Xml.Linq.XDocument.Load(Path.Combine(ModuleHost.RepoRoot, "out", "PxePowerShell", "PxePowerShell.format.ps1xml"));
        var view = format.Descendants("View").Single(v => v.Descendants("TypeName").Any(t => t.Value == "PxePowerShell.Engine.Clients.ClientRecord"));
        var headers = view.Descendants("TableColumnHeader").ToList();
        Assert.Equal(["MacAddress", "IPAddress", "Architecture", "LastSeen", "Server", "BootEntry"], headers.Select(h => h.Element("Label")!.Value));
        int fixedWidth = headers.Sum(h => int.Parse(h.Element("Width")?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture)) + headers.Count - 1;
        Assert.True(fixedWidth <= 120 - 16, $"the fixed columns take {fixedWidth} characters, leaving too little for BootEntry");
        Assert.Equal(17, int.Parse(headers[0].Element("Width")!.Value, System.Globalization.CultureInfo.InvariantCulture)); // aa-bb-cc-dd-ee-ff
    }

    [Fact]
    public void MacAddress_completes_the_known_clients()
    {
        Run("Set-PxeClient 02-00-00-00-00-61 -BootEntry a; Set-PxeClient 02-00-00-00-00-62 -BootEntry b; Set-PxeClient 12-00-00-00-00-63").AssertNoErrors();
        const string line = "Set-PxeClient -MacAddress 02:00";
        var matches = Run($"(TabExpansion2 -inputScript '{line}' -cursorColumn {line.Length}).CompletionMatches | ForEach-Object CompletionText")
            .AssertNoErrors().Output.Select(o => o.ToString()).ToList();
        Assert.Equal(["02-00-00-00-00-61", "02-00-00-00-00-62"], matches);
    }
}
