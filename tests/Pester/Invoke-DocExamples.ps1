#Requires -Version 7.4
<#
.SYNOPSIS
    Runs every documentation example (DocExamples.psm1) and writes one result per example to a JSON file.
.DESCRIPTION
    Examples.Tests.ps1 starts this script inside a network namespace it created (interfaces eth0, eth1 and lab0, real
    ports 67, 69, 80 and 4011) with private overlays on /etc, /srv and /var/lib, so an example runs as written
    (Start-PxeServer -Root /srv/tftp -Interface eth0 -Wait ...). Each example runs in a fresh runspace of this pwsh with
    the built module imported, in its own working folder (the fixtures: ISO images, a netboot tarball, a hand-written
    pxelinux menu, a dnsmasq.conf, CSV files) and its own data directory. An example with -Wait runs until its servers
    are up, then DocExamples.Cases.ps1's During script exercises it, then it is stopped as Ctrl+C stops it.
#>
param(
    [Parameter(Mandatory)] [string] $RepoRoot,
    [Parameter(Mandatory)] [string] $Work,
    [Parameter(Mandatory)] [string] $ResultPath,
    [string[]] $Id = '*'
)

$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot 'DocExamples.psm1') -Force
$manifest = Join-Path $RepoRoot 'out/PxePowerShell/PxePowerShell.psd1'
Import-Module $manifest
$cases = & (Join-Path $PSScriptRoot 'DocExamples.Cases.ps1')
$fixtures = Join-Path $Work 'fixtures'
. (Join-Path $PSScriptRoot 'DocExamples.Fixtures.ps1')
New-DocExampleFixture -Path $fixtures -RepoRoot $RepoRoot

function Wait-Condition([scriptblock] $Condition, [timespan] $Timeout) {
    $deadline = [datetime]::UtcNow + $Timeout
    while (-not (& $Condition)) {
        if ([datetime]::UtcNow -gt $deadline) { return $false }
        [Threading.Thread]::Sleep(100)   # bounded poll of observable state (servers, files): no notification exists
    }
    $true
}

function Format-ErrorRecord($record) { "[$($record.FullyQualifiedErrorId)] $($record.Exception.Message)" }

