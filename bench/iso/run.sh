#!/usr/bin/env bash
# ISO benchmark: a large file served over HTTP from inside a mounted ISO image against the same file served from a
# plain directory (target >= 0.95x), and the time to mount a 1 GiB image (target < 200 ms).
#   bench/iso/run.sh [RUNS]      (default 3; medians; env PORT_BASE=18500, SIZE_MIB=1024)
# Needs: dotnet, curl, xorriso. Both servers are bench/http/HttpBenchServer (zero-copy sendfile), loopback only.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
runs="${1:-3}"
port_base="${PORT_BASE:-18500}"
size_mib="${SIZE_MIB:-1024}"
work="$(mktemp -d /tmp/pxeps-iso-bench.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

dotnet build -c Release "$repo/bench/http/HttpBenchServer/HttpBenchServer.csproj" -nologo -v q >/dev/null
server="$repo/bench/http/HttpBenchServer/bin/Release/net10.0/HttpBenchServer.dll"

mkdir -p "$work/plain/tree" "$work/root"
head -c $((size_mib << 20)) /dev/urandom > "$work/plain/tree/big.bin"
xorriso -as mkisofs -quiet -R -J -iso-level 3 -V BENCH -o "$work/image.iso" "$work/plain/tree"

start() { # port args... -> waits until it listens; prints the server's first lines
  local port=$1; shift
  dotnet "$server" "$@" > "$work/server-$port.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.05; done
}
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
speed() { # url -> MiB/s
  curl -s -o /dev/null -w '%{speed_download}' "$1" | awk '{ printf "%.1f\n", $1 / 1048576 }'
}

plain_port=$port_base
iso_port=$((port_base + 1))
start "$plain_port" "$work/plain/tree" "$plain_port" zerocopy
start "$iso_port" "$work/root" "$iso_port" zerocopy "$work/image.iso" bench

mount_times=()
for ((i = 0; i < runs; i++)); do
  # A fresh process each time: the mount itself (descriptors, directories, detection), not the JIT, is what is timed.
  out=$(dotnet "$server" "$work/root" $((port_base + 10 + i)) zerocopy "$work/image.iso" bench & pid=$!; sleep 2; kill $pid; wait $pid 2>/dev/null || true)
  mount_times+=("$(grep -oE 'in [0-9.]+ ms' <<<"$out" | grep -oE '[0-9.]+')")
done

plain=() iso=()
for ((i = 0; i < runs; i++)); do
  plain+=("$(speed "http://127.0.0.1:$plain_port/big.bin")")
  iso+=("$(speed "http://127.0.0.1:$iso_port/bench/big.bin")")
done
cmp <(curl -s "http://127.0.0.1:$iso_port/bench/big.bin") "$work/plain/tree/big.bin" || { echo "ISO download differs from the file" >&2; exit 1; }

p=$(printf '%s\n' "${plain[@]}" | median)
s=$(printf '%s\n' "${iso[@]}" | median)
m=$(printf '%s\n' "${mount_times[@]}" | median)
echo "runs: $runs (medians), file ${size_mib} MiB, image $(stat -c %s "$work/image.iso") bytes"
printf 'HTTP from a plain directory        %8s MiB/s   [%s]\n' "$p" "${plain[*]}"
printf 'HTTP from inside the ISO image     %8s MiB/s   [%s]\n' "$s" "${iso[*]}"
awk -v a="$s" -v b="$p" 'BEGIN { printf "ratio ISO / plain                  %8.2fx   (target >= 0.95x)\n", a / b }'
printf 'mount of the image (open + detect) %8s ms      [%s]   (target < 200 ms)\n' "$m" "${mount_times[*]}"
