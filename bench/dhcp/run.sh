#!/usr/bin/env bash
# proxyDHCP benchmark: PxePowerShell's ProxyDhcpServer vs dnsmasq proxy mode, same run, same load.
# Two network namespaces joined by a veth pair: the server in pxb-srv-* (10.202.0.1, port 67), the load
# generator in pxb-cli-* (port 68). The generator sends COUNT PXE DISCOVERs (distinct MAC/xid) at increasing
# rates and counts the proxy OFFERs that come back; then GARBAGE junk datagrams interleaved with valid
# DISCOVERs at GARBAGE_RATE/s (default 10000/s).
# Needs root, iproute2, dnsmasq and the .NET SDK. Usage: sudo bench/dhcp/run.sh [COUNT] [RATES...]
set -euo pipefail
cd "$(dirname "$0")/../.."
COUNT=${1:-20000}
shift || true
RATES=${*:-"5000 10000 20000 30000 40000 60000 0"}
GARBAGE=${GARBAGE:-50000}
OUT=${OUT:-bench/results/dhcp-$(date +%Y%m%d-%H%M%S).jsonl}
ID=$RANDOM
SRV=pxb-srv-$ID CLI=pxb-cli-$ID VS=pxbs$ID VC=pxbc$ID
BIN=$(mktemp -d)
mkdir -p "$(dirname "$OUT")"

cleanup() {
  [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null || true
  ip netns del "$SRV" 2>/dev/null || true
  ip netns del "$CLI" 2>/dev/null || true
  rm -rf "$BIN"
}
trap cleanup EXIT

dotnet build -c Release -o "$BIN/host" tests/PxePowerShell.DhcpTestHost >/dev/null
dotnet build -c Release -o "$BIN/loadgen" bench/dhcp/loadgen >/dev/null

source bench/lib/veth.sh
veth_pair "$SRV" "$CLI" "$VS" "$VC" 10.202.0.1/24 10.202.0.2/24

load() { # name rate garbage
  local r
  r=$(ip netns exec "$CLI" dotnet "$BIN/loadgen/PxeDhcpLoadGen.dll" "$VC" 67 "$COUNT" "$2" "${3:-0}" 2000)
  echo "{\"server\":\"$1\",${r#\{}" | tee -a "$OUT"
}

start_pxepowershell() {
  coproc SERVER { exec ip netns exec "$SRV" dotnet "$BIN/host/PxePowerShell.DhcpTestHost.dll" proxy "$VS" 67 4011; }
  SERVER_PID=$SERVER_PID
  read -r line <&"${SERVER[0]}"; [[ $line == READY* ]] || { echo "server did not start: $line" >&2; exit 1; }
}

start_dnsmasq() {
  ip netns exec "$SRV" dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --port=0 --quiet-dhcp \
    --interface="$VS" --dhcp-range=10.202.0.0,proxy --pxe-service=x86PC,"Network Boot",pxelinux &
  SERVER_PID=$!
  # dnsmasq prints nothing when ready: wait until it has its DHCP socket.
  for _ in $(seq 100); do ip netns exec "$SRV" ss -lun | grep -q ':67 ' && return; sleep 0.05; done
  echo "dnsmasq did not start" >&2; exit 1
}

stop_server() { kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; unset SERVER_PID; }

echo "# $COUNT DISCOVERs per step, rates: $RATES (0 = unthrottled), garbage burst: $GARBAGE; results in $OUT"
for server in pxepowershell dnsmasq; do
  "start_$server"
  ip netns exec "$CLI" dotnet "$BIN/loadgen/PxeDhcpLoadGen.dll" "$VC" 67 5000 5000 0 500 >/dev/null # warm-up (JIT), not recorded
  for rate in $RATES; do load "$server" "$rate"; done
  load "$server-garbage" "${GARBAGE_RATE:-10000}" "$GARBAGE" # valid DISCOVERs at GARBAGE_RATE/s, junk interleaved
  stop_server
done
