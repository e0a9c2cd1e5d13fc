#!/usr/bin/env bash
# Full-DHCP benchmark with ISC perfdhcp (Debian kea-admin): DORA of CLIENTS distinct clients at several rates,
# PERIOD seconds each, against PxePowerShell's DhcpServer (lease journal on a real disk, not tmpfs), dnsmasq
# (--no-ping), Kea (memfile), and the two PostgreSQL columns: Kea with its pgsql lease backend (kea-pg) and
# PxePowerShell with the PostgreSQL store (pxepowershell-pg, the module's -Store setting).
# Two namespaces joined by a veth: server 10.203.0.1/16, perfdhcp in the other.
# Every (server, rate) step starts the server afresh on an empty lease database, so every client is new; for the -pg
# servers that is a new database in one throwaway PostgreSQL 15 cluster (initdb as user postgres, data directory in
# DATA on disk, fsync and synchronous_commit at their defaults, a Unix socket in its directory only, no TCP port).
# The servers of one rate run back to back, so a change in the machine's load hits them alike.
# Needs root, iproute2, dnsmasq, kea-dhcp4-server, kea-admin (perfdhcp, and db-init for kea-pg), postgresql (15)
# time (/usr/bin/time, perfdhcp's CPU) and the .NET SDK:
#   apt-get install -y dnsmasq kea-dhcp4-server kea-admin postgresql time
# Usage: sudo bench/dhcp/perfdhcp.sh [RATES...]
#        (env: CLIENTS=20000 PERIOD=5 SERVERS="pxepowershell dnsmasq kea pxepowershell-pg kea-pg"
#        DATA=/var/tmp: where the lease databases and the PostgreSQL cluster go; must be a disk;
#        PROFILE=1: pg_stat_statements in the cluster, each -pg step's statements (calls, mean and total ms, rows)
#        printed to stderr after it, with the WAL flushes, commits and the server's CPU time;
#        DOTNET_DEFAULTS=1: our server with .NET's default runtime settings rather than those its service units ship;
#        STATS=1: our server's own counters after each step (received, offers, acks, ignored, send errors), to stderr;
#        THREADS=1: each step's CPU time per server thread (by thread name) printed to stderr after it;
#        SERVER_CPUS=1 CLIENT_CPUS=0: every server on core 1 and perfdhcp on core 0 (taskset lists), as if on two
#        machines, so that neither takes CPU time from the other; unset, they share every core;
#        WARM=SECONDS: before each measured step, a perfdhcp pass of WARM seconds at the same rate with other clients
#        (base MAC 02:00:00:00:00:00), so the step measures a server that has served a storm already — the steady
#        state, after .NET's tiered JIT has compiled the hot path — rather than one started a moment before)
# The cpu(s) column is the server process's CPU time (user + system) from the first DISCOVER to the last reply;
# srv-drops and cli-drops the UDP datagrams the kernel dropped in that time for a full receive queue, in the server's
# namespace (requests the server did not read in time) and in perfdhcp's (replies perfdhcp did not read in time, which
# perfdhcp counts as drops of the server); cli-cpu perfdhcp's own CPU time (user + system) in the step, its PERIOD and
# the 2 s it waits for late replies: when it nears its wall time (PERIOD + 2 s per core it may use), the load generator,
# not the server, sets the rate.
set -euo pipefail
cd "$(dirname "$0")/../.."
RATES=${*:-"500 1000 2000 4000 8000"}
CLIENTS=${CLIENTS:-20000}
PERIOD=${PERIOD:-5}
SERVERS=${SERVERS:-"pxepowershell dnsmasq kea pxepowershell-pg kea-pg"}
PGBIN=/usr/lib/postgresql/15/bin
ID=$RANDOM
SRV=pxp-srv-$ID CLI=pxp-cli-$ID VS=pxps$ID VC=pxpc$ID
BIN=$(mktemp -d)
WORK=$(mktemp -d "${DATA:-/var/tmp}/pxe-perfdhcp.XXXXXX")
[[ $(stat -f -c %T "$WORK") != tmpfs ]] || { echo "$WORK is tmpfs; set DATA to a directory on a disk" >&2; exit 1; }
PG=

