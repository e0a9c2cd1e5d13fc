#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Every example of the documentation, executed: each "### Example N" of docs/cmdlets/*.md, each docs/examples/*.ps1 and
# each PowerShell block of README.md and docs/*.md (DocExamples.psm1), one It per example. They run as written, with the
# real cmdlets of pwsh, in one pwsh (Invoke-DocExamples.ps1) inside a network namespace this file creates: interfaces
# eth0, eth1 and lab0 with the subnets the examples name, the real ports, and private overlays on /etc, /srv and
# /var/lib, so /srv/tftp, /etc/dnsmasq.conf and /etc/pxepowershell are the test's own. DocExamples.Cases.ps1 says what
# an example needs around it and lists, with the reason, the ones that cannot run here. Needs root and iproute2.

BeforeDiscovery {
    Import-Module "$PSScriptRoot/DocExamples.psm1" -Force
    # Hashtables, so that -ForEach makes $Id, $Title and $Source variables of each It.
    $examples = Get-PxeDocExample -RepoRoot (Resolve-Path "$PSScriptRoot/../..").Path | ForEach-Object { @{ Id = $_.Id; Title = $_.Title; Source = $_.Source } }
}

BeforeAll {
    $repo = (Resolve-Path "$PSScriptRoot/../..").Path
    $cases = & "$PSScriptRoot/DocExamples.Cases.ps1"
    $id = (New-Guid).ToString('N').Substring(0, 6)
    $ns = "pxd-$id"
    $work = Join-Path $TestDrive 'examples'
    $results = @{}
    $runnerLog = ''
    New-Item -ItemType Directory -Force "$work/overlay" | Out-Null
    ip netns add $ns
    if ($LASTEXITCODE -ne 0) { throw "ip netns add $ns failed (needs root and iproute2)" }
    ip -n $ns link set lo up
    foreach ($link in @{ Name = 'eth0'; Address = '192.168.0.1/24' }, @{ Name = 'eth1'; Address = '10.0.5.1/24' }, @{ Name = 'lab0'; Address = '10.10.0.1/24' }) {
        ip -n $ns link add $link.Name type veth peer name "$($link.Name)-peer"
        ip -n $ns addr add $link.Address dev $link.Name
        ip -n $ns link set $link.Name up
        ip -n $ns link set "$($link.Name)-peer" up
        if ($LASTEXITCODE -ne 0) { throw "could not set up $($link.Name) in $ns" }
    }
    # Private overlays exist only in the runner's mount namespace (ip netns exec makes one); nothing reaches the host.
    $overlays = foreach ($dir in 'etc', 'srv', 'var/lib') {
        "mkdir -p '$work/overlay/$dir/u' '$work/overlay/$dir/w' && mount -t overlay overlay -o lowerdir=/$dir,upperdir='$work/overlay/$dir/u',workdir='$work/overlay/$dir/w' /$dir"
    }
    $resultPath = Join-Path $work 'results.json'
    $pwsh = (Get-Process -Id $PID).Path
    $pwshArguments = if ([IO.Path]::GetFileNameWithoutExtension($pwsh) -eq 'dotnet') { "'$pwsh' '$([Environment]::GetCommandLineArgs()[0])'" } else { "'$pwsh'" }
    $command = ($overlays -join ' && ') + " && exec $pwshArguments -NoProfile -NonInteractive -File '$PSScriptRoot/Invoke-DocExamples.ps1' -RepoRoot '$repo' -Work '$work' -ResultPath '$resultPath'"
    $runnerLog = ip netns exec $ns bash -c $command 2>&1 | Out-String
    if (Test-Path $resultPath) { $results = Get-Content $resultPath -Raw | ConvertFrom-Json -AsHashtable }
}

AfterAll {
    ip netns del $ns 2>$null
}

Describe 'Documentation examples' {
    It '<Id>: <Title>' -ForEach $examples {
        $case = $cases[$Id]
        if ($case.Skip) {
            Set-ItResult -Skipped -Because $case.Skip
            return
        }
        $result = $results[$Id]
        $result | Should -Not -BeNullOrEmpty -Because "the runner reports every example it ran: $runnerLog"
        $failures = @($result.Errors) + @(if ($result.TimedOut) { 'did not finish (or its servers did not come up) in time' })
        if ($case.Known -and $failures.Count -gt 0) {
            Set-ItResult -Skipped -Because "known cmdlet bug: $($case.Known)"
            return
        }
        $failures -join "`n" | Should -BeNullOrEmpty -Because "$Source runs as written. Output: $($result.Output)"
    }
}
