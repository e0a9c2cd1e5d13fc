namespace PxePowerShell.Engine.Boot;

/// <summary>One entry point over the three renderers (for Get-PxeBootMenu and the exporter).</summary>
public static class BootMenuRenderer
{
    /// <summary>
    /// Renders <paramref name="configuration"/> in <paramref name="format"/>. For iPXE and GRUB without a platform or client
    /// this is the served, dispatching script; with either, a standalone menu for that platform (default: Bios for
    /// Pxelinux, EfiX64 otherwise) and client (null: the menu of unknown clients).
    /// </summary>
    public static string Render(BootConfiguration configuration, BootMenuFormat format, BootRenderOptions? options = null, BootArchitecture? architecture = null, BootClient? client = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        options ??= new BootRenderOptions();
        if (format is BootMenuFormat.Ipxe or BootMenuFormat.Grub && architecture is null && client is null)
        {
            return format == BootMenuFormat.Ipxe ? IpxeScriptRenderer.RenderScript(configuration, options) : GrubMenuRenderer.RenderScript(configuration, options);
        }

        var platform = architecture ?? (format == BootMenuFormat.Pxelinux ? BootArchitecture.Bios : BootArchitecture.EfiX64);
        if (format == BootMenuFormat.Pxelinux && platform != BootArchitecture.Bios)
        {
            format = BootMenuFormat.Syslinux;
        }
        else if (format == BootMenuFormat.Syslinux && platform == BootArchitecture.Bios)
        {
            format = BootMenuFormat.Pxelinux;
        }

        var menu = BootMenu.Select(configuration, format, platform, client);
        return format switch
        {
            BootMenuFormat.Pxelinux or BootMenuFormat.Syslinux => PxelinuxMenuRenderer.Render(menu, options),
            BootMenuFormat.Ipxe => IpxeScriptRenderer.Render(menu, options),
            BootMenuFormat.Grub => GrubMenuRenderer.Render(menu, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }
}
