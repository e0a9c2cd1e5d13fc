using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Tests.Boot;

public sealed class BootEntryStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public void Dispose() => _dir.Dispose();

    private string StorePath => Path.Combine(_dir.Path, "data", BootEntryStore.DefaultFileName);

    private BootEntryStore Open() => new(StorePath, _time);

    private static BootEntry Debian(string name = "debian", bool isDefault = false, BootArchitecture architecture = BootArchitecture.All) => new()
    {
        Name = name,
        Label = "Debian installer",
        Kernel = "debian-installer/amd64/linux",
        Initrd = ["debian-installer/amd64/initrd.gz"],
        Arguments = "vga=788 --- quiet",
        IsDefault = isDefault,
        Architecture = architecture,
    };

    [Fact]
    public void A_missing_file_is_an_empty_store_and_nothing_is_written_until_a_change()
    {
        var store = Open();
        Assert.Empty(store.Entries);
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public void Entries_persist_and_reload_in_a_new_instance()
    {
        var store = Open();
        store.Add(Debian(isDefault: true));
        store.Add(new BootEntry
        {
            Name = "xen",
            Kind = BootEntryKind.Multiboot,
            Kernel = "xen.gz",
            Arguments = "dom0_mem=1024M",
            Modules = [new MultibootModule("vmlinuz", "console=hvc0"), new MultibootModule("install.img")],
            MacAddresses = ["52:54:00:AA:BB:CC"],
            Architecture = BootArchitecture.Bios | BootArchitecture.EfiX64,
            Order = 3,
        });

        var reopened = Open();
        Assert.Equal(2, reopened.Entries.Length);
        var xen = reopened.Get("XEN");
        Assert.Equal(BootEntryKind.Multiboot, xen.Kind);
        Assert.Equal(BootArchitecture.Bios | BootArchitecture.EfiX64, xen.Architecture);
        Assert.Equal(["52-54-00-aa-bb-cc"], xen.MacAddresses);
        Assert.Equal(new MultibootModule("vmlinuz", "console=hvc0"), xen.Modules[0]);
        Assert.Equal(3, xen.Order);
        Assert.True(reopened.Get("debian").IsDefault);
        Assert.Equal(["debian-installer/amd64/initrd.gz"], reopened.Get("debian").Initrd);
    }

    [Fact]
    public void The_file_is_indented_human_readable_json()
    {
        var store = Open();
        store.Add(Debian());
        string json = File.ReadAllText(StorePath);
        Assert.Contains("\"version\": 1", json, StringComparison.Ordinal);
        Assert.Contains("\n      \"name\": \"debian\"", json, StringComparison.Ordinal);
        Assert.Contains("\"kind\": \"Linux\"", json, StringComparison.Ordinal);
        Assert.Contains("\"architecture\": \"All\"", json, StringComparison.Ordinal);
        Assert.Contains("\"timeoutSeconds\": 10", json, StringComparison.Ordinal);
        Assert.DoesNotContain("displayLabel", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Writes_are_atomic_and_leave_no_temporary_files()
    {
        var store = Open();
        for (int i = 0; i < 5; i++)
        {
            store.Add(Debian("d" + i));
        }

        store.Remove("d2");
        Assert.Equal([BootEntryStore.DefaultFileName], Directory.GetFiles(Path.GetDirectoryName(StorePath)!).Select(Path.GetFileName));
        Assert.Equal(4, Open().Entries.Length);
    }

    [Fact]
    public void A_corrupt_file_is_reported_and_never_overwritten()
    {
        _dir.File(Path.Combine("data", BootEntryStore.DefaultFileName), "{ \"version\": 1, \"entries\": [ { \"name\": ");
        var ex = Assert.Throws<BootEntryException>(Open);
        Assert.Equal(PxeErrorIds.StoreUnreadable, ex.ErrorId);
        Assert.Equal("{ \"version\": 1, \"entries\": [ { \"name\": ", File.ReadAllText(StorePath));
    }

    [Fact]
    public void A_newer_file_version_is_refused()
    {
        _dir.File(Path.Combine("data", BootEntryStore.DefaultFileName), "{ \"version\": 99, \"entries\": [] }");
        Assert.Equal(PxeErrorIds.StoreUnreadable, Assert.Throws<BootEntryException>(Open).ErrorId);
    }

    [Fact]
    public void Duplicate_names_are_refused_case_insensitively()
    {
        var store = Open();
        store.Add(Debian());
        var ex = Assert.Throws<BootEntryException>(() => store.Add(Debian("DEBIAN")));
        Assert.Equal(PxeErrorIds.DuplicateName, ex.ErrorId);
        Assert.Equal("DEBIAN", ex.EntryName);
        Assert.Single(Open().Entries);
    }

    [Fact]
    public void Only_one_default_per_platform()
    {
        var store = Open();
        store.Add(Debian("bios", isDefault: true, architecture: BootArchitecture.Bios));
        store.Add(Debian("efi", isDefault: true, architecture: BootArchitecture.EfiX64));
        var ex = Assert.Throws<BootEntryException>(() => store.Add(Debian("both", isDefault: true, architecture: BootArchitecture.Bios | BootArchitecture.EfiArm64)));
        Assert.Equal(PxeErrorIds.DefaultConflict, ex.ErrorId);
        Assert.Equal("bios", ex.Target);
        store.Add(Debian("arm", isDefault: true, architecture: BootArchitecture.EfiArm64));
        Assert.Equal(3, store.Entries.Length);
    }

    [Fact]
    public void A_client_targeted_default_may_coexist_with_the_general_one_but_not_with_another_for_the_same_client()
    {
        var store = Open();
        store.Add(Debian("general", isDefault: true));
        store.Add(Debian("mine", isDefault: true) with { MacAddresses = ["52-54-00-12-34-56"] });
        var ex = Assert.Throws<BootEntryException>(() => store.Add(Debian("also-mine", isDefault: true) with { MacAddresses = ["52:54:00:12:34:56"] }));
        Assert.Equal(PxeErrorIds.DefaultConflict, ex.ErrorId);
    }

    [Fact]
    public void Set_replaces_update_renames_and_remove_deletes()
    {
        var store = Open();
        store.Add(Debian());
        store.Set(Debian() with { Arguments = "priority=low" });
        Assert.Equal("priority=low", Open().Get("debian").Arguments);

        store.Update("debian", e => e with { Name = "debian12", Order = 4 });
        Assert.Null(store.Find("debian"));
        Assert.Equal(4, Open().Get("debian12").Order);

        var removed = store.Remove("debian12");
        Assert.Equal("debian12", removed.Name);
        Assert.Empty(Open().Entries);
        Assert.Equal(PxeErrorIds.EntryNotFound, Assert.Throws<BootEntryException>(() => store.Remove("debian12")).ErrorId);
        Assert.Equal(PxeErrorIds.EntryNotFound, Assert.Throws<BootEntryException>(() => store.Set(Debian("nope"))).ErrorId);
    }

    [Fact]
    public void Invalid_entries_are_refused_with_stable_ids_and_nothing_changes()
    {
        var store = Open();
        Assert.Equal(PxeErrorIds.KernelRequired, Assert.Throws<BootEntryException>(() => store.Add(new BootEntry { Name = "k" })).ErrorId);
        Assert.Equal(PxeErrorIds.InvalidName, Assert.Throws<BootEntryException>(() => store.Add(Debian("no spaces"))).ErrorId);
        Assert.Equal(PxeErrorIds.InvalidMacAddress, Assert.Throws<BootEntryException>(() => store.Add(Debian() with { MacAddresses = ["52:54:00"] })).ErrorId);
        Assert.Equal(PxeErrorIds.UnknownArchitecture, Assert.Throws<BootEntryException>(() => store.Add(Debian() with { Architecture = BootArchitecture.None })).ErrorId);
        Assert.Equal(PxeErrorIds.InvalidPath, Assert.Throws<BootEntryException>(() => store.Add(Debian() with { Kernel = "../etc/passwd" })).ErrorId);
        Assert.Empty(store.Entries);
        Assert.False(File.Exists(StorePath));
    }

    [Fact]
    public void Changes_raise_Changed_with_a_new_snapshot_stamped_by_the_clock()
    {
        var store = Open();
        BootConfiguration? seen = null;
        store.Changed += (_, c) => seen = c;
        _time.Advance(TimeSpan.FromMinutes(5));
        store.Add(Debian());
        Assert.NotNull(seen);
        Assert.Same(store.Current, seen);
        Assert.Equal(_time.GetUtcNow(), seen!.LastModified);
    }

    [Fact]
    public void Settings_persist()
    {
        var store = Open();
        store.SetSettings(new BootMenuSettings { Title = "Lab", Timeout = TimeSpan.FromSeconds(3.5), Prompt = true });
        var settings = Open().Current.Settings;
        Assert.Equal("Lab", settings.Title);
        Assert.Equal(TimeSpan.FromSeconds(3.5), settings.Timeout);
        Assert.True(settings.Prompt);
    }

    [Fact]
    public void Export_and_import_move_a_setup_between_stores()
    {
        var source = Open();
        source.Add(Debian(isDefault: true));
        source.Add(new BootEntry { Name = "local", Kind = BootEntryKind.LocalBoot });
        string file = Path.Combine(_dir.Path, "export", "setup.json");
        Assert.Equal(2, source.Export(file).Length);

        var target = new BootEntryStore(Path.Combine(_dir.Path, "other", "entries.json"), _time);
        var imported = target.Import(file);
        Assert.Equal(["debian", "local"], imported.Select(e => e.Name));
        Assert.Equal(BootEntryFile.Serialize(new BootMenuSettings(), [source.Get("debian")]), BootEntryFile.Serialize(new BootMenuSettings(), [target.Get("debian")]));
    }

    [Fact]
    public void Import_is_all_or_nothing_and_overwrite_replaces()
    {
        var store = Open();
        store.Add(Debian());
        string file = Path.Combine(_dir.Path, "in.json");
        BootEntryFile.Write(file, new BootMenuSettings(), [new BootEntry { Name = "new", Kind = BootEntryKind.LocalBoot }, Debian() with { Arguments = "changed" }]);

        Assert.Equal(PxeErrorIds.DuplicateName, Assert.Throws<BootEntryException>(() => store.Import(file)).ErrorId);
        Assert.Null(store.Find("new"));

        store.Import(file, overwrite: true);
        Assert.Equal("changed", Open().Get("debian").Arguments);
        Assert.NotNull(Open().Find("new"));
    }

    [Fact]
    public void Import_of_a_broken_file_says_so()
    {
        string file = _dir.File("broken.json", "not json");
        Assert.Equal(PxeErrorIds.ImportUnreadable, Assert.Throws<BootEntryException>(() => Open().Import(file)).ErrorId);
        Assert.Equal(PxeErrorIds.ImportUnreadable, Assert.Throws<BootEntryException>(() => Open().Import(Path.Combine(_dir.Path, "missing.json"))).ErrorId);
    }

    [Fact]
    public void Export_of_an_unknown_name_fails() =>
        Assert.Equal(PxeErrorIds.EntryNotFound, Assert.Throws<BootEntryException>(() => Open().Export(Path.Combine(_dir.Path, "x.json"), ["nope"])).ErrorId);

    [Fact]
    public void Two_sessions_on_one_file_do_not_lose_each_others_changes()
    {
        var a = Open();
        var b = Open();
        a.Add(Debian("from-a"));
        b.Add(Debian("from-b"));
        Assert.Equal(["from-a", "from-b"], Open().Entries.Select(e => e.Name));
        Assert.Equal(["from-a", "from-b"], a.Refresh().Entries.Select(e => e.Name));
    }

    [Fact]
    public void Refresh_picks_up_outside_changes_and_keeps_the_last_good_snapshot_when_the_file_breaks()
    {
        var server = Open();
        Assert.Same(server.Current, server.Refresh());
        Open().Add(Debian());
        Assert.Equal(["debian"], server.Refresh().Entries.Select(e => e.Name));

        File.WriteAllText(StorePath, "{ broken");
        Assert.Equal(["debian"], server.Refresh().Entries.Select(e => e.Name));
        Assert.Equal(PxeErrorIds.StoreUnreadable, Assert.Throws<BootEntryException>(server.Reload).ErrorId);
        Assert.Equal(PxeErrorIds.StoreUnreadable, Assert.Throws<BootEntryException>(() => server.Add(Debian("x"))).ErrorId);
        Assert.Equal("{ broken", File.ReadAllText(StorePath));
    }

    [Fact]
    public void An_import_entry_without_a_name_is_refused()
    {
        string file = _dir.File("noname.json", "{ \"version\": 1, \"entries\": [ { \"kernel\": \"vmlinuz\" } ] }");
        Assert.Equal(PxeErrorIds.ImportUnreadable, Assert.Throws<BootEntryException>(() => Open().Import(file)).ErrorId);
    }

    [Fact]
    public void An_import_entry_with_a_bad_architecture_name_is_refused()
    {
        string file = _dir.File("arch.json", "{ \"version\": 1, \"entries\": [ { \"name\": \"x\", \"kernel\": \"k\", \"architecture\": \"Sparc\" } ] }");
        Assert.Equal(PxeErrorIds.ImportUnreadable, Assert.Throws<BootEntryException>(() => Open().Import(file)).ErrorId);
    }
}
