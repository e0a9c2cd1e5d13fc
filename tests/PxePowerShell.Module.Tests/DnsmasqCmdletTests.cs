namespace PxePowerShell.Module.Tests;

/// <summary>ConvertFrom-PxeDnsmasqConfig → Export-PxeConfiguration → Start-PxeServer -ConfigurationPath, in a runspace.</summary>
public sealed class DnsmasqCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxeps-dnsmasq-").FullName;

    [Fact]
    public void A_dnsmasq_setup_becomes_a_configuration_file_that_Start_PxeServer_reads()
    {
        string conf = Path.Combine(_dir, "dnsmasq.conf");
        File.WriteAllText(conf, $"port=0\ndhcp-range=192.168.1.0,proxy\npxe-service=x86PC,\"Network Boot\",pxelinux\nenable-tftp\ntftp-root={ModuleHost.SampleRoot}\n");
        string psd1 = Path.Combine(_dir, "pxe.psd1");
        var v = new Dictionary<string, object?> { ["conf"] = conf, ["psd1"] = psd1 };
        var result = host.Invoke("ConvertFrom-PxeDnsmasqConfig -Path $conf -Name mt-dnsmasq | Export-PxeConfiguration -Path $psd1 -PassThru", v).AssertNoErrors();
        Assert.Contains(result.Warnings, w => w.Contains("dnsmasq.conf:1: port=0", StringComparison.Ordinal));
        string text = File.ReadAllText(psd1);
        Assert.Contains("DhcpMode = 'ProxyDhcp'", text, StringComparison.Ordinal);
        Assert.Contains("Label = 'Network Boot'", text, StringComparison.Ordinal);
        Assert.Contains("Bios = 'pxelinux.0'", text, StringComparison.Ordinal);
        host.Invoke("Start-PxeServer -ConfigurationPath $psd1 -WhatIf", v).AssertNoErrors();
        Assert.Empty(host.Invoke("Get-PxeServer -Name mt-dnsmasq").Output);

        var mode = host.Invoke("(ConvertFrom-PxeDnsmasqConfig $conf -WarningAction SilentlyContinue).Configuration.DhcpMode.ToString()", v).AssertNoErrors().Output.Single();
        Assert.Equal("ProxyDhcp", mode.BaseObject);
    }

    [Fact]
    public void A_missing_file_is_ConfigurationNotFound()
    {
        host.Invoke($"ConvertFrom-PxeDnsmasqConfig '{Path.Combine(_dir, "nope.conf")}'").SingleError("ConfigurationNotFound");
    }

    [Fact]
    public void A_directory_given_for_a_file_says_it_is_a_directory()
    {
        foreach (var command in new[] { "ConvertFrom-PxeDnsmasqConfig", "ConvertFrom-PxeSyslinuxConfig", "Mount-PxeIso" })
        {
            var error = host.Invoke($"{command} '{_dir}'").SingleError("PathIsDirectory");
            Assert.Contains("is a directory", error.Exception.Message, StringComparison.Ordinal);
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        }
    }

    [Fact]
    public void Links_out_of_the_tftp_root_are_named_with_what_replaces_them()
    {
        string root = Path.Combine(_dir, "tftp");
        string outside = Path.Combine(_dir, "mnt", "arch");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "vmlinuz-linux"), "kernel");
        File.CreateSymbolicLink(Path.Combine(root, "vmlinuz-linux"), Path.Combine(outside, "vmlinuz-linux"));
        Directory.CreateSymbolicLink(Path.Combine(root, "arch"), outside);
        File.CreateSymbolicLink(Path.Combine(root, "inside"), Path.Combine(root, "arch"));
        string conf = Path.Combine(_dir, "dnsmasq.conf");
        File.WriteAllText(conf, $"dhcp-range=192.168.1.0,proxy\nenable-tftp\ntftp-root={root}\n");
        var v = new Dictionary<string, object?> { ["conf"] = conf };
        var converted = host.Invoke("ConvertFrom-PxeDnsmasqConfig $conf", v).AssertNoErrors();
        Assert.Contains(converted.Warnings, w => w.Contains("the link vmlinuz-linux -> ", StringComparison.Ordinal) && w.Contains("Mount-PxeIso", StringComparison.Ordinal));
        Assert.Contains(converted.Warnings, w => w.Contains("the link arch -> ", StringComparison.Ordinal));

        v["root"] = root;
        var started = host.Invoke("$null = Start-PxeServer -Name mt-links -NoDhcp -Root $root -Address 127.0.0.1 -TftpPort 0; Stop-PxeServer -Name mt-links", v);
        Assert.Contains(started.Warnings, w => w.Contains("the link vmlinuz-linux -> ", StringComparison.Ordinal) && w.Contains("not served", StringComparison.Ordinal));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
