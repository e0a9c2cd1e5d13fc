using System.Net;
using System.Text;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>
/// Generated pxelinux/syslinux.efi menus name a UI module only when the loader's directory in the root has one
/// (issue 18 item 11): read through a real BootNamespace as pxelinux reads them over TFTP.
/// </summary>
public sealed class GeneratedMenuModuleTests : IDisposable
{
    private static readonly BootRequestContext Tftp = new("tftp", new IPEndPoint(IPAddress.Parse("192.168.0.5"), 2070));
    private readonly TempDirectory _dir = new();
    private readonly BootEntryStore _store;

    public GeneratedMenuModuleTests()
    {
        _dir.File("pxelinux.0", "pxelinux");
        _dir.File("efi64/syslinux.efi", "syslinux.efi");
        _store = new BootEntryStore(Path.Combine(_dir.Path, "data", "entries.json"));
        _store.Add(new BootEntry { Name = "debian", Label = "Debian", Kernel = "debian/linux", IsDefault = true });
        _store.Add(new BootEntry { Name = "rescue", Label = "Rescue", Kernel = "rescue/vmlinuz" });
    }

    public void Dispose() => _dir.Dispose();

    private async Task<string> Menu(string path)
    {
        var boot = new BootNamespace(_dir.Path);
        GeneratedMenuSource.MountAll(boot, () => _store.Current, new BootRenderOptions { ServerAddress = "192.168.0.1" }, _dir.Path);
        var result = await boot.OpenAsync(BootPath.Parse(path), Tftp);
        Assert.Equal(BootFileStatus.Ok, result.Status);
        using var file = result.File!;
        var buffer = new byte[file.Length];
        Assert.Equal(buffer.Length, file.Read(0, buffer));
        return Encoding.UTF8.GetString(buffer);
    }

    [Fact]
    public async Task A_root_with_menu_c32_gets_a_ui_menu()
    {
        _dir.File("menu.c32", "menu module");
        string text = await Menu("pxelinux.cfg/default");
        Assert.Contains("UI menu.c32\n", text, StringComparison.Ordinal);
        Assert.Contains("PROMPT 0\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_root_without_menu_c32_gets_a_prompt_menu_naming_no_module()
    {
        string text = await Menu("pxelinux.cfg/default");
        Assert.DoesNotContain("UI ", text, StringComparison.Ordinal);
        Assert.Contains("PROMPT 1\n", text, StringComparison.Ordinal);
        Assert.Contains("LABEL debian", text, StringComparison.Ordinal);
        Assert.Contains("LABEL rescue", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_loader_directory_is_checked_on_its_own_and_vesamenu_c32_is_taken_when_alone()
    {
        _dir.File("menu.c32", "BIOS menu module");
        _dir.File("efi64/vesamenu.c32", "EFI vesamenu module");
        Assert.Contains("UI menu.c32\n", await Menu("pxelinux.cfg/default"), StringComparison.Ordinal);
        Assert.Contains("UI vesamenu.c32\n", await Menu("efi64/pxelinux.cfg/default"), StringComparison.Ordinal);
        Assert.DoesNotContain("UI ", await Menu("efi32/pxelinux.cfg/default"), StringComparison.Ordinal);
    }
}
