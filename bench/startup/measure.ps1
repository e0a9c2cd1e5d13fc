# Run by bench/startup/run.sh in a fresh pxeps process whose own module import was skipped (empty.psd1):
# times a cold Import-Module of PxePowerShell, then Start-PxeServer until every part listens, then Stop-PxeServer.
param()
$manifest = $env:PXE_BENCH_MANIFEST
$root = $env:PXE_BENCH_ROOT
$watch = [System.Diagnostics.Stopwatch]::StartNew()
Import-Module $manifest -ErrorAction Stop
$import = $watch.Elapsed.TotalMilliseconds
$watch.Restart()
$server = Start-PxeServer -Root $root -Interface $env:PXE_BENCH_IFACE -TftpPort 0 -Http -HttpPort 0 -PxePort 0 -Port 6767 -ClientPort 6868 -Name bench -ErrorAction Stop
$ready = $watch.Elapsed.TotalMilliseconds
$watch.Restart()
$server | Stop-PxeServer
$stop = $watch.Elapsed.TotalMilliseconds
"RESULT import_ms=$([math]::Round($import,1)) ready_ms=$([math]::Round($ready,1)) stop_ms=$([math]::Round($stop,1))"
