using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// dnsmasq as the oracle for ConvertFrom-PxeDnsmasqConfig: each configuration of the corpus (DnsmasqOracle/*.conf — the
/// seed recipes' shapes and one for every option the converter knows — and Debian's example dnsmasq.conf with its PXE
/// lines on) runs in dnsmasq 2.90, then converted in the module, one at a time in the same namespace; the same scripted
/// clients (DnsmasqOracle/oracle_client.py: BIOS, UEFI 6/7/9/10/11, HTTPClient 16, iPXE BIOS and UEFI, a plain client) ask
/// both, and their decisions must match: offer or not, boot file, next server, PXE menu and prompt, the options asked
/// for. What differs on purpose is listed in <see cref="Known"/> and in docs/dnsmasq-migration.md.
/// </summary>
public sealed class DnsmasqOracleTests(ITestOutputHelper output)
{
    /// <summary>Known differences: "config/client/aspect" patterns and the sentence of docs/dnsmasq-migration.md that explains each.</summary>
    private static readonly (Regex Where, string Why)[] Known =
    [
        (new(@"^container-xen-proxy\.conf/(ipxe-)?bios/menu$"), "A pxe-service without a file (local boot) is not a PXE menu item."),
        (new(@"^full-every-option\.conf/[^/]+/options$"), "Option 66 is not sent."),
        (new(@"^(full-every-option|full-implicit|systemrescue-full|debian-example)\.conf/(http-x64|plain)/(file|next-server)$"), "In full DHCP mode only PXE clients get a boot file."),
        (new(@"^(full-implicit|debian-example)\.conf/[^/]+/options$"), "No DNS server is sent where dnsmasq names itself."),
        (new(@"^ipxe-chain-tags\.conf/[^/]+/(offer|file|next-server|menu|prompt)$"), "proxyDHCP without a pxe-service answers."),
    ];

    private static string Corpus => Path.Combine(FirmwareLab.RepoRoot, "tests", "e2e", "PxePowerShell.E2E.Tests", "DnsmasqOracle");

    private static IEnumerable<string> Configurations() =>
        Directory.GetFiles(Corpus, "*.conf").Select(Path.GetFileName).Order(StringComparer.Ordinal).Append("debian-example.conf")!;

