#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Acceptance tests: the examples from docs/ run for real in pwsh. Run with ./build.ps1 -Task Test.
# CI without pwsh parses this file with the PowerShell parser (tests/PxePowerShell.Module.Tests).

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/out/PxePowerShell/PxePowerShell.psd1" -Force
    $sample = "$repo/out/sample-root"
    $port = Get-Random -Minimum 20000 -Maximum 40000
}

AfterAll {
    Get-PxeServer | Stop-PxeServer
}

Describe 'Start-PxeTftpServer (docs/cmdlets/Start-PxeTftpServer.md)' {
    It 'serves the sample root to curl and reports TransferCompleted' {
        $server = Start-PxeTftpServer -Root $sample -Address 127.0.0.1 -Port $port -Name pester
        try {
            $out = Join-Path $TestDrive 'hello.txt'
            curl -s -o $out "tftp://127.0.0.1:$port/hello.txt"
            $LASTEXITCODE | Should -Be 0
            Get-Content $out -Raw | Should -Be (Get-Content "$sample/hello.txt" -Raw)
            Get-PxeEvent -Server pester -Kind TransferCompleted | Should -Not -BeNullOrEmpty
            $server.GetStatistics().CompletedTransfers | Should -BeGreaterOrEqual 1
        } finally {
            $server | Stop-PxeServer
        }
    }

    It 'refuses a path outside the root' {
        $server = Start-PxeTftpServer -Root $sample -Address 127.0.0.1 -Port ($port + 1) -Name pester-escape
        try {
            curl -s -o $TestDrive/x "tftp://127.0.0.1:$($port + 1)/../../etc/passwd"
            $LASTEXITCODE | Should -Not -Be 0
            Get-PxeEvent -Server pester-escape -Kind RequestRefused | Should -Not -BeNullOrEmpty
        } finally {
            $server | Stop-PxeServer
        }
    }
}

Describe 'Get-PxeServer and Stop-PxeServer (docs/cmdlets/*.md)' {
    It 'lists a started server and stops it through the pipeline' {
        Start-PxeTftpServer -Root $sample -Address 127.0.0.1 -Port ($port + 2) -Name pester-list | Out-Null
        (Get-PxeServer -Name pester-list).State | Should -Be 'Running'
        Get-PxeServer -Name pester-list | Stop-PxeServer
        Get-PxeServer -Name 'pester-list*' | Should -BeNullOrEmpty
    }

    It 'changes nothing with -WhatIf' {
        Start-PxeTftpServer -Root $sample -Address 127.0.0.1 -Port ($port + 3) -Name pester-whatif | Out-Null
        Stop-PxeServer -Name pester-whatif -WhatIf
        (Get-PxeServer -Name pester-whatif).State | Should -Be 'Running'
        Stop-PxeServer -Name pester-whatif
    }
}
