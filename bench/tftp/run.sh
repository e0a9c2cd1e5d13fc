#!/usr/bin/env bash
# TFTP benchmark: PxePowerShell's TftpServer against dnsmasq, tftpd-hpa and atftpd on loopback.
#
#   sudo bench/tftp/run.sh [RUNS] [CONCURRENT_RUNS]   (defaults 3 and 1; medians are reported)
#
# Everything runs inside a private network namespace (its own loopback), so the machine's real
# interfaces are untouched and dnsmasq, which has no TFTP port option, can use port 69 there; the other
# servers use unprivileged ports. Same clients, same files for every server:
#   1. lock-step, blksize 1468, 100 MiB, curl                     (all four servers)
#   2. windowsize 16, blksize 1468, 100 MiB, atftp client         (ours and atftpd; the others lack RFC 7440)
#   3. 200 concurrent 10 MiB downloads, blksize 1468, tftpload     (aggregate MB/s, failures; our peak RSS)
#   4. the same 200 downloads as 200 curl processes                (aggregate MB/s, failures)
#   5. 1,000 concurrent 1 MiB curl downloads, blksize 1468        (failures only)
# tftpload (bench/tftp/tftpload.c, built here with cc) is a load generator like wrk for HTTP: one process drives
# every transfer from one epoll loop, so the clients' CPU stays small beside the server's. 200 curl processes on
# the same cores use most of the CPU themselves (docs/benchmarks.md), so row 4 measures mostly the clients.
# Our server uses its io_uring loop where the kernel allows; PXEPOWERSHELL_TFTP_IO=epoll (or async) in the
# environment measures a fallback loop instead.
# Needs: root (network namespace), dotnet, cc, curl, atftp, dnsmasq, tftpd-hpa; atftpd is extracted from its
# Debian package into /opt/atftpd when missing (it conflicts with tftpd-hpa as an installed package).
set -euo pipefail

RUNS="${1:-3}"
CRUNS="${2:-1}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
ATFTPD=/opt/atftpd/usr/sbin/atftpd

if [[ "${PXE_BENCH_INSIDE:-}" != 1 ]]; then
    [[ $(id -u) == 0 ]] || { echo "run.sh needs root (it creates a network namespace)" >&2; exit 1; }
    if [[ ! -x "$ATFTPD" ]]; then
        tmp=$(mktemp -d); (cd "$tmp" && apt-get download atftpd >/dev/null && dpkg -x atftpd_*.deb /opt/atftpd); rm -rf "$tmp"
    fi
    dotnet build -c Release "$HERE/TftpBenchServer/TftpBenchServer.csproj" -nologo -v q >/dev/null
    cc -O2 -o "$HERE/TftpBenchServer/bin/tftpload" "$HERE/tftpload.c"
    NS="pxebench$$"
    ip netns add "$NS"
    trap 'ip netns del "$NS" 2>/dev/null || true' EXIT
    ip netns exec "$NS" ip link set lo up
    # getaddrinfo(AI_ADDRCONFIG) in tftpd-hpa wants one non-loopback address: give the namespace one on lo.
    ip netns exec "$NS" ip addr add 10.201.0.1/32 dev lo
    PXE_BENCH_INSIDE=1 ip netns exec "$NS" "$0" "$RUNS" "$CRUNS"
    exit $?
fi

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
WORK=$(mktemp -d /tmp/pxe-tftp-bench.XXXXXX)
ROOT="$WORK/root"; OUT="$WORK/out"; mkdir -p "$ROOT" "$OUT"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
head -c $((100 << 20)) /dev/urandom > "$ROOT/f100m"
head -c $((10 << 20)) /dev/urandom > "$ROOT/f10m"
head -c $((1 << 20)) /dev/urandom > "$ROOT/f1m"
chmod -R a+rX "$WORK"

