#!/usr/bin/env bash
# Start-up benchmark: how fast PxePowerShell is ready to serve in pwsh, against dnsmasq in the same run.
#
#   sudo bench/startup/run.sh [RUNS]      (default 5; medians are reported)
#
# Inside a private network namespace (veth with 10.205.0.1/24), per run and for two builds of the module — the one in
# out/PxePowerShell (IL, tiered JIT) and a copy whose assemblies are compiled ReadyToRun for linux-x64 (made here with
# dotnet publish -p:PublishReadyToRun=true) — :
#   1. in pwsh (the pinned tool, fresh process each run, bench/startup/measure.ps1): cold Import-Module, Start-PxeServer
#      (proxyDHCP + TFTP + HTTP) until every part listens, the first TFTP answer and the first HTTP answer (curl),
#      the first proxyDHCP offer (DISCOVER → offer, Test-PxeServer), Stop-PxeServer, and the number of methods the JIT compiled meanwhile;
#   2. process start to first byte served, the number an admin sees: from spawning pwsh -Command 'Import-Module …;
#      Start-PxeServer … -Wait' until `curl tftp://10.205.0.1/hello.txt` succeeds (curl retried every 20 ms); the same
#      for dnsmasq (proxyDHCP + TFTP, --keep-in-foreground).
# Needs: root, dotnet (dotnet tool restore; the module built in Release: dotnet build src/PxePowerShell -c Release),
# curl, dnsmasq.
set -euo pipefail

RUNS="${1:-5}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
MODULE="$REPO/out/PxePowerShell"
R2R="$REPO/out/bench-r2r/PxePowerShell"
SAMPLE="$REPO/out/sample-root"
PWSH_VERSION=$(sed -nE '/"powershell"/,/version/ s/.*"version": *"([^"]+)".*/\1/p' "$REPO/.config/dotnet-tools.json")
PWSH="${NUGET_PACKAGES:-$HOME/.nuget/packages}/powershell/$PWSH_VERSION/tools/net10.0/any/unix/pwsh.dll"

if [[ "${PXE_BENCH_INSIDE:-}" != 1 ]]; then
    [[ $(id -u) == 0 ]] || { echo "run.sh needs root (it creates a network namespace)" >&2; exit 1; }
    (cd "$REPO" && dotnet tool restore >/dev/null)
    [[ -f "$MODULE/PxePowerShell.psd1" ]] || dotnet build "$REPO/src/PxePowerShell" -c Release -nologo -v q >/dev/null
    # The ReadyToRun copy: the same module folder with the ReadyToRun-compiled assemblies in place of the IL ones.
    rm -rf "$R2R" "$REPO/out/bench-r2r/publish"
    dotnet publish "$REPO/src/PxePowerShell" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true \
        -p:ModuleOutDir="$REPO/out/bench-r2r/layout/" -o "$REPO/out/bench-r2r/publish" -nologo -v q >/dev/null
    cp -r "$MODULE" "$R2R"
    for dll in "$REPO"/out/bench-r2r/publish/*.dll; do
        [[ -f "$R2R/$(basename "$dll")" ]] && cp "$dll" "$R2R/"
    done
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

export DOTNET_NOLOGO=1 PXE_BENCH_ROOT="$SAMPLE" PXE_BENCH_IFACE=sb0 POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off
export PXEPOWERSHELL_DATA="$(mktemp -d /tmp/pxe-start-bench.XXXXXX)"
trap 'rm -rf "$PXEPOWERSHELL_DATA"' EXIT

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR % 2) print a[(NR + 1) / 2]; else printf "%.1f\n", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
now_ms() { date +%s%3N; }
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

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

declare -A results
for ((i = 1; i <= RUNS; i++)); do
    for variant in il r2r; do
        dir=$MODULE; [[ $variant == r2r ]] && dir=$R2R
        line=$(PXE_BENCH_MANIFEST="$dir/PxePowerShell.psd1" dotnet "$PWSH" -NoProfile -NonInteractive -File "$HERE/measure.ps1" | grep '^RESULT')
        for key in import_ms ready_ms tftp_ms http_ms offer_ms stop_ms jit; do
            results[$variant.$key]+="$(field $key "$line") "
        done
        results[$variant.ttfb]+="$(time_to_first_byte dotnet "$PWSH" -NoProfile -NonInteractive -Command \
            "Import-Module '$dir/PxePowerShell.psd1'; Start-PxeServer -Root '$SAMPLE' -Interface sb0 -Http -HttpPort 8080 -Name bench -Wait") "
    done
    results[dnsmasq.ttfb]+="$(time_to_first_byte dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 --interface=sb0 --bind-interfaces \
        --dhcp-range=10.205.0.0,proxy --pxe-service=x86PC,'Network Boot',pxelinux --enable-tftp --tftp-root="$SAMPLE" \
        --pid-file= --log-facility="$PXEPOWERSHELL_DATA/dnsmasq.log") "  # never /dev/null: dnsmasq deletes its pid file on exit
done

m() { tr ' ' '\n' <<<"${results[$1]}" | grep . | median; }
all() { echo "${results[$1]}" | sed 's/ *$//'; }
echo "runs: $RUNS (medians; every run in brackets)    IL (tiered JIT + warm-up)  |  ReadyToRun (linux-x64)"
row() { printf '%-48s %9s ms  %9s ms   [%s | %s]\n' "$1" "$(m il.$2)" "$(m r2r.$2)" "$(all il.$2)" "$(all r2r.$2)"; }
row 'Import-Module, cold (pwsh)' import_ms
row 'Start-PxeServer until every part listens' ready_ms
row 'first TFTP answer after start (curl)' tftp_ms
row 'first HTTP answer after start (curl)' http_ms
row 'first proxyDHCP offer (Test-PxeServer)' offer_ms
row 'Stop-PxeServer' stop_ms
printf '%-48s %9s     %9s      [%s | %s]\n' 'methods JIT-compiled (import .. first answers)' "$(m il.jit)" "$(m r2r.jit)" "$(all il.jit)" "$(all r2r.jit)"
row 'process start -> first TFTP byte: pwsh' ttfb
printf '%-48s %9s ms   [%s]\n' 'process start -> first TFTP byte: dnsmasq' "$(m dnsmasq.ttfb)" "$(all dnsmasq.ttfb)"