$results = [ordered]@{}
foreach ($example in Get-PxeDocExample -RepoRoot $RepoRoot | Where-Object { $exampleId = $_.Id; $Id | Where-Object { $exampleId -like $_ } }) {
    $case = $cases[$example.Id]
    if (-not $case) { $case = @{} }
    if ($case.Skip) { continue }
    $dir = Join-Path $Work ($example.Id -replace '[^A-Za-z0-9.-]', '_')
    Reset-DocExampleFolder -Path $dir -Fixtures $fixtures
    $env:PXEPOWERSHELL_DATA = Join-Path $dir '.pxe-data'
    $errors = [Collections.Generic.List[string]]::new()
    $output = ''
    $timedOut = $false
    $stopwatch = [Diagnostics.Stopwatch]::StartNew()
    $runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
    $runspace.Open()
    try {
        $arrange = [powershell]::Create()
        $arrange.Runspace = $runspace
        $null = $arrange.AddScript("Set-Location -LiteralPath '$dir'; Import-Module '$manifest' -ErrorAction Stop`n$($case.Arrange)").Invoke()
        foreach ($e in $arrange.Streams.Error) { $errors.Add('arrange: ' + (Format-ErrorRecord $e)) }
        $arrange.Dispose()

        $wait = $example.Code -match '(?m)-Wait\b' -and -not $case.NoWait
        $shell = [powershell]::Create()
        $shell.Runspace = $runspace
        $script = if ($wait) { $example.Code } else { "& {`n$($example.Code)`n} | Out-String -Width 160" }
        $null = $shell.AddScript($script)
        $collected = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $async = $shell.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]$null, $collected)
        if ($wait) {
            # Up when the servers it starts are all running and their number holds for a second (Start-PxeServer starts
            # several), or at once when it starts none (Get-PxeEvent -Wait).
            $last = -1; $since = [datetime]::UtcNow
            $up = Wait-Condition {
                if ($async.IsCompleted) { return $true }
                $count = @(Get-PxeServer | Where-Object State -eq Running).Count
                if ($count -ne $script:last) { $script:last = $count; $script:since = [datetime]::UtcNow }
                ($count -gt 0 -or $case.NoServer) -and ([datetime]::UtcNow - $script:since).TotalSeconds -ge 1
            } ([timespan]::FromSeconds(90))
            if ($async.IsCompleted) {
                $errors.Add('the -Wait pipeline ended by itself before it was stopped')
            } elseif (-not $up) {
                $timedOut = $true
            } elseif ($case.During) {
                Push-Location -LiteralPath $dir
                $global:LASTEXITCODE = 0
                try { & ([scriptblock]::Create($case.During)) } catch { $errors.Add("during: $_") } finally { Pop-Location }
                if ($LASTEXITCODE -ne 0) { $errors.Add("during: $($case.During) exited with $LASTEXITCODE") }
            }
            if ($case.EndByStopPxeServer -and -not $async.IsCompleted) {
                # Stop-PxeServer from another session ends a -Wait pipeline after it has written every event the
                # server published (Ctrl+C may come before the last one is written), so boots.csv has the transfer.
                Get-PxeServer | Stop-PxeServer
                if (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(60))) { $errors.Add('the -Wait pipeline did not end within 60 s of Stop-PxeServer') }
            }
            $stop = $shell.BeginStop($null, $null)
            if (-not $stop.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(60))) { $errors.Add('Ctrl+C did not stop the pipeline within 60 s') }
        } elseif (-not $async.AsyncWaitHandle.WaitOne([timespan]::FromSeconds(120))) {
            $timedOut = $true
            $null = $shell.BeginStop($null, $null).AsyncWaitHandle.WaitOne([timespan]::FromSeconds(60))
        }
        try { $null = $shell.EndInvoke($async) }
        catch [System.Management.Automation.PipelineStoppedException] { }
        catch {
            $record = if ($_.Exception.InnerException -is [System.Management.Automation.IContainsErrorRecord]) { $_.Exception.InnerException.ErrorRecord } else { $_ }
            $errors.Add((Format-ErrorRecord $record))
        }
        foreach ($e in $shell.Streams.Error) { $errors.Add((Format-ErrorRecord $e)) }
        $output = if ($wait) { "$($collected.Count) objects" } else { -join $collected }
        $shell.Dispose()

        if ($case.Assert) {
            $check = [powershell]::Create()
            $check.Runspace = $runspace
            $runspace.SessionStateProxy.SetVariable('ExampleOutput', $output)
            $verdict = $check.AddScript($case.Assert).Invoke()
            foreach ($e in $check.Streams.Error) { $errors.Add('assert: ' + (Format-ErrorRecord $e)) }
            if (-not ($verdict -and ($verdict | Where-Object { -not $_ }).Count -eq 0)) { $errors.Add("assert failed: $($case.Assert) returned '$verdict'") }
            $check.Dispose()
        }
    }
    catch {
        $errors.Add("runner: $_")
    }
    finally {
        if ($case.Cleanup) {
            $clean = [powershell]::Create()
            $clean.Runspace = $runspace
            $null = $clean.AddScript("Set-Location -LiteralPath '$dir'`n$($case.Cleanup)").Invoke()
            foreach ($e in $clean.Streams.Error) { $errors.Add('cleanup: ' + (Format-ErrorRecord $e)) }
            $clean.Dispose()
        }
        # What an example leaves running is stopped, so the next one starts clean; a stop that fails is a failure.
        try { Get-PxeServer | Stop-PxeServer -ErrorAction Stop } catch { $errors.Add("cleanup: $_") }
        Get-PxeIso | Dismount-PxeIso -ErrorAction SilentlyContinue
        $runspace.Dispose()
    }
    $results[$example.Id] = [ordered]@{
        Errors   = @($errors)
        TimedOut = $timedOut
        Output   = if ($output.Length -gt 4000) { $output.Substring(0, 4000) } else { $output }
        Seconds  = [math]::Round($stopwatch.Elapsed.TotalSeconds, 2)
    }
    Write-Host ("{0,-45} {1,6:n1} s  {2}" -f $example.Id, $stopwatch.Elapsed.TotalSeconds, $(if ($errors.Count -or $timedOut) { 'FAILED' } else { 'ok' }))
}

$results | ConvertTo-Json -Depth 5 | Set-Content -LiteralPath $ResultPath
