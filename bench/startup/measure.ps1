# Run by bench/startup/run.sh in a fresh pwsh (-NoProfile): times a cold Import-Module of PxePowerShell by its manifest
# ($env:PXE_BENCH_MANIFEST), Start-PxeServer until every part listens, the first TFTP and the first HTTP answer after
# that (curl), the first proxyDHCP offer (Test-PxeServer), then Stop-PxeServer; also counts the methods the JIT compiled for all of it (ReadyToRun code needs none).
param()
$root = $env:PXE_BENCH_ROOT
$jit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false)
$watch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $env:PXE_BENCH_MANIFEST -ErrorAction Stop
$import = $watch.Elapsed.TotalMilliseconds
$watch.Restart()
$server = Start-PxeServer -Root $root -Interface $env:PXE_BENCH_IFACE -TftpPort 0 -Http -HttpPort 0 -PxePort 0 -Port 6767 -ClientPort 6868 -Name bench -ConflictCheckTimeout 0 -ErrorAction Stop
$ready = $watch.Elapsed.TotalMilliseconds
$address = $server.Tftp.EndPoints[0].Address
$watch.Restart()
$null = curl -s --max-time 5 -o /dev/null "tftp://$($address):$($server.Tftp.EndPoints[0].Port)/hello.txt"
$tftp = $watch.Elapsed.TotalMilliseconds
$watch.Restart()
$null = curl -s --max-time 5 -o /dev/null "http://$($address):$($server.Http.EndPoints[0].Port)/boot.ipxe"
$http = $watch.Elapsed.TotalMilliseconds
$jit = [System.Runtime.JitInfo]::GetCompiledMethodCount($false) - $jit
# The first proxyDHCP offer: a simulated PXE client's DISCOVER → offer (the client is this module's Test-PxeServer).
$proxy = $server.Services | Where-Object Role -eq ProxyDhcp
$steps = Test-PxeServer -Interface $env:PXE_BENCH_IFACE -Port 6767 -PxePort ($proxy.EndPoints | Select-Object -Last 1).Port -ClientPort 6868 -NoDownload -Detailed -Timeout 00:00:05
$offer = ($steps | Where-Object Step -in 'Discover', 'ProxyOffer' | Measure-Object -Sum { $_.Duration.TotalMilliseconds }).Sum
$watch.Restart()
$server | Stop-PxeServer
$stop = $watch.Elapsed.TotalMilliseconds
"RESULT import_ms=$([math]::Round($import,1)) ready_ms=$([math]::Round($ready,1)) tftp_ms=$([math]::Round($tftp,1)) http_ms=$([math]::Round($http,1)) offer_ms=$([math]::Round($offer,1)) stop_ms=$([math]::Round($stop,1)) jit=$jit"
