using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>
/// Golden files: every seed recipe rendered by every renderer, compared byte for byte with Boot/Golden/. Set
/// PXEPS_UPDATE_GOLDEN=1 to rewrite them (then review the diff). Every output also passes its format's grammar check.
/// </summary>
public sealed class GoldenRendererTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var recipe in SeedRecipes.Names)
        {
            foreach (var format in new[] { "pxelinux.cfg", "syslinux.cfg", "ipxe", "grub.cfg" })
            {
                data.Add(recipe, format);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Renders_seed_recipe_as_golden_file(string recipe, string format)
    {
        string actual = Render(recipe, format);
        string path = Path.Combine(GoldenDirectory(), $"{recipe}.{format}");
        if (Environment.GetEnvironmentVariable("PXEPS_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
        }

        Assert.True(File.Exists(path), $"golden file {path} is missing; run with PXEPS_UPDATE_GOLDEN=1");
        Assert.Equal(File.ReadAllText(path), actual);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Seed_recipe_output_passes_the_format_grammar(string recipe, string format)
    {
        string actual = Render(recipe, format);
        var errors = format switch
        {
            "ipxe" => IpxeGrammar.Check(actual),
            "grub.cfg" => GrubGrammar.Check(actual),
            _ => PxelinuxGrammar.Check(actual),
        };
        Assert.True(errors.Count == 0, string.Join("\n", errors) + "\n---\n" + actual);
    }

    internal static string Render(string recipe, string format)
    {
        var (configuration, options) = SeedRecipes.All[recipe];
        return format switch
        {
            "pxelinux.cfg" => PxelinuxMenuRenderer.Render(BootMenu.Select(configuration, BootMenuFormat.Pxelinux, BootArchitecture.Bios), options),
            "syslinux.cfg" => PxelinuxMenuRenderer.Render(BootMenu.Select(configuration, BootMenuFormat.Syslinux, BootArchitecture.EfiX64), options with { RootedPaths = true }),
            "ipxe" => IpxeScriptRenderer.RenderScript(configuration, options),
            "grub.cfg" => GrubMenuRenderer.RenderScript(configuration, options),
            _ => throw new ArgumentOutOfRangeException(nameof(format)),
        };
    }

    internal static string GoldenDirectory([System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "Golden");
}