SERVER_PID=""
start_server() { # name -> sets PORT and SERVER_PID
    case "$1" in
        ours)
            PORT=6969
            dotnet "$HERE/TftpBenchServer/bin/Release/net10.0/TftpBenchServer.dll" "$ROOT" "$PORT" 5000 > "$WORK/ours.log" 2>&1 &
            SERVER_PID=$! ;;
        dnsmasq)
            PORT=69
            dnsmasq --conf-file=/dev/null --port=0 --enable-tftp --tftp-root="$ROOT" --tftp-max=5000 \
                --listen-address=127.0.0.1 --bind-interfaces --no-daemon --quiet-tftp --user=root --pid-file= > "$WORK/dnsmasq.log" 2>&1 &
            SERVER_PID=$! ;;
        tftpd-hpa)
            PORT=6970
            /usr/sbin/in.tftpd -L -s "$ROOT" -a "127.0.0.1:$PORT" > "$WORK/hpa.log" 2>&1 &
            SERVER_PID=$! ;;
        atftpd)
            PORT=6971
            "$ATFTPD" --daemon --no-fork --maxthread 5000 --user root --group root --port "$PORT" --bind-address 127.0.0.1 \
                --logfile /dev/null "$ROOT" > "$WORK/atftpd.log" 2>&1 &
            SERVER_PID=$! ;;
    esac
    PIDS+=("$SERVER_PID")
    for _ in $(seq 100); do # wait until it answers
        if curl -s -m 1 -o /dev/null "tftp://127.0.0.1:$PORT/f1m"; then return 0; fi
        sleep 0.1
    done
    echo "$1 did not start" >&2; return 1
}
stop_server() { kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; }

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
mbps() { awk -v b="$1" -v s="$2" 'BEGIN { printf "%.1f\n", b / s / 1e6 }'; }

single_run() { # client -> MB/s of one 100 MiB download
    rm -f "$OUT/single"
    local t0 t1
    t0=$(now)
    case "$1" in
        curl) curl -s --tftp-blksize 1468 -o "$OUT/single" "tftp://127.0.0.1:$PORT/f100m" ;;
        atftp) atftp --option "blksize 1468" --option "windowsize 16" -g -r f100m -l "$OUT/single" 127.0.0.1 "$PORT" >/dev/null 2>&1 ;;
    esac
    t1=$(now)
    cmp -s "$OUT/single" "$ROOT/f100m" || { echo "0"; return; }
    mbps $((100 << 20)) "$(echo "$t1 - $t0" | bc -l)"
}

load_run() { # count file -> "MB/s failures" from one tftpload process
    "$HERE/TftpBenchServer/bin/tftpload" 127.0.0.1 "$PORT" "$2" "$ROOT/$2" "$1" 1468 | awk '{print $1, $2}'
}

concurrent_run() { # count file size -> "MB/s failures"
    local count=$1 file=$2 size=$3 t0 t1 fails
    rm -rf "$OUT/c"; mkdir -p "$OUT/c"
    t0=$(now)
    seq "$count" | xargs -P "$count" -I{} sh -c "curl -s -m 120 --tftp-blksize 1468 -o '$OUT/c/{}' 'tftp://127.0.0.1:$PORT/$file' || true"
    t1=$(now)
    fails=0
    for i in $(seq "$count"); do cmp -s "$OUT/c/$i" "$ROOT/$file" || fails=$((fails + 1)); done
    echo "$(mbps $((count * size)) "$(echo "$t1 - $t0" | bc -l)") $fails"
}

declare -A LOCK WIN LOAD LOADF CONC CONCF THOUSANDF LOCKR WINR LOADR CONCR
runs() { tr '\n' ' ' | sed 's/ *$//'; }                  # one line of values -> "a b c"
med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }     # "a b c" -> median
show() { local m=${!1} r=${!2}; [[ $m == - ]] && { echo "-"; return; }; echo "$m [${r// /, }]"; } # "median [a, b, c]"
record() { # NAME server "MB/s failures" lines -> NAMER[server] runs, NAME[server] median MB/s, NAMEF[server] total failures
    local -n median_=$1 runs_=${1}R fails_=${1}F
    runs_[$2]=$(awk '{print $1}' <<<"$3" | runs)
    median_[$2]=$(med "${runs_[$2]}")
    fails_[$2]=$(awk '{s+=$2} END {print s}' <<<"$3")
}
RSS="n/a"
for server in ours dnsmasq tftpd-hpa atftpd; do
    start_server "$server"
    LOCKR[$server]=$(for _ in $(seq "$RUNS"); do single_run curl; done | runs)
    LOCK[$server]=$(med "${LOCKR[$server]}")
    if [[ $server == ours || $server == atftpd ]]; then
        WINR[$server]=$(for _ in $(seq "$RUNS"); do single_run atftp; done | runs)
        WIN[$server]=$(med "${WINR[$server]}")
    else
        WIN[$server]="-"; WINR[$server]="-"
    fi
    record LOAD "$server" "$(for _ in $(seq "$CRUNS"); do load_run 200 f10m; done)"
    record CONC "$server" "$(for _ in $(seq "$CRUNS"); do concurrent_run 200 f10m $((10 << 20)); done)"
    THOUSANDF[$server]=$(concurrent_run 1000 f1m $((1 << 20)) | awk '{print $2}')
    if [[ $server == ours ]]; then
        RSS=$(awk '/VmHWM/ {printf "%.0f MiB", $2/1024}' "/proc/$SERVER_PID/status")
    fi
    stop_server
    echo "done: $server lock=${LOCK[$server]} win=${WIN[$server]} load=${LOAD[$server]} loadfails=${LOADF[$server]} conc=${CONC[$server]} fails=${CONCF[$server]} 1000fails=${THOUSANDF[$server]}" >&2
