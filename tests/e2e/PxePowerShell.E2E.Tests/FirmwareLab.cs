using System.Diagnostics;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// One lab, made and removed by the test: a "lab" namespace with a bridge and the QEMU guest's tap, a "router" namespace
/// (10.210.N.1, a plain home-router DHCP server when asked for) and a "pxe" namespace (10.210.N.2) where the boot server
/// runs — PxePowerShell through pxeps, or dnsmasq as the reference. Nothing touches any other address.
/// </summary>
public sealed class FirmwareLab : IDisposable
{
    private readonly List<Shell.Background> _processes = [];
    private readonly string _id = Guid.NewGuid().ToString("N")[..5];
    private readonly string _work = Directory.CreateTempSubdirectory("pxe-e2e-").FullName;

    /// <summary>Creates the namespaces, bridge, tap and veths.</summary>
    public FirmwareLab()
    {
        Assert.True(OperatingSystem.IsLinux() && Environment.UserName == "root", "the firmware lab needs root (network namespaces, tap)");
        Subnet = $"10.210.{Random.Shared.Next(1, 250)}";
        foreach (var command in new[]
        {
            $"netns add {Lab}", $"netns add {Router}", $"netns add {Pxe}",
            $"-n {Lab} link add br0 type bridge", $"-n {Lab} link set br0 up",
            $"-n {Lab} tuntap add dev tap0 mode tap", $"-n {Lab} link set tap0 master br0", $"-n {Lab} link set tap0 up",
            $"-n {Lab} link add vr type veth peer name eth0 netns {Router}",
            $"-n {Lab} link add vp type veth peer name eth0 netns {Pxe}",
            $"-n {Lab} link set vr master br0", $"-n {Lab} link set vr up",
            $"-n {Lab} link set vp master br0", $"-n {Lab} link set vp up",
            $"-n {Router} addr add {Subnet}.1/24 dev eth0", $"-n {Router} link set eth0 up", $"-n {Router} link set lo up",
            $"-n {Pxe} addr add {Subnet}.2/24 dev eth0", $"-n {Pxe} link set eth0 up", $"-n {Pxe} link set lo up",
        })
        {
            Shell.Run("ip", command);
        }
    }

    /// <summary>The first three octets of the lab network.</summary>
    public string Subnet { get; }

    /// <summary>The boot server's address.</summary>
    public string ServerAddress => Subnet + ".2";

    private string Lab => "e2el" + _id;

    private string Router => "e2er" + _id;

    private string Pxe => "e2ep" + _id;

    /// <summary>
    /// Makes the segment IPv6-only: the pxe namespace's eth0 loses its IPv4 address and gets
    /// <see cref="ServerAddress6"/>/64 (no duplicate address detection, so it is usable at once).
    /// </summary>
    public void UseIpv6Only()
    {
        Shell.Run("ip", $"-n {Pxe} addr flush dev eth0 scope global");
        Shell.Run("ip", $"-n {Pxe} addr add {ServerAddress6}/64 dev eth0 nodad");
    }

