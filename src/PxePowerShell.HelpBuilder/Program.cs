// Build-time tool.
//   PxePowerShell.HelpBuilder <docsDir> <outDir>        docs/cmdlets/*.md -> <outDir>/PxePowerShell.dll-Help.xml, docs/about_*.md -> <outDir>/about_*.help.txt
//   PxePowerShell.HelpBuilder --sample-root <dir>       writes the sample boot root that the README's "run it" command serves
using PxePowerShell.HelpBuilder;

if (args.Length == 2 && args[0] == "--sample-root")
{
    SampleRoot.Write(args[1]);
    return 0;
}

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: PxePowerShell.HelpBuilder <docsDir> <outDir> | --sample-root <dir>");
    return 2;
}

try
{
    var pages = Directory.GetFiles(Path.Combine(args[0], "cmdlets"), "*.md").Order(StringComparer.Ordinal).Select(CmdletPage.Parse).ToList();
    Directory.CreateDirectory(args[1]);
    MamlWriter.Write(pages, Path.Combine(args[1], "PxePowerShell.dll-Help.xml"));
    foreach (var about in Directory.GetFiles(args[0], "about_*.md"))
    {
        File.WriteAllText(Path.Combine(args[1], Path.GetFileNameWithoutExtension(about) + ".help.txt"), AboutTopic.ToText(File.ReadAllText(about)));
    }

    Console.WriteLine($"help: {pages.Count} cmdlet pages -> {args[1]}");
    return 0;
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    return 1;
}