done

best() { local b=0 v; for s in dnsmasq tftpd-hpa atftpd; do v=$1[$s]; v=${!v}; [[ $v == - ]] && continue; b=$(awk -v a="$b" -v c="$v" 'BEGIN{print (c>a)?c:a}'); done; echo "$b"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }'; }

echo
echo "TFTP benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, loopback in a network namespace, median [individual runs] of $RUNS runs (concurrent: $CRUNS)"
echo "uptime at the end: $(uptime)"
echo
echo "| test | ours | dnsmasq | tftpd-hpa | atftpd | ours / best peer | target |"
echo "|---|---|---|---|---|---|---|"
echo "| lock-step blksize 1468, 100 MiB, curl (MB/s) | $(show 'LOCK[ours]' 'LOCKR[ours]') | $(show 'LOCK[dnsmasq]' 'LOCKR[dnsmasq]') | $(show 'LOCK[tftpd-hpa]' 'LOCKR[tftpd-hpa]') | $(show 'LOCK[atftpd]' 'LOCKR[atftpd]') | $(ratio "${LOCK[ours]}" "$(best LOCK)") | >= 1.1x |"
echo "| windowsize 16, blksize 1468, 100 MiB, atftp (MB/s) | $(show 'WIN[ours]' 'WINR[ours]') | - | - | $(show 'WIN[atftpd]' 'WINR[atftpd]') | $(ratio "${WIN[ours]}" "${WIN[atftpd]}") | >= 1.2x atftpd |"
echo "| 200 x 10 MiB concurrent, tftpload (aggregate MB/s) | $(show 'LOAD[ours]' 'LOADR[ours]') | $(show 'LOAD[dnsmasq]' 'LOADR[dnsmasq]') | $(show 'LOAD[tftpd-hpa]' 'LOADR[tftpd-hpa]') | $(show 'LOAD[atftpd]' 'LOADR[atftpd]') | $(ratio "${LOAD[ours]}" "$(best LOAD)") | >= 1.2x |"
echo "| 200 x 10 MiB concurrent, tftpload: failed downloads (all runs) | ${LOADF[ours]} | ${LOADF[dnsmasq]} | ${LOADF[tftpd-hpa]} | ${LOADF[atftpd]} | | 0 |"
echo "| 200 x 10 MiB concurrent, 200 curl processes (aggregate MB/s) | $(show 'CONC[ours]' 'CONCR[ours]') | $(show 'CONC[dnsmasq]' 'CONCR[dnsmasq]') | $(show 'CONC[tftpd-hpa]' 'CONCR[tftpd-hpa]') | $(show 'CONC[atftpd]' 'CONCR[atftpd]') | $(ratio "${CONC[ours]}" "$(best CONC)") | (client-bound) |"
echo "| 200 x 10 MiB concurrent, curl: failed downloads (all runs) | ${CONCF[ours]} | ${CONCF[dnsmasq]} | ${CONCF[tftpd-hpa]} | ${CONCF[atftpd]} | | 0 |"
echo "| 1,000 x 1 MiB concurrent: failed downloads | ${THOUSANDF[ours]} | ${THOUSANDF[dnsmasq]} | ${THOUSANDF[tftpd-hpa]} | ${THOUSANDF[atftpd]} | | 0 |"
echo
echo "Our server's peak RSS (VmHWM): $RSS"