# perfdhcp opens its socket with the system's default receive buffer (208 KiB here). On a machine whose cores it shares
# with the server it then drops replies that arrive while it is not scheduled (cli-drops), and counts them as the
# server's drops; so for the run the default is 4 MiB (as for every server alike; KEEP_RMEM=1 keeps the machine's).
RMEM_DEFAULT=$(sysctl -n net.core.rmem_default)
cleanup() {
  [[ -n ${KEEP_RMEM:-} ]] || sysctl -qw net.core.rmem_default="$RMEM_DEFAULT" || true
  [[ -n "${SERVER_PID:-}" ]] && kill "$SERVER_PID" 2>/dev/null || true
  if [[ -n $PG ]]; then
    [[ ! -f $PG/data/postmaster.pid ]] || runuser -u postgres -- "$PGBIN/pg_ctl" stop -w -m immediate -D "$PG/data" >/dev/null || true
    rm -rf "$PG"
  fi
  ip netns del "$SRV" 2>/dev/null || true
  ip netns del "$CLI" 2>/dev/null || true
  rm -rf "$BIN" "$WORK"
}
trap cleanup EXIT
[[ -n ${KEEP_RMEM:-} ]] || sysctl -qw net.core.rmem_default=$(( 4 << 20 ))

[[ $SERVERS != *pxepowershell* ]] || dotnet build -c Release -o "$BIN/host" tests/PxePowerShell.DhcpTestHost >/dev/null

psql_pg() { PGOPTIONS="-c client_min_messages=warning" runuser -u postgres -- "$PGBIN/psql" -h "$PG" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 -c "$1"; }
# One PostgreSQL cluster for the -pg servers, durable like the journal: on disk, fsync on (the defaults). Unix sockets
# are files, so the servers inside the namespace reach it through its directory.
if [[ $SERVERS == *-pg* ]]; then
  PG=$(mktemp -d "${DATA:-/var/tmp}/pxe-perfdhcp-pg.XXXXXX"); chown postgres: "$PG"
  runuser -u postgres -- "$PGBIN/initdb" -D "$PG/data" -U postgres -A trust -E UTF8 --locale=C >/dev/null
  runuser -u postgres -- "$PGBIN/pg_ctl" start -w -t 120 -D "$PG/data" -l "$PG/server.log" \
    -o "-c listen_addresses='' -k $PG -c max_connections=200${PROFILE:+ -c shared_preload_libraries=pg_stat_statements -c track_wal_io_timing=on}" >/dev/null
  [[ -z ${PROFILE:-} ]] || psql_pg "CREATE EXTENSION pg_stat_statements"
fi
new_database() { psql_pg "DROP DATABASE IF EXISTS $1 WITH (FORCE)" && psql_pg "CREATE DATABASE $1"; } # name

source bench/lib/veth.sh
veth_pair "$SRV" "$CLI" "$VS" "$VC" 10.203.0.1/16 10.203.0.2/16

# SERVER_CPUS / CLIENT_CPUS (taskset lists, e.g. 1 and 0): every server, and perfdhcp, on cores of their own, as on
# two machines; unset, they share every core.
IN_SRV=(ip netns exec "$SRV") IN_CLI=(ip netns exec "$CLI")
[[ -z ${SERVER_CPUS:-} ]] || IN_SRV=(taskset -c "$SERVER_CPUS" "${IN_SRV[@]}")
[[ -z ${CLIENT_CPUS:-} ]] || IN_CLI=(taskset -c "$CLIENT_CPUS" "${IN_CLI[@]}")

wait_socket() { for _ in $(seq 200); do ip netns exec "$SRV" ss -lun | grep -q ':67 ' && return; sleep 0.05; done; echo "$1 did not start" >&2; exit 1; }

# Our server runs with the .NET runtime settings the service units and the image ship (docs/deployment.md, "Runtime
# settings for a service"); DOTNET_DEFAULTS=1 measures it with the runtime's defaults instead (as in an interactive pwsh).
RUNTIME_SETTINGS=(DOTNET_TieredCompilation=0 DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0)
[[ -z ${DOTNET_DEFAULTS:-} ]] || RUNTIME_SETTINGS=()

start_pxepowershell() { # dir [store]
  coproc SERVER { exec "${IN_SRV[@]}" env "${RUNTIME_SETTINGS[@]}" dotnet "$BIN/host/PxePowerShell.DhcpTestHost.dll" "$VS" 67 68 10.203.1.0 10.203.255.254 255.255.0.0 "$@" 2>"$1/server.err"; }
  SERVER_PID=$SERVER_PID
  read -r line <&"${SERVER[0]}"; [[ $line == READY* ]] || { echo "server did not start: $line" >&2; exit 1; }
}

