#!/usr/bin/env bash
# HTTP benchmark: PxePowerShell's HttpBootServer versus nginx (sendfile on), same files, same clients, loopback.
#   1. one 1 GiB download with curl (MiB/s, median of 3)
#   2. 100 concurrent connections downloading a 20 MiB file for DURATION seconds with wrk (aggregate MiB/s)
# Usage: bench/http/run.sh            (env: DURATION=10 PORT_BASE=18400 MODES="zerocopy copy")
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
duration="${DURATION:-10}"
port_base="${PORT_BASE:-18400}"
modes="${MODES:-copy zerocopy}"
nginx_port=$port_base
work="$(mktemp -d /tmp/pxeps-http-bench.XXXXXX)"
pids=()

cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

command -v curl >/dev/null || { echo "curl is required" >&2; exit 1; }
command -v nginx >/dev/null || { echo "nginx is required (apt-get install -y nginx-light)" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  echo "installing wrk..." >&2
  apt-get install -y wrk >/dev/null
fi

echo "building HttpBenchServer (Release)..." >&2
dotnet build -c Release "$here/HttpBenchServer" -nologo -v q >/dev/null
server="$here/HttpBenchServer/bin/Release/net10.0/HttpBenchServer"

chmod 755 "$work"
root="$work/root"
mkdir -p "$root" "$work/nginx/logs"
head -c $((1024 * 1024 * 1024)) /dev/urandom > "$root/big.bin"
head -c $((20 * 1024 * 1024)) /dev/urandom > "$root/20m.bin"
chmod 644 "$root"/*.bin
cat "$root/big.bin" "$root/20m.bin" > /dev/null   # warm the page cache for both servers

cat > "$work/nginx/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 30s;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path $work/nginx/tmp;
  server {
    listen 127.0.0.1:$nginx_port;
    root $root;
  }
}
CONF
mkdir -p "$work/nginx/tmp"

wait_port() {
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$1/20m.bin"; then return 0; fi
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2; exit 1
}

# Median of three single-stream downloads of the 1 GiB file, in MiB/s.
single() {
  local url="$1" speeds=()
  for _ in 1 2 3; do
    speeds+=("$(curl -s -o /dev/null -w '%{speed_download}' "$url")")
  done
  printf '%s\n' "${speeds[@]}" | sort -g | sed -n 2p | awk '{ printf "%.0f", $1 / 1048576 }'
}

# Aggregate throughput of 100 connections fetching the 20 MiB file, in MiB/s (wrk's Transfer/sec).
concurrent() {
  wrk -t2 -c100 -d"${duration}s" "$1" | awk '/Transfer\/sec/ {
    v = $2; u = substr(v, length(v) - 1); n = substr(v, 1, length(v) - 2) + 0
    if (u == "GB") n *= 1024; else if (u == "KB") n /= 1024; else if (u != "MB") n = n / 1048576
    printf "%.0f", n }'
}

results=()
nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
pids+=($!)
wait_port "$nginx_port"
n_single=$(single "http://127.0.0.1:$nginx_port/big.bin")
n_conc=$(concurrent "http://127.0.0.1:$nginx_port/20m.bin")
kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true

port=$((port_base + 1))
for mode in $modes; do
  "$server" "$root" "$port" "$mode" > "$work/server-$mode.log" 2>&1 &
  pids+=($!)
  wait_port "$port"
  s=$(single "http://127.0.0.1:$port/big.bin")
  c=$(concurrent "http://127.0.0.1:$port/20m.bin")
  kill "${pids[-1]}"; wait "${pids[-1]}" 2>/dev/null || true
  results+=("$mode $s $c")
  port=$((port + 1))
done

echo
echo "HTTP benchmark, loopback, $(nproc) cores, $(uname -r), nginx $(nginx -v 2>&1 | sed 's/.*nginx\///'), wrk ${duration}s"
printf '%-28s %18s %24s\n' "server" "1 GiB curl MiB/s" "100 x 20 MiB wrk MiB/s"
printf '%-28s %18s %24s\n' "nginx (sendfile on)" "$n_single" "$n_conc"
for r in "${results[@]}"; do
  set -- $r
  printf '%-28s %18s %24s\n' "HttpBootServer ($1)" "$2" "$3"
done
for r in "${results[@]}"; do
  set -- $r
  awk -v m="$1" -v s="$2" -v c="$3" -v ns="$n_single" -v nc="$n_conc" \
    'BEGIN { printf "ratio %-10s single %.2fx nginx, concurrent %.2fx nginx\n", m, s / ns, c / nc }'
done
