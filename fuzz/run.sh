#!/usr/bin/env bash
# Fuzzes one engine parser with AFL++ for a bounded time (fuzz/README.md).
# Usage: bash fuzz/run.sh <dhcp|dhcp6|tftp|http|iso> <seconds> [afl-fuzz options...]
# Builds the harness, instruments the engine with SharpFuzz, runs afl-fuzz from fuzz/corpus/<target>, prints
# executions, exec/s, crashes and hangs from fuzzer_stats, replays each crash to show its stack trace, and exits
# non-zero when afl-fuzz found a crash or a hang (or could not run).
# Environment: PXE_FUZZ_OUT (default fuzz/out): build and findings; PXE_FUZZ_NO_BUILD=1: reuse the instrumented build;
# PXE_FUZZ_RESUME=1: continue an earlier run's queue instead of starting from the seeds.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-}"
seconds="${2:-}"
case "$target" in dhcp|dhcp6|tftp|http|iso) ;; *) echo "usage: $0 <dhcp|dhcp6|tftp|http|iso> <seconds> [afl-fuzz options]" >&2; exit 2 ;; esac
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 <dhcp|dhcp6|tftp|http|iso> <seconds> [afl-fuzz options]" >&2; exit 2; }
shift 2

out="${PXE_FUZZ_OUT:-$here/out}"
bin="$out/bin"
plain="$out/plain" # the same build uninstrumented, for replaying findings outside afl-fuzz
findings="$out/findings/$target"
command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing (apt-get install afl++)" >&2; exit 1; }

if [ "${PXE_FUZZ_NO_BUILD:-}" != 1 ] || [ ! -f "$bin/.instrumented" ]; then
    # A fresh directory every time: sharpfuzz rewrites the engine in place and refuses one it already instrumented.
    rm -rf "$bin" "$plain"
    echo "building the harness into $bin"
    dotnet publish "$here/PxePowerShell.Fuzz/PxePowerShell.Fuzz.csproj" -c Release -o "$bin" -nologo -v quiet -clp:ErrorsOnly || exit 1
    cp -r "$bin" "$plain"
    (cd "$here" && dotnet tool restore >/dev/null) || { echo "dotnet tool restore failed (SharpFuzz.CommandLine)" >&2; exit 1; }
    echo "instrumenting PxePowerShell.Engine.dll"
    (cd "$here" && dotnet tool run sharpfuzz "$bin/PxePowerShell.Engine.dll") || exit 1
    touch "$bin/.instrumented"
fi

input="$here/corpus/$target"
if [ "${PXE_FUZZ_RESUME:-}" = 1 ] && [ -d "$findings/default/queue" ]; then
    input="-"
else
    rm -rf "$findings"
fi
mkdir -p "$findings"

# The target is `dotnet`, which AFL cannot see instrumented: SharpFuzz's fork server speaks AFL's protocol itself.
export AFL_SKIP_BIN_CHECK=1
# Containers and CI cannot set the CPU governor or core_pattern; neither matters for finding crashes.
export AFL_SKIP_CPUFREQ=1
export AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1
# No curses screen; no pinning to a core that another job may be using.
export AFL_NO_UI=1
export AFL_NO_AFFINITY=1
# The runtime takes a few seconds to start and JIT the harness before the fork server answers.
export AFL_FORKSRV_INIT_TMOUT=60000
# The seeds are known to be good: do not spend the time budget on re-checking them for flakiness.
export AFL_FAST_CAL=1
export AFL_CMPLOG_ONLY_NEW=1

echo "fuzzing $target for $seconds s"
started=$(date +%s)
afl-fuzz -i "$input" -o "$findings" -V "$seconds" -t 5000 -m none "$@" -- "$(command -v dotnet)" "$bin/PxePowerShell.Fuzz.dll" "$target" \
    >"$findings/afl.log" 2>&1
afl_status=$?
# The iso harness writes each input to /dev/shm/pxepowershell-fuzz-<pid>.iso; afl-fuzz kills its children, which
# cannot remove theirs.
[ "$target" = iso ] && rm -f /dev/shm/pxepowershell-fuzz-*.iso
elapsed=$(( $(date +%s) - started ))

stats="$findings/default/fuzzer_stats"
if [ ! -f "$stats" ]; then
    tail -n 40 "$findings/afl.log"
    echo "fuzz $target: afl-fuzz did not run (exit $afl_status)"
    exit 1
fi

stat() { awk -F' *: *' -v k="$1" '$1 == k { print $2 }' "$stats"; }
execs=$(stat execs_done)
speed=$(stat execs_per_sec)
crashes=$(stat saved_crashes); crashes=${crashes:-$(stat unique_crashes)}
hangs=$(stat saved_hangs); hangs=${hangs:-$(stat unique_hangs)}
paths=$(stat corpus_count); paths=${paths:-$(stat paths_total)}
stability=$(stat stability)
echo "fuzz $target: ${execs} executions in ${elapsed} s (${speed} exec/s), corpus ${paths}, stability ${stability}, crashes ${crashes}, hangs ${hangs}"

if [ "${crashes:-0}" -gt 0 ]; then
    echo "crashing inputs are in $findings/default/crashes; replaying them:"
    dotnet "$plain/PxePowerShell.Fuzz.dll" "$target" "$findings/default/crashes" | grep -v '^ok ' | head -n 60
fi
if [ "${hangs:-0}" -gt 0 ]; then
    echo "inputs that hung (over 5 s) are in $findings/default/hangs"
fi
[ "${crashes:-0}" -eq 0 ] && [ "${hangs:-0}" -eq 0 ] && [ "$afl_status" -eq 0 ]