start_dnsmasq() {
  "${IN_SRV[@]}" dnsmasq --no-daemon --conf-file=/dev/null --pid-file= --port=0 --quiet-dhcp --no-ping \
    --interface="$VS" --dhcp-range=10.203.1.0,10.203.255.254,255.255.0.0,1h --dhcp-lease-max=100000 \
    --dhcp-authoritative --dhcp-leasefile="$1/dnsmasq.leases" 2>"$1/dnsmasq.log" &
  SERVER_PID=$!
  wait_socket dnsmasq
}

# The store of the -pg servers: a fresh database per step (ours migrates its schema at start, Kea's is kea-admin db-init).
start_pxepowershell-pg() {
  new_database pxe_step
  start_pxepowershell "$1" "Host=$PG;Username=postgres;Database=pxe_step"
}

start_kea() { # dir [lease-database]
  local leases=${2:-"{ \"type\": \"memfile\", \"persist\": true, \"name\": \"$1/kea-leases4.csv\", \"lfc-interval\": 0 }"}
  cat > "$1/kea.json" <<JSON
{ "Dhcp4": {
  "interfaces-config": { "interfaces": [ "$VS" ] },
  "lease-database": $leases,
  "valid-lifetime": 3600,
  "subnet4": [ { "subnet": "10.203.0.0/16", "pools": [ { "pool": "10.203.1.0 - 10.203.255.254" } ] } ],
  "loggers": [ { "name": "kea-dhcp4", "output_options": [ { "output": "$1/kea.log" } ], "severity": "WARN" } ]
} }
JSON
  KEA_PIDFILE_DIR=$1 KEA_LOCKFILE_DIR=$1 "${IN_SRV[@]}" kea-dhcp4 -c "$1/kea.json" >/dev/null 2>&1 &
  SERVER_PID=$!
  wait_socket kea
}

start_kea-pg() {
  new_database kea_step
  kea-admin db-init pgsql -h "$PG" -u postgres -n kea_step >"$1/kea-admin.log" 2>&1 || { cat "$1/kea-admin.log" >&2; exit 1; }
  start_kea "$1" "{ \"type\": \"postgresql\", \"host\": \"$PG\", \"user\": \"postgres\", \"name\": \"kea_step\" }"
}

# CPU time (user + system, in clock ticks) of a process, or of each of its threads by name (THREADS=1).
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; } # pid
thread_ticks() { # pid: "name ticks" per thread
  for t in /proc/"$1"/task/*; do sed -E 's/^[0-9]+ \((.*)\) .*$/\1/' "$t/stat" | tr ' ' _; awk '{ print $(NF-38) + $(NF-37) }' "$t/stat"; done 2>/dev/null | paste - -
}
thread_delta() { # before after: ticks per thread name between two thread_ticks, summed over threads of one name, most first
  awk 'FNR == NR { b[$1] += $2; next } { a[$1] += $2 } END { for (k in a) if (a[k] - b[k]) print a[k] - b[k], k }' "$1" "$2" | sort -rn | head -12
}

# UDP datagrams the kernel dropped for a full receive queue in a namespace (Udp RcvbufErrors of its /proc/net/snmp, which
# outlives the sockets): the server's, or perfdhcp's.
udp_drops() { # namespace
  ip netns exec "$1" awk '$1 == "Udp:" && !n { for (i = 2; i <= NF; i++) if ($i == "RcvbufErrors") n = i; next } $1 == "Udp:" { print $n; exit }' /proc/net/snmp
}

stop_server() { # dir: with STATS=1, ours prints its counters (received, offers, acks, ignored ...) as it stops
  kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; unset SERVER_PID
  [[ -z ${STATS:-} || ! -f $1/server.err ]] || grep '^STATS' "$1/server.err" >&2 || true
}

# perfdhcp -x t prints the timers of every successful exchange; summarise its report (offers and acks: the replies that
# came within perfdhcp's drop time, 1 s by default; a later one counts as a drop) and the delays.
summary() { # server rate output
  awk -v server="$1" -v rate="$2" '
    /^\*\*\*Statistics for: DISCOVER-OFFER/ { x = "do" } /^\*\*\*Statistics for: REQUEST-ACK/ { x = "ra" }
    x == "do" && /^sent packets:/ { sent = $3 } x == "do" && /^received packets:/ { offers = $3 }
    x == "ra" && /^received packets:/ { acks = $3 }
    x == "ra" && /^avg delay:/ { avg = $3 } x == "ra" && /^max delay:/ { max = $3 }
    END { printf "%-16s %6d %8d %8d %8d %7.1f%% %10s %10s", server, rate, sent, offers, acks, sent ? 100 * acks / sent : 0, avg, max }' "$3"
  # p99 of REQUEST-ACK from the per-exchange timestamps (-x t), in ms
  awk '/^\*\*\*Timestamps for packets: REQUEST-ACK/ { t = 1; next } /^\*\*\*/ { t = 0 }
    t && /^sent \/ received:/ { print ($6 - $4) * 1000 }' "$3" | sort -n |
    awk '{ d[NR] = $1 } END { i = int(NR * 0.99); if (i < NR * 0.99) i++; printf " %10s\n", NR ? sprintf("%.3f", d[i]) : "-" }'
}

