using System.Text.RegularExpressions;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>The documented file format and help pages stay true to the engine.</summary>
public sealed class DocumentationTests
{
    private static string RepoRoot([System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", ".."));

    [Fact]
    public void The_json_example_in_boot_entries_md_parses_and_validates()
    {
        string page = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "boot-entries.md"));
        string json = Regex.Match(page, "```json\n(.*?)```", RegexOptions.Singleline).Groups[1].Value;
        var (settings, entries) = BootEntryFile.Deserialize(json);
        Assert.Equal("PxePowerShell boot menu", settings.Title);
        Assert.Equal(2, entries.Length);
        Assert.All(entries, e => Assert.Empty(BootEntryValidator.CheckShape(e)));
        Assert.Equal(BootArchitecture.Bios | BootArchitecture.EfiX64, entries[0].Architecture);
        Assert.Equal("xenserver/install.img", entries[1].Modules[1].Path);

        // What the engine writes reads the same way.
        var again = BootEntryFile.Deserialize(BootEntryFile.Serialize(settings, entries)).Entries;
        Assert.Equal(BootEntryFile.Serialize(settings, entries), BootEntryFile.Serialize(settings, again));
        Assert.Contains("\"architecture\": \"Bios, EfiX64\"", BootEntryFile.Serialize(settings, entries), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("New-PxeBootEntry")]
    [InlineData("Get-PxeBootEntry")]
    [InlineData("Set-PxeBootEntry")]
    [InlineData("Remove-PxeBootEntry")]
    [InlineData("Get-PxeBootMenu")]
    [InlineData("Export-PxeBootMenu")]
    [InlineData("Import-PxeBootEntry")]
    [InlineData("Export-PxeBootEntry")]
    public void Every_cmdlet_page_has_the_help_sections(string cmdlet)
    {
        string page = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "cmdlets", cmdlet + ".md"));
        Assert.StartsWith($"# {cmdlet}\n## SYNOPSIS\n", page, StringComparison.Ordinal);
        string[] sections = ["## SYNOPSIS", "## DESCRIPTION", "## PARAMETERS", "## INPUTS", "## OUTPUTS", "## EXAMPLES", "## NOTES", "## RELATED LINKS"];
        int at = 0;
        foreach (var section in sections)
        {
            int next = page.IndexOf("\n" + section + "\n", at, StringComparison.Ordinal);
            Assert.True(next >= 0, $"{cmdlet}: {section} missing or out of order");
            at = next + 1;
        }

        foreach (Match parameter in Regex.Matches(page, @"^### (-\w+) <[^>]+>\n(.*)$", RegexOptions.Multiline))
        {
            Assert.Matches(@"Required: (true|false)\. Position: (\d+|named)\. Pipeline: [A-Za-z, ]+\.$", parameter.Groups[2].Value);
        }

        Assert.Matches(@"### Example 1: .+\n```powershell\n(.+\n)+```\n", page);
    }

    [Fact]
    public void New_PxeBootEntry_has_an_example_for_every_seed_recipe()
    {
        string page = File.ReadAllText(Path.Combine(RepoRoot(), "docs", "cmdlets", "New-PxeBootEntry.md"));
        foreach (var needle in new[] { "memtest86+", "netboot.tar.gz", "archiso_http_srv=", "netboot=", "-Kind Multiboot", "syslinux.efi" })
        {
            Assert.Contains(needle, page, StringComparison.Ordinal);
        }
    }
}