    /// <summary>
    /// radvd in the pxe namespace announcing <see cref="Prefix6"/>/64 on-link with the M and O flags and no default
    /// router (docs/ipv6.md's configuration): what iPXE needs before it asks DHCPv6. Returns once it has sent an RA.
    /// </summary>
    public void StartRadvd()
    {
        string config = WriteFile("radvd.conf", $$"""
            interface eth0 {
                AdvSendAdvert on; MinRtrAdvInterval 3; MaxRtrAdvInterval 10; AdvDefaultLifetime 0;
                AdvManagedFlag on; AdvOtherConfigFlag on;
                prefix {{Prefix6}}:/64 { AdvOnLink on; AdvAutonomous off; };
            };

            """);
        Shell.Run("ip", $"netns exec {Pxe} sysctl -q -w net.ipv6.conf.all.forwarding=1");
        var radvd = Shell.Start("ip", $"netns exec {Pxe} radvd -n -d 3 -C {config} -p {_work}/radvd.pid -m stderr");
        _processes.Add(radvd);
        radvd.WaitForLine(l => l.Contains("(myself)", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "radvd's first router advertisement (seen back on eth0)");
    }

    /// <summary>The /64 of an IPv6-only segment (<see cref="UseIpv6Only"/>), as <c>fd00:21:N:</c>.</summary>
    public string Prefix6 => $"fd00:21:{Subnet.Split('.')[2]}:";

    /// <summary>The boot server's IPv6 address on an IPv6-only segment.</summary>
    public string ServerAddress6 => Prefix6 + ":2";

    /// <summary>Writes <paramref name="content"/> to <paramref name="name"/> in the lab's work directory (removed with the lab); returns its path.</summary>
    public string WriteFile(string name, string content)
    {
        string path = Path.Combine(_work, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>The router's plain DHCP server (dnsmasq with DNS off, no PXE options), as on a home network.</summary>
    public void StartRouterDhcp()
    {
        var dnsmasq = Shell.Start("ip", $"netns exec {Router} dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --interface=eth0 --bind-interfaces --dhcp-range={Subnet}.100,{Subnet}.200,1h --dhcp-leasefile={_work}/router.leases --pid-file= --log-facility=-");
        _processes.Add(dnsmasq);
        dnsmasq.WaitForLine(l => l.Contains("DHCP, IP range", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "router dnsmasq start");
    }

    /// <summary>A second PXE server in the router namespace: dnsmasq as proxyDHCP with a PXE menu, as a forgotten lab box would run it.</summary>
    public void StartRivalProxyDhcp()
    {
        var dnsmasq = Shell.Start("ip", $"netns exec {Router} dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --interface=eth0 --bind-interfaces --dhcp-range={Subnet}.0,proxy --pxe-service=x86PC,\"Rival boot\",pxelinux --dhcp-leasefile={_work}/rival.leases --pid-file= --log-facility=-");
        _processes.Add(dnsmasq);
        dnsmasq.WaitForLine(l => l.Contains("proxy on subnet", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "rival dnsmasq start");
    }

    /// <summary>
    /// Runs <paramref name="script"/> with the module (pxeps) in the pxe namespace, with its own data directory; the script
    /// must end in a -Wait server whose events print as lines. Returns once a ServerStarted line names port 69.
    /// </summary>
    public Shell.Background StartPxePowerShell(string script)
    {
        var server = StartPxeps(script);
        server.WaitForLine(l => l.Contains("ServerStarted", StringComparison.Ordinal) && l.Contains(":69", StringComparison.Ordinal), TimeSpan.FromSeconds(120), "PxePowerShell start");
        return server;
    }

    /// <summary>
    /// Runs the seed recipe docs/examples/<paramref name="recipe"/> as written, except that its <c>$root = '/srv/tftp'</c>
    /// line names a fresh directory holding copies of <paramref name="files"/> (what an admin puts there by hand). A
    /// recipe prints only what its own pipeline keeps, so readiness is its TFTP and proxyDHCP ports being bound.
    /// </summary>
    public Shell.Background StartRecipe(string recipe, params string[] files)
    {
        const string RootLine = "$root = '/srv/tftp'";
        string text = File.ReadAllText(Path.Combine(RepoRoot, "docs", "examples", recipe));
        Assert.Contains(RootLine, text, StringComparison.Ordinal);
        string root = Path.Combine(_work, "recipe-root");
        Directory.CreateDirectory(root);
        foreach (var file in files)
        {
            File.Copy(file, Path.Combine(root, Path.GetFileName(file)));
        }

        var server = StartPxeps(RecipePrelude + text.Replace(RootLine, $"$root = '{root}'", StringComparison.Ordinal));
        string sockets = string.Empty;
        bool ready = SpinWait.SpinUntil(
            () => (sockets = Shell.Run("ip", $"netns exec {Pxe} ss -Hlun", check: false)).Contains(":69 ", StringComparison.Ordinal) && sockets.Contains(":4011 ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(120));
        Assert.True(ready, $"{recipe} did not bind ports 69 and 4011: {sockets}\n{server.Output}");
        return server;
    }

    /// <summary>
    /// pxeps hosts System.Management.Automation with the core cmdlets only; the recipes' New-Item and Copy-Item come from
    /// Microsoft.PowerShell.Management in a real pwsh. These stand-ins do just what the recipes ask of them.
    /// </summary>
    private const string RecipePrelude = """
        function New-Item { param([string] $ItemType, [switch] $Force, [Parameter(Position = 0)] [string] $Path) [IO.Directory]::CreateDirectory($Path) }
        function Copy-Item {
            param([Parameter(Position = 0)] [string[]] $Path, [Parameter(Position = 1)] [string] $Destination)
            foreach ($file in $Path) { [IO.File]::Copy($file, [IO.Path]::Combine($Destination, [IO.Path]::GetFileName($file)), $true) }
        }

        """;

    private Shell.Background StartPxeps(string script)
    {
        string pxeps = Path.Combine(RepoRoot, "src", "PxePowerShell.Host", "bin", BuildConfiguration, "net10.0", "pxeps.dll");
        Assert.True(File.Exists(pxeps), pxeps);
        string scriptFile = Path.Combine(_work, "server.ps1");
        File.WriteAllText(scriptFile, script);
        var server = Shell.Start(
            "ip",
            $"netns exec {Pxe} dotnet {pxeps} -File {scriptFile}",
            new Dictionary<string, string> { ["PXEPOWERSHELL_DATA"] = Path.Combine(_work, "data"), ["DOTNET_NOLOGO"] = "1" });
        _processes.Add(server);
        return server;
    }

    /// <summary>The guest's MAC address, <c>52-54-00-xx-xx-01</c>.</summary>
    public string GuestMac => $"52-54-00-{_id[..2]}-{_id[2..4]}-01";

    /// <summary>
    /// Runs <paramref name="script"/> with the module (pxeps) in the pxe namespace beside the running server, over the same
    /// data directory (its inventory); returns stdout and stderr.
    /// </summary>
    public string RunInPxe(string script)
    {
        string pxeps = Path.Combine(RepoRoot, "src", "PxePowerShell.Host", "bin", BuildConfiguration, "net10.0", "pxeps.dll");
        string file = Path.Combine(_work, "query-" + Guid.NewGuid().ToString("N")[..6] + ".ps1");
        File.WriteAllText(file, script);
        return Shell.Run("sh", $"-c \"ip netns exec {Pxe} env PXEPOWERSHELL_DATA={_work}/data DOTNET_NOLOGO=1 dotnet {pxeps} -File {file} 2>&1\"", timeoutMs: 120_000, check: false);
    }

    /// <summary>Runs <paramref name="script"/> with the module (pxeps) to its end, with a fresh data directory; returns what it printed.</summary>
    public static string RunPxePowerShell(string script)
    {
        string data = Directory.CreateTempSubdirectory("pxe-e2e-data-").FullName;
        try
        {
            string pxeps = Path.Combine(RepoRoot, "src", "PxePowerShell.Host", "bin", BuildConfiguration, "net10.0", "pxeps.dll");
            string file = Path.Combine(data, "script.ps1");
            File.WriteAllText(file, script);
            return Shell.Run("env", $"PXEPOWERSHELL_DATA={data} DOTNET_NOLOGO=1 dotnet {pxeps} -File {file}", timeoutMs: 120_000);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Runs <paramref name="script"/> with the module (pxeps) in the lab namespace (on the bridge, like a client) to its end; returns stdout and stderr.</summary>
    public string RunOnTheBridge(string script)
    {
        string pxeps = Path.Combine(RepoRoot, "src", "PxePowerShell.Host", "bin", BuildConfiguration, "net10.0", "pxeps.dll");
        string file = Path.Combine(_work, "bridge.ps1");
        File.WriteAllText(file, script);
        Shell.Run("ip", $"-n {Lab} link set lo up");
        return Shell.Run("sh", $"-c \"ip netns exec {Lab} env PXEPOWERSHELL_DATA={_work}/bridge-data DOTNET_NOLOGO=1 dotnet {pxeps} -File {file} 2>&1\"", timeoutMs: 120_000, check: false);
    }

    /// <summary>Runs dnsmasq in the pxe namespace with <paramref name="arguments"/> (the reference server).</summary>
    public Shell.Background StartDnsmasq(string arguments)
    {
        var dnsmasq = Shell.Start("ip", $"netns exec {Pxe} dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --interface=eth0 --bind-interfaces --pid-file= --log-facility=- {arguments}");
        _processes.Add(dnsmasq);
        // The last start-up line: the TFTP root when TFTP is on, otherwise the DHCP socket binding.
        string ready = arguments.Contains("--enable-tftp", StringComparison.Ordinal) ? "TFTP root" : "DHCP, sockets bound";
        dnsmasq.WaitForLine(l => l.Contains(ready, StringComparison.Ordinal), TimeSpan.FromSeconds(20), "dnsmasq start");
        return dnsmasq;
    }

    /// <summary>
    /// dnsmasq in the pxe namespace reading <paramref name="configFile"/> as it is (only the lease file, logging and the
    /// ping before an offer are set from the command line); returns once its DHCP socket is bound.
    /// </summary>
    public Shell.Background StartDnsmasqConfig(string configFile)
    {
        var dnsmasq = Shell.Start("ip", $"netns exec {Pxe} dnsmasq --keep-in-foreground --conf-file={configFile} --pid-file= --log-facility=- --no-ping --log-dhcp --dhcp-leasefile={_work}/oracle-{Guid.NewGuid():N}.leases");
        _processes.Add(dnsmasq);
        WaitForDhcpSockets(dnsmasq, "dnsmasq " + configFile);
        return dnsmasq;
    }

    /// <summary>
    /// The module in the pxe namespace (one pxeps for a series of dnsmasq configurations, as the start of pxeps is what
    /// takes time), doing what a user moving does for each, one server at a time: once <c>{control}/{i}.go</c> exists,
    /// ConvertFrom-PxeDnsmasqConfig <paramref name="configFiles"/>[i] (its warnings print as "WARNING: ..."),
    /// Export-PxeConfiguration, Start-PxeServer -ConfigurationPath; prints "READY i"; once <c>{control}/{i}.done</c> exists
    /// it stops that server and prints "STOPPED i".
    /// </summary>
    public Shell.Background StartConversions(IReadOnlyList<string> configFiles, string control)
    {
        string files = string.Join(", ", configFiles.Select(f => $"'{f}'"));
        return StartPxeps($$"""
            $files = @({{files}})
            for ($i = 0; $i -lt $files.Count; $i++) {
                while (-not [IO.File]::Exists("{{control}}/$i.go")) { [Threading.Thread]::Sleep(50) }
                ConvertFrom-PxeDnsmasqConfig $files[$i] 3>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.WarningRecord]) { "WARNING: $_" } else { $_ | Export-PxeConfiguration -Path "{{control}}/$i.psd1" } }
                Start-PxeServer -ConfigurationPath "{{control}}/$i.psd1" -Name "oracle$i" -ConflictCheckTimeout 0 3>&1 | ForEach-Object { if ($_ -is [System.Management.Automation.WarningRecord]) { "WARNING: $_" } }
                "READY $i"
                while (-not [IO.File]::Exists("{{control}}/$i.done")) { [Threading.Thread]::Sleep(50) }
                Stop-PxeServer -Name "oracle$i"
                "STOPPED $i"
            }
            """);
    }

    /// <summary>
    /// Puts <c>{Subnet}.50/24</c> on the lab bridge (for clients run with <see cref="RunOnTheBridgeCommand"/>) and waits
    /// (bounded) until the bridge, its port to the pxe namespace and that namespace's eth0 are up and forwarding.
    /// </summary>
    public void WaitForBridge()
    {
        Shell.Run("ip", $"-n {Lab} addr add {Subnet}.50/24 dev br0");
        string state = string.Empty;
        Assert.True(
            SpinWait.SpinUntil(
                () => (state = Shell.Run("ip", $"-n {Lab} -d link show vp", check: false) + Shell.Run("ip", $"-n {Lab} link show br0", check: false) + Shell.Run("ip", $"-n {Pxe} link show eth0", check: false))
                    .Contains("state forwarding", StringComparison.Ordinal) && state.Split("LOWER_UP").Length == 4,
                TimeSpan.FromSeconds(30)),
            "the lab bridge is not forwarding: " + state);
    }

    private void WaitForDhcpSockets(Shell.Background server, string what)
    {
        string sockets = string.Empty;
        bool ready = SpinWait.SpinUntil(
            () => (sockets = Shell.Run("ip", $"netns exec {Pxe} ss -Hlun", check: false)).Contains(":67 ", StringComparison.Ordinal),
            TimeSpan.FromSeconds(120));
        Assert.True(ready, $"{what} did not bind port 67: {sockets}\n{server.Output}");
    }

    /// <summary>Runs <paramref name="command"/> in the lab namespace (on the bridge, where the guests are; see <see cref="WaitForBridge"/>); returns its stdout.</summary>
    public string RunOnTheBridgeCommand(string command) => Shell.Run("ip", $"netns exec {Lab} {command}", timeoutMs: 60_000);

    /// <summary>
    /// nginx in the pxe namespace serving <paramref name="root"/> on the server address and <paramref name="port"/>: the
    /// HTTP half of the dnsmasq reference, as admins pair them today.
    /// </summary>
    public Shell.Background StartNginx(string root, int port) => StartNginx(root, ServerAddress, port);

    /// <summary>nginx in the pxe namespace serving <paramref name="root"/> on <paramref name="address"/> (IPv4 or IPv6) and <paramref name="port"/>.</summary>
    public Shell.Background StartNginx(string root, string address, int port)
    {
        string host = address.Contains(':', StringComparison.Ordinal) ? $"[{address}]" : address;
        string config = Path.Combine(_work, "nginx.conf");
        File.WriteAllText(config, $$"""
            daemon off; master_process off; worker_processes 1; error_log stderr; pid {{_work}}/nginx.pid;
            events {}
            http {
                access_log {{NginxAccessLogPath}}; sendfile on; default_type application/octet-stream;
                server { listen {{host}}:{{port}}; root {{root}}; }
            }

            """);
        var nginx = Shell.Start("ip", $"netns exec {Pxe} nginx -c {config} -p {_work}");
        _processes.Add(nginx);
        Assert.True(
            SpinWait.SpinUntil(() => Shell.Run("ip", $"netns exec {Pxe} curl -s -o /dev/null -w %{{http_code}} http://{host}:{port}/", check: false).Trim() is not ("" or "000"), TimeSpan.FromSeconds(20)),
            "nginx did not answer");
        return nginx;
    }

    /// <summary>nginx's access log (the requests the reference served).</summary>
    public string NginxAccessLog => File.Exists(NginxAccessLogPath) ? File.ReadAllText(NginxAccessLogPath) : string.Empty;

    private string NginxAccessLogPath => Path.Combine(_work, "nginx-access.log");

    /// <summary>Powers on a QEMU guest (TCG) that boots from the network on the lab bridge; its serial console is its output.</summary>
    public Shell.Background StartGuest(Firmware firmware)
    {
        string mac = GuestMac.Replace('-', ':');
        string machine = firmware switch
        {
            Firmware.Bios => $"-boot n -device e1000,netdev=n0,mac={mac}",
            Firmware.Uefi => $"{UefiArguments("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd")} -device e1000,netdev=n0,mac={mac}",
            Firmware.UefiNative => $"{UefiArguments("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd")} -device virtio-net-pci,netdev=n0,romfile=,mac={mac}",
            // OVMF's own boot options for a NIC are PXEv4, PXEv6, HTTPv4, HTTPv6 in that order; its fw_cfg knobs turn off
            // PXE over IPv4 and IPv6 altogether, so "UEFI HTTPv4" is the first (and only) network boot option.
            Firmware.UefiHttp => $"{UefiArguments("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd")} -device virtio-net-pci,netdev=n0,romfile=,mac={mac} " +
                "-fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=no -fw_cfg name=opt/org.tianocore/IPv6Support,string=no",
            // IPv6 only: OVMF's IPv4 stack is off, so "UEFI PXEv6" is the first network boot option (then HTTPv6).
            Firmware.UefiPxe6 => $"{UefiArguments("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd")} -device virtio-net-pci,netdev=n0,romfile=,mac={mac} " +
                "-fw_cfg name=opt/org.tianocore/IPv4Support,string=no",
            // IPv6 only with PXE off as well: "UEFI HTTPv6" is the only network boot option. The boot manager waits 5 s
            // first (QEMU's boot menu timeout): HttpBootDxe starts DHCPv6 without waiting for the link-local address, and
            // tried at once, before its duplicate address detection ends, it fails with no Solicit sent (docs/ipv6.md).
            Firmware.UefiHttp6 => $"{UefiArguments("OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd")} -device virtio-net-pci,netdev=n0,romfile=,mac={mac} " +
                "-fw_cfg name=opt/org.tianocore/IPv4Support,string=no -fw_cfg name=opt/org.tianocore/IPv6PXESupport,string=no -boot menu=on,splash-time=5000",
            // Secure Boot enforcing: the secboot code needs SMM; the ms vars have Microsoft's keys enrolled. OVMF's own
            // virtio-net driver and PXE stack (no iPXE option ROM, which is unsigned and would be refused).
            _ => $"-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on {UefiArguments("OVMF_CODE_4M.secboot.fd", "OVMF_VARS_4M.ms.fd")} -device virtio-net-pci,netdev=n0,romfile=,mac={mac}",
        };
        if (firmware is Firmware.Arm64Pxe or Firmware.Arm64Http)
        {
            return StartArm64Guest(mac, firmware == Firmware.Arm64Http);
        }

        var guest = Shell.Start(
            "ip",
            $"netns exec {Lab} qemu-system-x86_64 -m 512 -smp 1 -no-reboot -display none -serial stdio -monitor none -nodefaults " +
            $"-netdev tap,id=n0,ifname=tap0,script=no,downscript=no {machine}");
        _processes.Add(guest);
        return guest;
    }

    /// <summary>
    /// QEMU's arm64 virt machine (TCG, Cortex-A57) with AAVMF (qemu-efi-aarch64) and its own network stack on virtio-net:
    /// PXE, or with <paramref name="http"/> UEFI HTTP boot (PXE turned off through the same fw_cfg knobs as OVMF).
    /// </summary>
    private Shell.Background StartArm64Guest(string mac, bool http)
    {
        string knobs = http ? " -fw_cfg name=opt/org.tianocore/IPv4PXESupport,string=no -fw_cfg name=opt/org.tianocore/IPv6Support,string=no" : string.Empty;
        string vars = Path.Combine(_work, "AAVMF_VARS.fd");
        File.Copy("/usr/share/AAVMF/AAVMF_VARS.fd", vars, overwrite: true);
        var guest = Shell.Start(
            "ip",
            $"netns exec {Lab} qemu-system-aarch64 -machine virt -cpu cortex-a57 -m 512 -smp 1 -no-reboot -display none -serial stdio -monitor none -nodefaults " +
            $"-drive if=pflash,format=raw,readonly=on,file=/usr/share/AAVMF/AAVMF_CODE.fd -drive if=pflash,format=raw,file={vars} " +
            $"-netdev tap,id=n0,ifname=tap0,script=no,downscript=no -device virtio-net-pci,netdev=n0,romfile=,mac={mac}{knobs}");
        _processes.Add(guest);
        return guest;
    }

    /// <summary>Boots a guest and waits for a serial line <paramref name="expect"/> matches; returns the guest (its serial output) and the time from power-on.</summary>
    public (Shell.Background Guest, TimeSpan Elapsed) Boot(Firmware firmware, Func<string, bool> expect, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        var guest = StartGuest(firmware);
        guest.WaitForLine(expect, timeout, what);
        return (guest, watch.Elapsed);
    }

    private string UefiArguments(string code, string varsTemplate)
    {
        string vars = Path.Combine(_work, "OVMF_VARS.fd");
        File.Copy(Path.Combine("/usr/share/OVMF", varsTemplate), vars, overwrite: true);
        return $"-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/{code} -drive if=pflash,format=raw,file={vars}";
    }

    /// <summary>The repository (where out/ and the host's bin/ are).</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    internal static string BuildConfiguration => AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "PxePowerShell.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("PxePowerShell.sln not found above " + AppContext.BaseDirectory);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            process.Dispose();
        }

        foreach (var ns in new[] { Lab, Router, Pxe })
        {
            Shell.Run("ip", $"netns del {ns}", check: false);
        }

        Directory.Delete(_work, recursive: true);
    }
}

/// <summary>The guest's firmware.</summary>
public enum Firmware
{
    /// <summary>SeaBIOS with the iPXE option ROM of the e1000 NIC (ipxe-qemu).</summary>
    Bios,

    /// <summary>OVMF (UEFI) with the iPXE EFI driver of the e1000 ROM.</summary>
    Uefi,

    /// <summary>OVMF with its own PXE stack (PxeBcDxe) on virtio-net, no iPXE option ROM.</summary>
    UefiNative,

    /// <summary>OVMF's own UEFI HTTP boot (HttpBootDxe) on virtio-net: PXE turned off through fw_cfg, no iPXE option ROM.</summary>
    UefiHttp,

    /// <summary>OVMF's own PXE over IPv6 (PxeBcDxe, DHCPv6 and TFTP over IPv6) on virtio-net, its IPv4 stack turned off through fw_cfg.</summary>
    UefiPxe6,

    /// <summary>OVMF's own UEFI HTTP boot over IPv6 only (HttpBootDxe, DHCPv6 and HTTP over IPv6) on virtio-net: IPv4 and PXE off through fw_cfg.</summary>
    UefiHttp6,

    /// <summary>OVMF with Secure Boot enforcing (Microsoft's keys enrolled) and its own PXE stack on virtio-net.</summary>
    UefiSecureBoot,

    /// <summary>ARM64 UEFI (AAVMF on QEMU virt) with its own PXE stack on virtio-net (DHCP option 93 arch 11).</summary>
    Arm64Pxe,

    /// <summary>ARM64 UEFI (AAVMF on QEMU virt) with its own HTTP boot on virtio-net (arch 19, HTTPClient): PXE turned off through fw_cfg.</summary>
    Arm64Http,
}
