using System.Xml.Linq;

namespace PxePowerShell.Module.Tests;

public sealed class FormatViewTests(ModuleHost host) : IClassFixture<ModuleHost>
{
    private static XDocument Views => XDocument.Load(Path.Combine(ModuleHost.RepoRoot, "out", "PxePowerShell", "PxePowerShell.format.ps1xml"));

    [Fact]
    public void Every_table_view_fits_120_columns()
    {
        foreach (var view in Views.Descendants("View"))
        {
            var headers = view.Descendants("TableColumnHeader").ToList();
            if (headers.Count == 0)
            {
                continue;
            }

            Assert.InRange(headers.Count, 2, 9);
            int fixedWidth = headers.Sum(h => int.Parse(h.Element("Width")?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture)) + headers.Count - 1;
            Assert.True(fixedWidth <= 120, $"view {view.Element("Name")?.Value} is {fixedWidth} characters wide");
        }
    }

    [Fact]
    public void Every_view_names_a_module_type_and_only_its_real_properties()
    {
        foreach (var view in Views.Descendants("View"))
        {
            string typeName = view.Element("ViewSelectedBy")!.Element("TypeName")!.Value;
            var properties = host.Invoke($"[System.Reflection.Assembly]::LoadFrom([System.IO.Path]::Combine((Get-Module PxePowerShell).ModuleBase, 'PxePowerShell.Engine.dll')).GetType('{typeName}', $true).GetProperties() | ForEach-Object Name").AssertNoErrors().Output.Select(o => o.ToString()).ToHashSet();
            Assert.True(properties.Count > 0, $"view {view.Element("Name")?.Value}: type {typeName} not found or has no properties");
            foreach (var property in view.Descendants("PropertyName").Select(p => p.Value))
            {
                Assert.True(properties.Contains(property), $"view {view.Element("Name")?.Value}: {typeName} has no property {property}");
            }
        }
    }
}
