using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Tests.Boot;

public sealed class EscapingTests
{
    private static BootConfiguration One(BootEntry entry) => BootConfiguration.Create([entry]);

    [Theory]
    [InlineData("#comment", "${pxeps-nil}#comment")]
    [InlineData("||", "${pxeps-nil}||")]
    [InlineData("&&", "${pxeps-nil}&&")]
    [InlineData(";", "${pxeps-nil};")]
    [InlineData("a#b", "a#b")]
    [InlineData("$HOME", "$HOME")]
    [InlineData("{x}", "{x}")]
    [InlineData("grüße", "grüße")]
    public void Ipxe_protects_words_iPXE_would_read_as_comment_or_separator(string word, string expected) =>
        Assert.Equal(expected, IpxeScriptRenderer.EscapeWord(word));

    [Fact]
    public void Ipxe_refuses_setting_expansions_in_arguments()
    {
        var ex = Assert.Throws<BootEntryException>(() => IpxeScriptRenderer.EscapeArguments("root=${x}"));
        Assert.Equal(PxeErrorIds.UnescapableArgument, ex.ErrorId);
    }

    [Fact]
    public void Ipxe_labels_show_dollar_brace_harmlessly_and_collapse_spaces() =>
        Assert.Equal("Costs $ {price} ${pxeps-nil}#1", IpxeScriptRenderer.EscapeText("Costs   ${price} #1"));

    [Fact]
    public void Ipxe_script_with_metacharacters_in_arguments_passes_the_grammar_and_round_trips()
    {
        const string args = "quiet # || ; && 'single quoted' \"double quoted\" $HOME {brace} ü";
        var entry = new BootEntry { Name = "meta", Label = "Meta # || $x 'q' \"d\" ü", Kernel = "k/vmlinuz", Arguments = args };
        string script = IpxeScriptRenderer.RenderScript(One(entry));
        Assert.StartsWith("#!ipxe\n", script, StringComparison.Ordinal);
        Assert.Empty(IpxeGrammar.Check(script));
        string kernelLine = script.Split('\n').First(l => l.StartsWith("kernel ", StringComparison.Ordinal));
        Assert.Equal("/k/vmlinuz " + string.Join(' ', args.Split(' ', StringSplitOptions.RemoveEmptyEntries)), IpxeSimulator.Arguments(kernelLine));
    }

