#!/usr/bin/env bash
# Start-up benchmark: how fast PxePowerShell is ready to serve, against dnsmasq in the same run.
#
#   sudo bench/startup/run.sh [RUNS]      (default 5; medians are reported)
#
# Inside a private network namespace (veth with 10.205.0.1/24), per run:
#   1. in-process (pxeps, fresh process each run): cold Import-Module of out/PxePowerShell, Start-PxeServer
#      (proxyDHCP + TFTP + HTTP) until every part listens, Stop-PxeServer;
#   2. process start to first byte served, the number an admin sees: from spawning the server process until
#      `curl tftp://10.205.0.1/hello.txt` succeeds (curl retried every 20 ms), for
#      pxeps running Start-PxeServer (proxyDHCP + TFTP + HTTP) and dnsmasq (proxyDHCP + TFTP, --keep-in-foreground).
# Needs: root, dotnet (the solution built in Release: dotnet build PxePowerShell.sln -c Release), curl, dnsmasq.
set -euo pipefail

RUNS="${1:-5}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
PXEPS="$REPO/src/PxePowerShell.Host/bin/Release/net10.0/pxeps.dll"
MANIFEST="$REPO/out/PxePowerShell/PxePowerShell.psd1"
SAMPLE="$REPO/out/sample-root"

if [[ "${PXE_BENCH_INSIDE:-}" != 1 ]]; then
    [[ $(id -u) == 0 ]] || { echo "run.sh needs root (it creates a network namespace)" >&2; exit 1; }
    [[ -f "$PXEPS" && -f "$MANIFEST" ]] || dotnet build "$REPO/PxePowerShell.sln" -c Release -nologo -v q >/dev/null
    NS="pxestart$$"
    ip netns add "$NS"
    trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
    ip netns exec "$NS" ip link set lo up
    ip netns exec "$NS" ip link add sb0 type veth peer name sb1
    ip netns exec "$NS" ip addr add 10.205.0.1/24 dev sb0
    ip netns exec "$NS" ip link set sb0 up
    ip netns exec "$NS" ip link set sb1 up
    PXE_BENCH_INSIDE=1 ip netns exec "$NS" "$0" "$RUNS"
    exit $?
fi

export DOTNET_NOLOGO=1 PXE_BENCH_MANIFEST="$MANIFEST" PXE_BENCH_ROOT="$SAMPLE" PXE_BENCH_IFACE=sb0
export PXEPOWERSHELL_DATA="$(mktemp -d /tmp/pxe-start-bench.XXXXXX)"
trap 'rm -rf "$PXEPOWERSHELL_DATA"' EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
now_ms() { date +%s%3N; }

# Milliseconds from running "$@" in the background until curl fetches hello.txt over TFTP; the server is then killed.
time_to_first_byte() {
    local start end pid
    start=$(now_ms)
    "$@" >/dev/null 2>&1 &
    pid=$!
    until curl -s --max-time 1 -o /dev/null tftp://10.205.0.1/hello.txt; do
        kill -0 "$pid" 2>/dev/null || { echo "server exited early: $*" >&2; return 1; }
        sleep 0.02
    done
    end=$(now_ms)
    kill -TERM "$pid"; wait "$pid" 2>/dev/null || true
    echo $((end - start))
}

imports=() readies=() stops=() ours=() theirs=()
for ((i = 1; i <= RUNS; i++)); do
    line=$(dotnet "$PXEPS" -Module "$HERE/empty.psd1" -File "$HERE/measure.ps1" | grep '^RESULT')
    imports+=("$(sed -E 's/.*import_ms=([0-9.]+).*/\1/' <<<"$line")")
    readies+=("$(sed -E 's/.*ready_ms=([0-9.]+).*/\1/' <<<"$line")")
    stops+=("$(sed -E 's/.*stop_ms=([0-9.]+).*/\1/' <<<"$line")")
    ours+=("$(time_to_first_byte dotnet "$PXEPS" -Command "Start-PxeServer -Root '$SAMPLE' -Interface sb0 -Http -HttpPort 8080 -Name bench -Wait")")
    theirs+=("$(time_to_first_byte dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --interface=sb0 --bind-interfaces \
        --dhcp-range=10.205.0.0,proxy --pxe-service=x86PC,'Network Boot',pxelinux --enable-tftp --tftp-root="$SAMPLE" \
        --pid-file= --log-facility="$PXEPOWERSHELL_DATA/dnsmasq.log")")  # never /dev/null: dnsmasq deletes its pid file on exit
done

imp=$(printf '%s\n' "${imports[@]}" | median)
rdy=$(printf '%s\n' "${readies[@]}" | median)
stp=$(printf '%s\n' "${stops[@]}" | median)
our=$(printf '%s\n' "${ours[@]}" | median)
dns=$(printf '%s\n' "${theirs[@]}" | median)
echo "runs: $RUNS (medians)"
printf 'Import-Module (cold, in a fresh process)          %8s ms\n' "$imp"
printf 'Start-PxeServer until every part listens          %8s ms\n' "$rdy"
printf 'Stop-PxeServer                                    %8s ms\n' "$stp"
printf 'process start -> first TFTP byte: pxeps           %8s ms   (runtime + PowerShell + module + server)\n' "$our"
printf 'process start -> first TFTP byte: dnsmasq         %8s ms\n' "$dns"
awk -v o="$our" -v d="$dns" 'BEGIN { printf "ratio pxeps / dnsmasq (time to first byte)       %8.1fx\n", o / d }'
