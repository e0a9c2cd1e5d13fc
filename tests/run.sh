#!/usr/bin/env bash
# Builds the solution and runs every xunit suite; ends with "N passed, N failed[, N skipped]".
# Usage: bash tests/run.sh [Debug|Release]   (the README's test command)
set -uo pipefail
cd "$(dirname "$0")/.."
configuration="${1:-Release}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT

if ! dotnet build PxePowerShell.sln -c "$configuration" -nologo -clp:ErrorsOnly; then
    echo "build failed"
    echo "0 passed, 1 failed"
    exit 1
fi

dotnet test PxePowerShell.sln -c "$configuration" --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Sum the per-assembly summaries: "Passed!  - Failed: 0, Passed: 24, Skipped: 0, Total: 24, ..."
read -r passed failed skipped < <(grep -E '(Passed|Failed)! +- +Failed: ' "$log" | awk -F'[:,]' '
    { failed += $2; passed += $4; skipped += $6 } END { printf "%d %d %d\n", passed, failed, skipped }')
assemblies=$(grep -cE '(Passed|Failed)! +- +Failed: ' "$log")
expected=$(grep -c '<IsTestProject>true</IsTestProject>' tests/*/*.csproj | awk -F: '{ s += $2 } END { print s }')
if [ "$assemblies" -lt "$expected" ]; then
    echo "only $assemblies of $expected test assemblies reported a summary (a test host crashed or was aborted)"
    failed=$((failed + 1))
    status=1
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
    failed=1
fi
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