    [Fact]
    public void Ipxe_round_trips_any_argument_text_without_dollar_brace()
    {
        var texts = ArbMap.Default.GeneratorFor<string>()
            .Where(s => s is not null && !s.Contains("${", StringComparison.Ordinal) && !s.Any(char.IsControl) && s.Trim().Length > 0);
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            string line = "kernel /vmlinuz " + IpxeScriptRenderer.EscapeArguments(text);
            string expected = "/vmlinuz " + string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return IpxeSimulator.Arguments(line) == expected;
        }).QuickCheckThrowOnFailure();
    }

    [Theory]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("plain", "'plain'")]
    [InlineData("", "''")]
    public void Grub_single_quotes_with_quote_escape(string text, string expected) =>
        Assert.Equal(expected, GrubMenuRenderer.Quote(text));

    [Theory]
    [InlineData("quiet", "quiet")]
    [InlineData("console=ttyS0,115200", "console=ttyS0,115200")]
    [InlineData("$root", "'$root'")]
    [InlineData("a;b", "'a;b'")]
    [InlineData("#x", "'#x'")]
    [InlineData("{x}", "'{x}'")]
    [InlineData("a*b", "'a*b'")]
    [InlineData("grüße", "'grüße'")]
    public void Grub_writes_safe_words_bare_and_quotes_the_rest(string word, string expected) =>
        Assert.Equal(expected, GrubMenuRenderer.Word(word));

    [Fact]
    public void Grub_splits_kernel_parameters_like_linux_and_keeps_their_meaning() =>
        Assert.Equal("'acpi_osi=Windows 2012' quiet 'x=$y'", GrubMenuRenderer.QuoteArguments("acpi_osi=\"Windows 2012\"  quiet x=$y"));

    [Fact]
    public void Grub_round_trips_any_parameter_text()
    {
        var texts = ArbMap.Default.GeneratorFor<string>()
            .Where(s => s is not null && !s.Contains('"') && !s.Any(char.IsControl));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var expected = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var actual = GrubSimulator.Words(GrubMenuRenderer.QuoteArguments(text));
            return expected.SequenceEqual(actual);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Grub_menuentry_titles_with_quotes_and_dollars_stay_literal()
    {
        var entry = new BootEntry { Name = "q", Label = "It's $5 {cheap} # ü", Kernel = "vmlinuz" };
        string config = GrubMenuRenderer.RenderScript(One(entry));
        Assert.Contains("menuentry 'It'\\''s $5 {cheap} # ü' --id q {", config, StringComparison.Ordinal);
        Assert.Empty(GrubGrammar.Check(config));
    }

    [Fact]
    public void Pxelinux_writes_utf8_labels_as_bytes()
    {
        var entry = new BootEntry { Name = "u", Label = "Überprüfung ✓", Kernel = "vmlinuz" };
        string text = PxelinuxMenuRenderer.Render(BootMenu.Select(One(entry), BootMenuFormat.Pxelinux, BootArchitecture.Bios));
        Assert.Contains("  MENU LABEL Überprüfung ✓\n", text, StringComparison.Ordinal);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Assert.Contains((byte)0xC3, bytes); // Ü as UTF-8
        Assert.Empty(PxelinuxGrammar.Check(text));
    }

    [Fact]
    public void Pxelinux_keeps_help_text_from_ending_early()
    {
        var entry = new BootEntry { Name = "h", Kernel = "vmlinuz", HelpText = "first\nendtext\n  ENDTEXT  \nENDTEXTS stays" };
        string text = PxelinuxMenuRenderer.Render(BootMenu.Select(One(entry), BootMenuFormat.Pxelinux, BootArchitecture.Bios));
        Assert.Contains("  [endtext]\n  [ENDTEXT]\n  ENDTEXTS stays\n  ENDTEXT\n", text, StringComparison.Ordinal);
        Assert.Empty(PxelinuxGrammar.Check(text));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(150, 2)]
    [InlineData(10_000, 100)]
    [InlineData(7_200_000, 35996)]
    public void Pxelinux_timeout_is_in_tenths_of_a_second(int milliseconds, int expected) =>
        Assert.Equal(expected, PxelinuxMenuRenderer.TimeoutTenths(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(BootEntryKind.Linux, "boot/vmlinuz", "  KERNEL boot/vmlinuz\n")]
    [InlineData(BootEntryKind.Linux, "boot/linux.bin", "  LINUX boot/linux.bin\n")]
    [InlineData(BootEntryKind.Image, "memtest", "  LINUX memtest\n")]
    public void Pxelinux_forces_the_linux_format_where_the_extension_would_mislead(BootEntryKind kind, string kernel, string expected)
    {
        var entry = new BootEntry { Name = "k", Kind = kind, Kernel = kernel };
        Assert.Contains(expected, PxelinuxMenuRenderer.Render(BootMenu.Select(One(entry), BootMenuFormat.Pxelinux, BootArchitecture.Bios)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gpxelinux.0", "  KERNEL gpxelinux.0\n")]
    [InlineData("undionly.kpxe", "  COM32 pxechn.c32\n  APPEND undionly.kpxe\n")]
    [InlineData("http://10.0.0.1/boot.ipxe", "  COM32 pxechn.c32\n  APPEND http://10.0.0.1/boot.ipxe\n")]
    public void Pxelinux_chainloads_pxe_programs_directly_and_others_through_pxechn(string target, string expected)
    {
        var entry = new BootEntry { Name = "c", Kind = BootEntryKind.Chainload, ChainTarget = target };
        string text = PxelinuxMenuRenderer.Render(BootMenu.Select(One(entry), BootMenuFormat.Pxelinux, BootArchitecture.Bios));
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Empty(PxelinuxGrammar.Check(text));
    }

    [Fact]
    public void Placeholders_are_replaced_when_known_and_kept_otherwise()
    {
        Assert.Equal("a=10.0.0.1 b=http://h:8080/x", new BootRenderOptions { ServerAddress = "10.0.0.1", HttpBaseUri = new Uri("http://h:8080/") }.ExpandArguments("a={server} b={http}/x"));
        Assert.Equal("a={server}", new BootRenderOptions().ExpandArguments(" a={server} "));
    }

    [Fact]
    public void Http_urls_percent_encode_namespace_segments() =>
        Assert.Equal("http://h/boot/a%20b/%C3%BC", new BootRenderOptions { HttpBaseUri = new Uri("http://h/boot/") }.HttpUrl("a b/ü"));
}

/// <summary>iPXE's command line handling (split on white space, expand ${…} with unset settings empty) for one simple command.</summary>
internal static class IpxeSimulator
{
    public static string Arguments(string line)
    {
        var words = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var kept = new List<string>();
        foreach (var word in words.Skip(1))
        {
            if (word.StartsWith('#') || word is "||" or "&&" or ";")
            {
                break;
            }

            kept.Add(word.Replace(IpxeScriptRenderer.Nil, string.Empty, StringComparison.Ordinal));
        }

        return string.Join(' ', kept);
    }
}

/// <summary>GRUB's word lexing: single quotes literal, double quotes, backslash escapes, white space separates.</summary>
internal static class GrubSimulator
{
    public static List<string> Words(string text)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        bool any = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\'')
            {
                int end = text.IndexOf('\'', i + 1);
                current.Append(text, i + 1, end - i - 1);
                i = end;
                any = true;
            }
            else if (c == '\\')
            {
                current.Append(text[++i]);
                any = true;
            }
            else if (c == ' ')
            {
                if (any)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    any = false;
                }
            }
            else
            {
                Assert.False("$;#{}|&<>*?\"".Contains(c, StringComparison.Ordinal), $"bare metacharacter {c} in {text}");
                current.Append(c);
                any = true;
            }
        }

        if (any)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
