using System.Text.RegularExpressions;
using System.Xml;

namespace PxePowerShell.HelpBuilder;

/// <summary>Writes cmdlet pages as MAML, the XML that Get-Help reads for binary modules.</summary>
internal static class MamlWriter
{
    private const string Msh = "http://msh";
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static void Write(IEnumerable<CmdletPage> pages, string path)
    {
        var settings = new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) };
        using var xml = XmlWriter.Create(path, settings);
        xml.WriteStartDocument();
        xml.WriteStartElement("helpItems", Msh);
        xml.WriteAttributeString("schema", "maml");
        foreach (var page in pages)
        {
            WriteCommand(xml, page);
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCommand(XmlWriter xml, CmdletPage page)
    {
        xml.WriteStartElement("command", "command", Command);
        xml.WriteAttributeString("xmlns", "maml", null, Maml);
        xml.WriteAttributeString("xmlns", "dev", null, Dev);
        var (verb, noun) = SplitName(page.Name);

        xml.WriteStartElement("command", "details", Command);
        xml.WriteElementString("command", "name", Command, page.Name);
        xml.WriteElementString("command", "verb", Command, verb);
        xml.WriteElementString("command", "noun", Command, noun);
        Paragraphs(xml, "description", page.Synopsis);
        xml.WriteEndElement();

        Paragraphs(xml, "description", page.Description);

        xml.WriteStartElement("command", "syntax", Command);
        var sets = page.Syntax.Count > 0 ? page.Syntax : [page.Name + " " + string.Join(' ', page.Parameters.Select(p => "-" + p.Name))];
        foreach (var line in sets)
        {
            xml.WriteStartElement("command", "syntaxItem", Command);
            xml.WriteElementString("maml", "name", Maml, page.Name);
            var named = Regex.Matches(line, @"-(\w+)").Select(m => m.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var parameter in page.Parameters.Where(p => named.Contains(p.Name)))
            {
                WriteParameter(xml, parameter);
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "parameters", Command);
        foreach (var parameter in page.Parameters)
        {
            WriteParameter(xml, parameter);
        }

        xml.WriteEndElement();

        WriteTypes(xml, "inputTypes", "inputType", page.Inputs);
        WriteTypes(xml, "returnValues", "returnValue", page.Outputs);

        if (page.Notes.Length > 0)
        {
            xml.WriteStartElement("maml", "alertSet", Maml);
            xml.WriteStartElement("maml", "alert", Maml);
            foreach (var para in Paras(page.Notes))
            {
                xml.WriteElementString("maml", "para", Maml, para);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("command", "examples", Command);
        foreach (var example in page.Examples)
        {
            xml.WriteStartElement("command", "example", Command);
            xml.WriteElementString("maml", "title", Maml, $"--------- {example.Title} ---------");
            xml.WriteElementString("dev", "code", Dev, example.Code);
            xml.WriteStartElement("dev", "remarks", Dev);
            foreach (var para in Paras(example.Remarks))
            {
                xml.WriteElementString("maml", "para", Maml, para);
            }

            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteEndElement();

        xml.WriteStartElement("command", "relatedLinks", Command);
        foreach (var link in page.Links)
        {
            xml.WriteStartElement("maml", "navigationLink", Maml);
            xml.WriteElementString("maml", "linkText", Maml, link);
            xml.WriteElementString("maml", "uri", Maml, string.Empty);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteParameter(XmlWriter xml, HelpParameter parameter)
    {
        xml.WriteStartElement("command", "parameter", Command);
        xml.WriteAttributeString("required", parameter.Required ? "true" : "false");
        xml.WriteAttributeString("variableLength", parameter.Type.EndsWith("[]", StringComparison.Ordinal) ? "true" : "false");
        xml.WriteAttributeString("globbing", parameter.Globbing ? "true" : "false");
        xml.WriteAttributeString("pipelineInput", parameter.PipelineInput);
        xml.WriteAttributeString("position", parameter.Position);
        xml.WriteAttributeString("aliases", parameter.Aliases);
        xml.WriteElementString("maml", "name", Maml, parameter.Name);
        Paragraphs(xml, "description", parameter.Description);
        if (!parameter.IsSwitch)
        {
            xml.WriteStartElement("command", "parameterValue", Command);
            xml.WriteAttributeString("required", "true");
            xml.WriteAttributeString("variableLength", "false");
            xml.WriteString(parameter.Type);
            xml.WriteEndElement();
        }

        xml.WriteStartElement("dev", "type", Dev);
        xml.WriteElementString("maml", "name", Maml, parameter.IsSwitch ? "SwitchParameter" : parameter.Type);
        xml.WriteEndElement();
        xml.WriteElementString("dev", "defaultValue", Dev, parameter.DefaultValue);
        xml.WriteEndElement();
    }

    private static void WriteTypes(XmlWriter xml, string outer, string inner, IReadOnlyList<string> types)
    {
        xml.WriteStartElement("command", outer, Command);
        foreach (var type in types)
        {
            xml.WriteStartElement("command", inner, Command);
            xml.WriteStartElement("dev", "type", Dev);
            xml.WriteElementString("maml", "name", Maml, type);
            xml.WriteEndElement();
            Paragraphs(xml, "description", string.Empty);
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
    }

    private static void Paragraphs(XmlWriter xml, string element, string text)
    {
        xml.WriteStartElement("maml", element, Maml);
        foreach (var para in Paras(text))
        {
            xml.WriteElementString("maml", "para", Maml, para);
        }

        xml.WriteEndElement();
    }

    private static IEnumerable<string> Paras(string text) =>
        Regex.Split(text.Replace("\r", string.Empty, StringComparison.Ordinal), @"\n\s*\n")
            .Select(p => Regex.Replace(p.Trim(), @"\s*\n\s*", " "))
            .Where(p => p.Length > 0);

    private static (string Verb, string Noun) SplitName(string name)
    {
        int dash = name.IndexOf('-', StringComparison.Ordinal);
        return dash < 0 ? (name, string.Empty) : (name[..dash], name[(dash + 1)..]);
    }
}
