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

            Assert.InRange(headers.Count, 3, 6); // 4 to 6 for an output type (below); 3 for DnsmasqWarning, a list inside a conversion
            int fixedWidth = headers.Sum(h => int.Parse(h.Element("Width")?.Value ?? "0", System.Globalization.CultureInfo.InvariantCulture)) + headers.Count - 1;
            Assert.True(fixedWidth <= 120, $"view {view.Element("Name")?.Value} is {fixedWidth} characters wide");
        }
    }

    [Fact]
    public void Every_output_type_of_a_cmdlet_has_a_default_view_and_a_table_of_4_to_6_columns()
    {
        var views = Views.Descendants("View").ToList();
        string names = string.Join(",", views.Select(v => $"'{v.Element("ViewSelectedBy")!.Element("TypeName")!.Value}'"));
        // Each module type a cmdlet declares as its output, and what the servers' GetStatistics() return, with the view type
        // that formats it (the type itself, a base type, or for an interface a type that implements it); PowerShell's own
        // types (FileInfo, string) have views.
        var pairs = host.Invoke($$"""
            $outputs = @(Get-Command -Module PxePowerShell | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_.Namespace -like 'PxePowerShell*' })
            $outputs += @($outputs | ForEach-Object { $_.GetMethods() | Where-Object { $_.Name -eq 'GetStatistics' -and $_.GetParameters().Count -eq 0 } | ForEach-Object ReturnType })
            $outputs = $outputs | Sort-Object FullName -Unique
            $engine = (Get-Command Get-PxeClient).OutputType[0].Type.Assembly
            $viewTypes = @({{names}}) | ForEach-Object { $engine.GetType($_, $true) }
            foreach ($t in $outputs) {
                $view = $viewTypes | Where-Object { $_.IsAssignableFrom($t) -or ($t.IsInterface -and $t.IsAssignableFrom($_)) } | Select-Object -First 1
                "$($t.FullName)=$($view.FullName)"
            }
            """).AssertNoErrors().Output.Select(o => o.ToString().Split('=')).ToList();
        Assert.Contains(pairs, p => p[0] == "PxePowerShell.Engine.Clients.ClientRecord");
        Assert.Contains(pairs, p => p[0] == "PxePowerShell.Engine.Hosting.PxeServerStatistics");
        foreach (var pair in pairs)
        {
            Assert.True(pair[1].Length > 0, $"{pair[0]} (a cmdlet's output type) has no view");
            var view = views.First(v => v.Element("ViewSelectedBy")!.Element("TypeName")!.Value == pair[1]);
            int columns = view.Descendants("TableColumnHeader").Count();
            Assert.True(view.Element("TableControl") is null || columns is >= 4 and <= 6, $"{pair[0]}: the table of view {view.Element("Name")?.Value} has {columns} columns, not 4 to 6");
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