profile() { # server rate: the step's statements by total time, and the WAL's flushes (pg_stat_wal)
  echo "## $1 $2: server CPU $(ps -o times= -p "$SERVER_PID" 2>/dev/null || echo "?") s, of which $cpu_start s before the first packet (start-up)"
  psql_pg "SELECT calls, round(mean_exec_time::numeric, 3) AS mean_ms, round(total_exec_time::numeric) AS total_ms, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12"
  psql_pg "SELECT 'wal: records ' || wal_records || ', writes ' || wal_write || ', syncs ' || wal_sync || ', sync ms ' || round(wal_sync_time::numeric) FROM pg_stat_wal"
}

echo "# perfdhcp DORA, $CLIENTS clients, ${PERIOD}s per rate${WARM:+ after a ${WARM}s warm-up pass of other clients}; load average: $(cut -d' ' -f1-3 /proc/loadavg); lease data in $WORK ($(stat -f -c %T "$WORK"))${PG:+, PostgreSQL $("$PGBIN/postgres" -V | cut -d' ' -f3) in $PG/data}"
printf "%-16s %6s %8s %8s %8s %8s %10s %10s %10s %7s %9s %9s %7s\n" server rate discover offers acks acks% "avg(RA)ms" "max(RA)ms" "p99(RA)ms" "cpu(s)" "srv-drops" "cli-drops" "cli-cpu"
# Rates outer, servers inner: the servers of one rate run back to back, under the same load of the machine.
for rate in $RATES; do
  for server in $SERVERS; do
    dir="$WORK/$server-$rate"; mkdir -p "$dir"
    "start_$server" "$dir"
    profiling=; [[ -z ${PROFILE:-} || $server != *-pg ]] || { profiling=1; cpu_start=$(ps -o times= -p "$SERVER_PID" || echo "?"); psql_pg "SELECT pg_stat_statements_reset(), pg_stat_reset_shared('wal')" >/dev/null; }
    [[ -z ${WARM:-} ]] || "${IN_CLI[@]}" perfdhcp -4 -l "$VC" -r "$rate" -R "$CLIENTS" -p "$WARM" -W 2000000 -b mac=02:00:00:00:00:00 >"$dir/warm.out" 2>&1 || true
    ticks=$(cpu_ticks "$SERVER_PID"); sdrops=$(udp_drops "$SRV"); cdrops=$(udp_drops "$CLI"); [[ -z ${THREADS:-} ]] || thread_ticks "$SERVER_PID" >"$dir/threads.before"
    "${IN_CLI[@]}" /usr/bin/time -o "$dir/perfdhcp.cpu" -f "%U %S" perfdhcp -4 -l "$VC" -r "$rate" -R "$CLIENTS" -p "$PERIOD" -W 2000000 -s 1 -x et >"$dir/perfdhcp.out" 2>&1 || true
    [[ -z "${DEBUG:-}" ]] || cat "$dir/perfdhcp.out" >&2
    printf "%s %7.2f %9d %9d %7.2f\n" "$(summary "$server" "$rate" "$dir/perfdhcp.out")" "$(( $(cpu_ticks "$SERVER_PID") - ticks ))e-2" \
      "$(( $(udp_drops "$SRV") - sdrops ))" "$(( $(udp_drops "$CLI") - cdrops ))" "$(awk 'END { print $1 + $2 }' "$dir/perfdhcp.cpu")"
    [[ -z ${THREADS:-} ]] || { thread_ticks "$SERVER_PID" >"$dir/threads.after"; echo "## $server $rate: CPU ticks per thread name during the step"; thread_delta "$dir/threads.before" "$dir/threads.after"; } >&2
    [[ -z $profiling ]] || profile "$server" "$rate" >&2
    stop_server "$dir"
  done
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
