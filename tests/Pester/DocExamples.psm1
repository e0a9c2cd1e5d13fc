# The examples the documentation shows, as the Pester suite executes them (Examples.Tests.ps1):
#  - docs/cmdlets/<Cmdlet>.md: each "### Example N: title" under "## EXAMPLES" with its fenced ```powershell block,
#  - docs/examples/*.ps1: each file whole,
#  - README.md and the topic pages docs/*.md: each fenced ```powershell block.
# Each example has a stable Id (Get-PxeClient#2, examples/memtest86.ps1, README.md#1) that DocExamples.Cases.ps1 uses.

function Get-PxeDocExample {
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $RepoRoot)

    foreach ($file in Get-ChildItem (Join-Path $RepoRoot 'docs/cmdlets') -Filter *.md | Sort-Object Name) {
        $lines = Get-Content $file.FullName
        $cmdlet = $file.BaseName
        $inExamples = $false
        $title = $null
        $number = 0
        for ($i = 0; $i -lt $lines.Count; $i++) {
            $line = $lines[$i]
            if ($line -match '^## ') { $inExamples = $line -match '^## EXAMPLES\s*$'; continue }
            if (-not $inExamples) { continue }
            if ($line -match '^### (Example (\d+).*)$') { $title = $Matches[1]; $number = [int]$Matches[2]; continue }
            if ($line -match '^```powershell\s*$' -and $title) {
                $block = for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^```\s*$'; $i++) { $lines[$i] }
                [pscustomobject]@{ Id = "$cmdlet#$number"; Source = "docs/cmdlets/$($file.Name)"; Title = $title; Code = $block -join "`n" }
                $title = $null
            }
        }
    }

    foreach ($file in Get-ChildItem (Join-Path $RepoRoot 'docs/examples') -Filter *.ps1 | Sort-Object Name) {
        [pscustomobject]@{ Id = "examples/$($file.Name)"; Source = "docs/examples/$($file.Name)"; Title = (Get-Content $file.FullName -TotalCount 1).TrimStart('# '); Code = Get-Content $file.FullName -Raw }
    }

    $pages = @(Get-Item (Join-Path $RepoRoot 'README.md')) + @(Get-ChildItem (Join-Path $RepoRoot 'docs') -Filter *.md | Sort-Object Name)
    foreach ($file in $pages) {
        $lines = Get-Content $file.FullName
        $number = 0
        $relative = [IO.Path]::GetRelativePath($RepoRoot, $file.FullName).Replace('\', '/')
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -notmatch '^```powershell\s*$') { continue }
            $number++
            $block = for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^```\s*$'; $i++) { $lines[$i] }
            [pscustomobject]@{ Id = "$relative#$number"; Source = $relative; Title = "block $number"; Code = $block -join "`n" }
        }
    }
}

Export-ModuleMember -Function Get-PxeDocExample
