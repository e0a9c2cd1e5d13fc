using System.Collections;
using System.Management.Automation;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell;

/// <summary>
/// The shared half of the cmdlets that answer PXE clients as a boot server (Start-PxeProxyDhcp, Start-PxeServer): the
/// PXE boot server port and the PXE boot menu (option 43) with its prompt, like dnsmasq's pxe-service and pxe-prompt.
/// </summary>
public abstract class StartPxeMenuCmdlet : StartDhcpCmdlet
{
    /// <summary>The PXE boot server port (4011).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int PxePort { get; set; } = 4011;

    /// <summary>The PXE boot menu (option 43): labels, or hashtables with Label and per-architecture files.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? Menu { get; set; }

    /// <summary>The text BIOS firmware shows before the menu (pxe-prompt).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Prompt { get; set; }

    /// <summary>
    /// The whole seconds of a prompt timeout given as a TimeSpan (0 to 255 seconds; 255 waits forever). A value that is
    /// not whole seconds — PowerShell turns a bare integer such as 10 into 10 ticks, not seconds — is a terminating
    /// InvalidParameter error that says to write 00:00:10.
    /// </summary>
    protected int PromptSeconds(string parameter, TimeSpan value)
    {
        RequireTimeSpan(parameter, value, TimeSpan.Zero, TimeSpan.FromSeconds(255), allowMinimum: true, "00:00:10");
        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            ThrowTerminatingError(Error(
                ErrorIds.InvalidParameter,
                ErrorCategory.InvalidArgument,
                value,
                $"-{parameter} {value:c} is not a whole number of seconds; write a TimeSpan such as 00:00:10 or (New-TimeSpan -Seconds 10) (PowerShell turns a bare integer into ticks, not seconds)."));
        }

        return (int)value.TotalSeconds;
    }

    /// <summary>Reads -Menu: labels, or hashtables with Label and per-architecture boot files.</summary>
    protected List<PxeMenuEntry> ParseMenu(object[]? menu)
    {
        var entries = new List<PxeMenuEntry>();
        foreach (var raw in menu ?? [])
        {
            object? item = raw is PSObject p ? p.BaseObject : raw;
            switch (item)
            {
                case string label when !string.IsNullOrWhiteSpace(label):
                    entries.Add(new PxeMenuEntry(label));
                    break;
                case IDictionary table:
                    entries.Add(MenuEntry(table));
                    break;
                default:
                    ThrowTerminatingError(Error(
                        ErrorIds.InvalidParameter,
                        ErrorCategory.InvalidArgument,
                        raw,
                        "-Menu takes labels ('Network Boot') or hashtables such as @{ Label='Install'; Bios='pxelinux.0'; EfiX64='syslinux.efi' }."));
                    break;
            }
        }

        return entries;
    }

    private PxeMenuEntry MenuEntry(IDictionary table)
    {
        string? label = null;
        foreach (DictionaryEntry entry in table)
        {
            if (string.Equals(entry.Key?.ToString(), "Label", StringComparison.OrdinalIgnoreCase))
            {
                label = entry.Value?.ToString();
            }
        }

        if (string.IsNullOrWhiteSpace(label))
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, table, "-Menu: every hashtable entry needs a Label, e.g. @{ Label='Install'; Bios='pxelinux.0' }."));
        }

        var files = ParseBootFiles(table, "Menu", allowLabel: true);
        return new PxeMenuEntry(label!, files.Count == 0 ? null : files);
    }
}
