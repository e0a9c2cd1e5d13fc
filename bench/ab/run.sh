#!/usr/bin/env bash
# A/B of our own servers across two commits: did a change (a refactor) cost speed?
# Builds the TFTP and HTTP bench servers and the DHCP test host of both commits (git worktrees in a temp directory)
# and measures them in alternation, A B A B ..., so both see the same load of the machine; prints each run, the
# medians and the ratio B/A (above 1: B is faster). Peers are not measured here: bench/tftp, bench/http and bench/dhcp
# compare us with dnsmasq, tftpd-hpa, atftpd and nginx.
#   1. TFTP lock-step, blksize 1468, 100 MiB, curl              (MB/s)
#   2. TFTP 200 concurrent 10 MiB downloads, tftpload           (aggregate MB/s)
#   3. HTTP one 1 GiB download, curl                            (MiB/s)
#   4. proxyDHCP, 20,000 PXE DISCOVERs unthrottled, loadgen     (answers/s; loss %)
# Usage: sudo bench/ab/run.sh [REV_A] [REV_B] [ROUNDS]   (defaults fad6bd1, HEAD, 5)
# Needs root (network namespaces), the .NET SDK, cc, curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
REPO=$PWD
A=${1:-fad6bd1} B=${2:-HEAD} ROUNDS=${3:-5}
[[ $(id -u) == 0 ]] || { echo "run.sh needs root (it creates network namespaces)" >&2; exit 1; }
ID=$RANDOM
NS=pxab$ID SRV=pxab-srv-$ID CLI=pxab-cli-$ID VS=pxabs$ID VC=pxabc$ID
WORK=$(mktemp -d /tmp/pxe-ab.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true
  for ns in "$NS" "$SRV" "$CLI"; do ip netns del "$ns" 2>/dev/null || true; done
  for side in a b; do git -C "$REPO" worktree remove --force "$WORK/$side" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

build() { # side rev
  git -C "$REPO" worktree add -q --detach "$WORK/$1" "$2"
  dotnet build -c Release -o "$WORK/bin-$1/tftp" "$WORK/$1/bench/tftp/TftpBenchServer" -nologo -v q >/dev/null
  dotnet build -c Release -o "$WORK/bin-$1/http" "$WORK/$1/bench/http/HttpBenchServer" -nologo -v q >/dev/null
  dotnet build -c Release -o "$WORK/bin-$1/dhcp" "$WORK/$1/tests/PxePowerShell.DhcpTestHost" -nologo -v q >/dev/null
}
echo "# building A=$(git rev-parse --short "$A") and B=$(git rev-parse --short "$B")" >&2
build a "$A"; build b "$B"
dotnet build -c Release -o "$WORK/loadgen" bench/dhcp/loadgen -nologo -v q >/dev/null
cc -O2 -o "$WORK/tftpload" bench/tftp/tftpload.c

ROOT=$WORK/root; OUT=$WORK/out; mkdir -p "$ROOT" "$OUT"
head -c $((100 << 20)) /dev/urandom > "$ROOT/f100m"
head -c $((10 << 20)) /dev/urandom > "$ROOT/f10m"
head -c $((1 << 30)) /dev/urandom > "$ROOT/big.bin"
chmod -R a+rX "$WORK"

# TFTP and HTTP on the loopback of a private namespace; DHCP over a veth between two more.
ip netns add "$NS"; ip -n "$NS" link set lo up
source bench/lib/veth.sh
veth_pair "$SRV" "$CLI" "$VS" "$VC" 10.206.0.1/24 10.206.0.2/24
IN() { ip netns exec "$NS" "$@"; }

now() { date +%s.%N; }
wait_url() { for _ in $(seq 200); do curl -s -m 1 -o /dev/null "$1" && return 0; sleep 0.05; done; echo "nothing answers $1" >&2; exit 1; }
start() { ip netns exec "$NS" "$@" >/dev/null 2>&1 & SERVER_PID=$!; PIDS+=("$SERVER_PID"); } # the server itself, so that kill reaches it
stop() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

tftp_single() { # side -> MB/s
  start dotnet "$WORK/bin-$1/tftp/TftpBenchServer.dll" "$ROOT" 6969 5000
  IN bash -c "$(declare -f wait_url); wait_url tftp://127.0.0.1:6969/f10m"
  local t0 t1; rm -f "$OUT/single"; t0=$(now)
  IN curl -s --tftp-blksize 1468 -o "$OUT/single" tftp://127.0.0.1:6969/f100m; t1=$(now)
  cmp -s "$OUT/single" "$ROOT/f100m" && awk -v s="$(echo "$t1 - $t0" | bc -l)" 'BEGIN { printf "%.1f\n", 104857600 / s / 1e6 }' || echo 0
  stop
}
tftp_load() { # side -> aggregate MB/s of 200 x 10 MiB
  start dotnet "$WORK/bin-$1/tftp/TftpBenchServer.dll" "$ROOT" 6969 5000
  IN bash -c "$(declare -f wait_url); wait_url tftp://127.0.0.1:6969/f10m"
  IN "$WORK/tftpload" 127.0.0.1 6969 f10m "$ROOT/f10m" 200 1468 | awk '{ print ($2 == 0) ? $1 : 0 }'
  stop
}
http_single() { # side -> MiB/s
  start dotnet "$WORK/bin-$1/http/HttpBenchServer.dll" "$ROOT" 18480
  IN bash -c "$(declare -f wait_url); wait_url http://127.0.0.1:18480/f10m"
  IN curl -s -o /dev/null -w '%{speed_download}\n' http://127.0.0.1:18480/big.bin | awk '{ printf "%.0f\n", $1 / 1048576 }'
  stop
}
dhcp_proxy() { # side -> answers/s (loss %)
  coproc SERVER { exec ip netns exec "$SRV" dotnet "$WORK/bin-$1/dhcp/PxePowerShell.DhcpTestHost.dll" proxy "$VS" 67 4011; }
  local pid=$SERVER_PID line r; PIDS+=("$pid")
  read -r line <&"${SERVER[0]}"; [[ $line == READY* ]] || { echo "DHCP host did not start: $line" >&2; exit 1; }
  ip netns exec "$CLI" dotnet "$WORK/loadgen/PxeDhcpLoadGen.dll" "$VC" 67 5000 5000 0 500 >/dev/null # warm-up
  r=$(ip netns exec "$CLI" dotnet "$WORK/loadgen/PxeDhcpLoadGen.dll" "$VC" 67 20000 0 0 2000)
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  sed -E 's/.*"loss_pct":([0-9.]+).*"answers_per_s":([0-9]+).*/\2 \1/' <<<"$r"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
declare -A RUNS
echo "# A/B, $ROUNDS rounds, alternating A and B; load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  for side in a b; do
    RUNS[tftp1-$side]+="$(tftp_single $side) "
    RUNS[tftp200-$side]+="$(tftp_load $side) "
    RUNS[http-$side]+="$(http_single $side) "
    d=$(dhcp_proxy $side); RUNS[dhcp-$side]+="${d%% *} "; RUNS[loss-$side]+="${d##* } "
  done
  echo "# round $round done, load $(cut -d' ' -f1 /proc/loadavg)" >&2
done
row() { # key label unit
  local ma mb; ma=$(tr ' ' '\n' <<<"${RUNS[$1-a]}" | grep -v '^$' | median); mb=$(tr ' ' '\n' <<<"${RUNS[$1-b]}" | grep -v '^$' | median)
  printf '| %s | %s %s [%s] | %s %s [%s] | %s |\n' "$2" "$ma" "$3" "$(echo ${RUNS[$1-a]} | sed 's/ /, /g')" "$mb" "$3" \
    "$(echo ${RUNS[$1-b]} | sed 's/ /, /g')" "$(awk -v a="$ma" -v b="$mb" 'BEGIN { printf (a > 0) ? "%.2f" : "-", b / a }')"
}
echo "| measurement | A $(git rev-parse --short "$A") (median [runs]) | B $(git rev-parse --short "$B") (median [runs]) | B/A |"
echo "|---|---|---|---|"
row tftp1 "TFTP 100 MiB lock-step, curl" MB/s
row tftp200 "TFTP 200 x 10 MiB, tftpload" MB/s
row http "HTTP 1 GiB, curl" MiB/s
row dhcp "proxyDHCP 20,000 DISCOVERs unthrottled" answers/s
row loss "  loss of the same runs" "%"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
