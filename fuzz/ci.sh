#!/usr/bin/env bash
# The CI-bounded fuzz run (fuzz/README.md): builds and instruments the harness once, then fuzzes every target for
# PXE_FUZZ_SECONDS (default 45) seconds from the seed corpora. Fails when any target crashes, hangs or cannot run.
# Takes about 3.5 minutes (measured 3 min 21 s on 2 shared cores): ~20 s to build and instrument, then 4 x ~46 s.
# Needs afl-fuzz (apt-get install afl++) and the .NET SDK; the sharpfuzz tool restores from NuGet (fuzz/dotnet-tools.json).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
seconds="${PXE_FUZZ_SECONDS:-45}"
export PXE_FUZZ_OUT="${PXE_FUZZ_OUT:-$here/out/ci}"
unset PXE_FUZZ_RESUME

failed=()
first=1
for target in ${PXE_FUZZ_TARGETS:-dhcp dhcp6 tftp http iso}; do
    if [ "$first" = 1 ]; then
        # The first run builds and instruments; the others reuse that build.
        PXE_FUZZ_NO_BUILD=0 bash "$here/run.sh" "$target" "$seconds" || failed+=("$target")
        first=0
    else
        PXE_FUZZ_NO_BUILD=1 bash "$here/run.sh" "$target" "$seconds" || failed+=("$target")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]} (findings under $PXE_FUZZ_OUT/findings; replay: dotnet $PXE_FUZZ_OUT/plain/PxePowerShell.Fuzz.dll <target> <file>)"
    exit 1
fi
echo "fuzz: every target ran ${seconds} s without a crash or hang"