    [Fact]
    public void Every_configuration_of_the_corpus_gets_the_decisions_dnsmasq_makes()
    {
        using var lab = new FirmwareLab();
        string work = Directory.CreateTempSubdirectory("pxe-oracle-").FullName;
        string root = Directory.CreateDirectory(Path.Combine(work, "root")).FullName;
        try
        {
            foreach (var file in new[] { "pxelinux.0", "lpxelinux.0", "menu.c32", "ldlinux.c32", "efi64/syslinux.efi", "undionly.kpxe", "ipxe.efi", "grubaa64.efi" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(root, file))!);
                File.WriteAllText(Path.Combine(root, file), file);
            }

            Shell.Run("chmod", $"-R a+rX {work}"); // dnsmasq serves TFTP as nobody
            lab.WaitForBridge();
            var names = Configurations().ToList();
            var configs = names.Select(name => Path.Combine(work, name)).ToList();
            for (int i = 0; i < names.Count; i++)
            {
                File.WriteAllText(configs[i], Instantiate(names[i], lab.Subnet, root));
            }

            var module = lab.StartConversions(configs, work);
            var differences = new List<string>();
            for (int i = 0; i < names.Count; i++)
            {
                var dnsmasq = lab.StartDnsmasqConfig(configs[i]);
                var expected = Ask(lab, names[i], "dnsmasq");
                dnsmasq.Stop();
                output.WriteLine(dnsmasq.Output);

                File.WriteAllText(Path.Combine(work, $"{i}.go"), string.Empty);
                module.WaitForLine(l => l == $"READY {i}", TimeSpan.FromSeconds(120), $"PxePowerShell with the converted {names[i]}");
                var actual = Ask(lab, names[i], "PxePowerShell");
                File.WriteAllText(Path.Combine(work, $"{i}.done"), string.Empty);
                module.WaitForLine(l => l == $"STOPPED {i}", TimeSpan.FromSeconds(60), $"PxePowerShell stopping the converted {names[i]}");
                differences.AddRange(Compare(names[i], expected, actual));
            }

            output.WriteLine(string.Join('\n', module.Output.Split('\n').Where(l => l.StartsWith("WARNING", StringComparison.Ordinal))));
            foreach (var d in differences)
            {
                output.WriteLine(d);
            }

            string docs = File.ReadAllText(Path.Combine(FirmwareLab.RepoRoot, "docs", "dnsmasq-migration.md"));
            var unexplained = differences.Where(d => !Known.Any(k => k.Where.IsMatch(d[..d.IndexOf(':', StringComparison.Ordinal)]))).ToList();
            Assert.True(unexplained.Count == 0, "decisions that differ from dnsmasq's:\n" + string.Join('\n', unexplained));
            Assert.All(Known, k => Assert.Contains(k.Why, docs, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static string Instantiate(string name, string subnet, string root)
    {
        string text = name == "debian-example.conf" ? DebianExample() : File.ReadAllText(Path.Combine(Corpus, name));
        return text.Replace("@SUBNET@", subnet, StringComparison.Ordinal).Replace("@ROOT@", root, StringComparison.Ordinal);
    }

    /// <summary>Debian's example /etc/dnsmasq.conf (dnsmasq-base 2.90) with its interface, range, dhcp-boot and TFTP lines switched on.</summary>
    private static string DebianExample()
    {
        string path = Path.Combine(FirmwareLab.RepoRoot, "tests", "PxePowerShell.Engine.Tests", "Configuration", "Dnsmasq", "debian-dnsmasq.conf");
        string text = File.ReadAllText(path);
        foreach (var (from, to) in new[]
        {
            ("#interface=\n", "interface=eth0\n"),
            ("#bind-interfaces\n", "bind-interfaces\n"),
            ("#dhcp-range=192.168.0.50,192.168.0.150,12h\n", "dhcp-range=@SUBNET@.50,@SUBNET@.150,12h\n"),
            ("#dhcp-boot=pxelinux.0\n", "dhcp-boot=pxelinux.0\n"),
            ("#enable-tftp\n", "enable-tftp\n"),
            ("#tftp-root=/var/ftpd\n", "tftp-root=@ROOT@\n"),
        })
        {
            Assert.Contains(from, text, StringComparison.Ordinal);
            text = text.Replace(from, to, StringComparison.Ordinal);
        }

        return text;
    }

    private Dictionary<string, Decision> Ask(FirmwareLab lab, string name, string who)
    {
        string json = lab.RunOnTheBridgeCommand($"/usr/bin/python3 {Path.Combine(Corpus, "oracle_client.py")} {lab.ServerAddress} br0 1.5 {lab.Subnet}.50");
        var result = new Dictionary<string, Decision>(StringComparer.Ordinal);
        foreach (var client in JsonDocument.Parse(json).RootElement.EnumerateObject())
        {
            result[client.Name] = Decision.Of(client.Value);
        }

        output.WriteLine($"{name} / {who}:");
        foreach (var (client, decision) in result)
        {
            output.WriteLine($"  {client}: {decision}");
        }

        return result;
    }

    private static IEnumerable<string> Compare(string name, Dictionary<string, Decision> expected, Dictionary<string, Decision> actual)
    {
        foreach (var (client, want) in expected)
        {
            var got = actual[client];
            foreach (var (aspect, a, b) in want.Aspects().Zip(got.Aspects(), (x, y) => (x.Name, x.Value, y.Value)))
            {
                if (a != b)
                {
                    yield return $"{name}/{client}/{aspect}: dnsmasq '{a}', PxePowerShell '{b}'";
                }
            }
        }
    }

    /// <summary>What a client ends up with: the file it boots (after the 4011 leg when there is one) and what it was told on the way.</summary>
    private sealed record Decision(bool Address, string Boot, string Next, string Menu, string Prompt, string Options)
    {
        // Options a client asked for whose value is compared: netmask, router, DNS, domain, broadcast, lease time, TFTP server.
        private static readonly string[] Compared = ["1", "3", "6", "15", "28", "51", "66"];

        public static Decision Of(JsonElement client)
        {
            var offers = client.GetProperty("offers").EnumerateArray().ToList();
            if (offers.Count == 0)
            {
                return new Decision(false, string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
            }

            var offer = offers[0];
            string menu = string.Empty, prompt = string.Empty;
            if (offer.TryGetProperty("pxe", out var pxe) && pxe.ValueKind == JsonValueKind.Object)
            {
                menu = string.Join(" | ", pxe.GetProperty("menu").EnumerateArray().Select(item => item[1].GetString()));
                prompt = pxe.GetProperty("prompt").ValueKind == JsonValueKind.Array ? $"{pxe.GetProperty("prompt")[0]}:{pxe.GetProperty("prompt")[1]}" : string.Empty;
            }

            // The file comes from the offer, or — PXE menu, or a UEFI client sent to port 4011 — from the 4011 ACK.
            var carrier = offer;
            if ((menu.Length > 0 || File(offer).Length == 0) && client.TryGetProperty("ack4011", out var acks) && acks.GetArrayLength() > 0)
            {
                carrier = acks[0];
            }

            string boot = File(carrier);
            bool address = offer.GetProperty("yiaddr").GetString() != "0.0.0.0";
            var options = offer.GetProperty("options");
            string asked = string.Join(" ", Compared.Where(code => options.TryGetProperty(code, out _)).Select(code => $"{code}={options.GetProperty(code).GetString()}"));

            // A reply with nothing to boot is no boot: dnsmasq offers UEFI clients an empty file, the module stays silent.
            return boot.Length == 0 && !address
                ? new Decision(false, string.Empty, string.Empty, menu, string.Empty, string.Empty)
                : new Decision(address, boot, boot.Length > 0 ? carrier.GetProperty("siaddr").GetString()! : string.Empty, menu, prompt, asked);
        }

        private static string File(JsonElement reply)
        {
            string file = reply.GetProperty("file").GetString()!;
            if (file.Length == 0 && reply.GetProperty("options").TryGetProperty("67", out var option))
            {
                file = System.Text.Encoding.Latin1.GetString(Convert.FromHexString(option.GetString()!)).TrimEnd('\0');
            }

            return file;
        }

        public IEnumerable<(string Name, string Value)> Aspects() =>
        [
            ("offer", Address ? "address" : Boot.Length > 0 ? "boot" : "none"),
            ("file", Boot),
            ("next-server", Next),
            ("menu", Menu),
            ("prompt", Prompt),
            ("options", Options),
        ];
    }
}
