#!/usr/bin/env bash
# Where a server's CPU goes under redis-benchmark, per thread and user/kernel, for Cairn and Debian's redis-server
# under the same load, one test at a time: the CPU per request of each thread group (Cairn: the engine thread, the GC
# threads, the JIT compilers, the rest; Redis: its main thread, the rest), its user and kernel shares, and the engine
# (main) thread's voluntary and involuntary context switches per request. From /proc/<pid>/task/*/ before and after
# each run: schedstat for the time, stat for the user/kernel split, status for the switches.
#
# With PERF=1 a second run of each test is sampled with perf (cpu-clock, kernel stacks) on the engine thread (Redis:
# its main thread) and its samples are grouped twice: by the operation they were made under (a receive, a send, poll
# arming, task work, waiting, other system calls; the innermost match wins, so a receive retried from task work counts
# as a receive) and by the innermost kernel function family (copying, TCP, the loopback's delivery to the peer in
# softirq, waking the peer, scheduling, io_uring's own bookkeeping). Needs perf and root (or perf_event_paranoid <= 1).
# The servers run on CPU 0 and redis-benchmark on CPU 1, as bench/redis-compare.sh does.
#
# usage: bench/cpu-split.sh [TESTS] ; env: PIPELINE=1 CLIENTS=50 REQUESTS=200000 KEYSPACE=100000 PORT=7530
#        REDIS_PORT=7531 (REDIS=0: Cairn only) TREE=dir (the Cairn tree to start, built; default this one)
#        CAIRN_JAVA_OPTS= PERF=0 TOP=12 (kernel functions listed per server when PERF=1)
#        EVENTS=1: one more run counting, per request, the engine (main) thread's system calls, context switches and
#        io_uring submissions, poll armings, task work runs and completions; needs perf and root
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
TESTS=${1-get,set}
PIPELINE=${PIPELINE:-1}
CLIENTS=${CLIENTS:-50}
REQUESTS=${REQUESTS:-200000}
KEYSPACE=${KEYSPACE:-100000}
PORT=${PORT:-7530}
REDIS_PORT=${REDIS_PORT:-7531}
REDIS=${REDIS:-1}
TREE=${TREE:-$here}
PERF=${PERF:-0}
EVENTS=${EVENTS:-0}
TOP=${TOP:-12}
command -v redis-benchmark >/dev/null || { echo "needs redis-benchmark (and redis-server)" >&2; exit 2; }
if [ "$PERF$EVENTS" != 00 ]; then command -v perf >/dev/null || { echo "PERF=1 needs perf" >&2; exit 2; }; fi
source "$here/bin/find-jdk.sh"
work=$(mktemp -d)
cleanup() {
  # waited for, so that a run right after this one finds the port free
  [ -n "${cairn_pid:-}" ] && kill "$cairn_pid" 2>/dev/null && wait "$cairn_pid" 2>/dev/null || true
  [ "$REDIS" = 1 ] && redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
  [ -n "${cairn_pid:-}" ] && rm -f "/tmp/perf-$cairn_pid.map"
}
trap cleanup EXIT

taskset -c 0 "$TREE/cairn-server" --port "$PORT" --save '' --dir "$work" >"$work/cairn.log" 2>&1 &
cairn_pid=$!
servers=("cairn $PORT")
if [ "$REDIS" = 1 ]; then
  taskset -c 0 redis-server --port "$REDIS_PORT" --save '' --appendonly no --dir "$work" --daemonize yes \
    --logfile "$work/redis.log"
  servers+=("redis $REDIS_PORT")
fi
for s in "${servers[@]}"; do
  port=${s#* }
  for _ in $(seq 1 100); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.2; done
  redis-cli -p "$port" ping >/dev/null || { echo "server on port $port did not start" >&2; cat "$work"/*.log >&2; exit 1; }
done
pid_of() { redis-cli -p "$1" info server | tr -d '\r' | awk -F: '$1 == "process_id" {print $2}'; }

bench1() { # port requests test [args]
  local port=$1 n=$2 t=$3
  shift 3
  taskset -c 1 redis-benchmark -p "$port" -t "$t" -n "$n" -c "$CLIENTS" -P "$PIPELINE" -r "$KEYSPACE" "$@"
}

# one line per thread: tid, run time (ns), user and kernel ticks, voluntary and involuntary switches, name
snapshot() {
  local pid=$1 d stat comm rest
  for d in /proc/"$pid"/task/*; do
    read -r stat <"$d/stat" 2>/dev/null || continue
    comm=${stat#*(}; comm=${comm%)*}; rest=${stat##*) }
    read -r -a f <<<"$rest"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${d##*/}" "$(cut -d' ' -f1 "$d/schedstat")" "${f[11]}" "${f[12]}" \
      "$(awk '$1 == "voluntary_ctxt_switches:" {print $2}' "$d/status")" \
      "$(awk '$1 == "nonvoluntary_ctxt_switches:" {print $2}' "$d/status")" "${comm// /_}"
  done
}

# the thread group of a thread name
groups_awk='
  function group(who, name) {
    if (who == "redis") return name == "redis-server" ? "main" : "other"
    if (name == "cairn-engine") return "engine"
    if (name ~ /^(GC_Thread|G1_|GC_)/) return "gc"
    if (name ~ /^C[12]_CompilerThre/) return "jit"
    return "other"
  }'

report() { # who requests before after
  awk -F'\t' -v who="$1" -v n="$2" "$groups_awk"'
    FNR == NR { t0[$1] = $2; u0[$1] = $3; s0[$1] = $4; v0[$1] = $5; i0[$1] = $6; next }
    { g = group(who, $7); ns[g] += $2 - t0[$1]; u[g] += $3 - u0[$1]; s[g] += $4 - s0[$1]
      vol[g] += $5 - v0[$1]; inv[g] += $6 - i0[$1]; total += $2 - t0[$1] }
    END {
      printf "  %-6s all threads %.2f us/req\n", who, total / n / 1000
      for (g in ns) if (ns[g] > 0) {
        tk = u[g] + s[g]
        printf "    %-7s %6.2f us/req (%4.1f%%)  user %3.0f%% kernel %3.0f%%  switches/req voluntary %.3f involuntary %.3f\n",
          g, ns[g] / n / 1000, 100 * ns[g] / total, tk ? 100 * u[g] / tk : 0, tk ? 100 * s[g] / tk : 0,
          vol[g] / n, inv[g] / n
      }
    }' "$3" "$4" | sort -k2,2 -s
}

# groups perf samples (leaf frame first) by operation and by innermost kernel function family
perf_summary() {
  perf script -i "$1" -F ip,sym,dso 2>/dev/null | python3 -c '
import re, sys
from collections import Counter
top = int(sys.argv[1])
# the operation a sample was made under: the first of these found anywhere in its stack
ops = [("recv", r"^(io_recv|__sys_recvfrom|sock_recvmsg|sock_read_iter|tcp_recvmsg)"),
       ("send", r"^(io_write|io_writev|io_send|io_sendmsg|__sys_sendto|sock_write_iter|tcp_sendmsg|do_writev)"),
       ("poll (epoll_wait, io_uring poll arming)", r"^(io_arm_poll|__io_arm_poll|io_poll_add|io_poll_task_func|io_poll_check_events|ep_poll$|do_epoll_wait)"),
       ("wait/sleep", r"^(io_cqring_wait|schedule$|__schedule|schedule_hrtimeout)"),
       ("task work/completions", r"^(io_run_local_work|__io_run_local_work|tctx_task_work|io_handle_tw_list|io_submit_flush_completions|__io_submit_flush_completions|task_work_run)"),
       ("io_uring_enter other", r"^(__do_sys_io_uring_enter|__x64_sys_io_uring_enter|io_submit_sqes)"),
       ("interrupt/timer", r"^(asm_sysvec|sysvec_|irq_exit|hrtimer_interrupt)")]
# the innermost family: the first of these found walking from the leaf
fams = [("scheduling", r"^(__schedule|schedule$|finish_task_switch|pick_next|dequeue_task|enqueue_task|update_curr|psi_)"),
        ("waking the peer", r"^(try_to_wake_up|__wake_up|ttwu_|select_task_rq|sock_def_readable|ep_poll_callback)"),
        ("copy to/from user", r"^(copy_user|_copy_to_iter|_copy_from_iter|__copy_|rep_movs|copy_to_user|copy_from_user|skb_copy_datagram)"),
        ("loopback delivery (softirq rx)", r"^(tcp_v4_rcv|tcp_v4_do_rcv|tcp_rcv_established|ip_rcv|ip_local_deliver|__netif_receive_skb|process_backlog|net_rx_action|__do_softirq|handle_softirqs|do_softirq)"),
        ("io_uring poll", r"^(io_arm_poll|__io_arm_poll|io_poll|__io_queue_proc|io_pollfree|io_poll_wake)"),
        ("tcp recv", r"^(tcp_recvmsg|tcp_cleanup_rbuf|tcp_rcv_space|sock_recvmsg|tcp_recv)"),
        ("tcp/ip send", r"^(tcp_sendmsg|tcp_write_xmit|__tcp_transmit_skb|tcp_push|ip_queue_xmit|ip_finish_output|__dev_queue_xmit|loopback_xmit|__ip_queue_xmit|ip_output|tcp_skb|sk_stream_alloc|__alloc_skb|kmalloc_reserve|skb_)"),
        ("memory (slab/page)", r"^(kmem_cache|__kmalloc|kfree|__slab|slab_|___slab|page_frag|__page|free_unref)"),
        ("io_uring submit/complete", r"^(io_|__io_)"),
        ("syscall entry/exit", r"^(entry_SYSCALL|do_syscall_64|syscall_exit|syscall_return|exit_to_user|__x64_sys|x64_sys_call)"),
        ("epoll", r"^(ep_|do_epoll)")]
n = 0; kernel = 0
op_count = Counter(); fam_count = Counter(); user_count = Counter(); leaf_count = Counter(); user_leaf = Counter()
def done(frames):
    global n, kernel
    if not frames:
        return
    n += 1
    addr, sym, dso = frames[0]
    if not dso.startswith("[kernel"):
        user_count[re.sub(r".*/perf-[0-9]+[.]map$", "JIT-compiled Java", dso)] += 1
        user_leaf[sym] += 1
        return
    kernel += 1
    names = [s for _, s, _ in frames]
    for label, pat in ops:
        if any(re.match(pat, s) for s in names):
            op_count[label] += 1; break
    else:
        op_count["other: " + next((s for s in names if s.startswith("__x64_sys_")), names[-1])] += 1
    for s in names:
        hit = next((label for label, pat in fams if re.match(pat, s)), None)
        if hit:
            fam_count[hit] += 1; break
    else:
        fam_count["other"] += 1
    leaf_count[names[0]] += 1
frames = []
for line in sys.stdin:
    line = line.strip()
    if not line:
        done(frames); frames = []; continue
    m = re.match(r"([0-9a-f]+)\s+(\S+?)(\+0x[0-9a-f]+)?\s+\((.*)\)$", line)
    if m:
        frames.append((m.group(1), m.group(2), m.group(4)))
done(frames)
if n == 0:
    print("    no samples"); sys.exit()
pct = lambda c: 100.0 * c / n
print("    samples %d: user %.1f%%, kernel %.1f%%" % (n, pct(n - kernel), pct(kernel)))
print("    user by object: " + ", ".join("%s %.1f%%" % (k, pct(v)) for k, v in user_count.most_common(5)))
print("    user leaf functions: " + ", ".join("%s %.1f%%" % (k, pct(v)) for k, v in user_leaf.most_common(top)))
print("    kernel by operation: " + ", ".join("%s %.1f%%" % (k, pct(v)) for k, v in op_count.most_common(10)))
print("    kernel by innermost family: " + ", ".join("%s %.1f%%" % (k, pct(v)) for k, v in fam_count.most_common()))
print("    kernel leaf functions: " + ", ".join("%s %.1f%%" % (k, pct(v)) for k, v in leaf_count.most_common(top)))
' "$TOP"
}

IFS=, read -r -a tests <<<"$TESTS"
for s in "${servers[@]}"; do # warm-up (the JIT), and the same dataset on both
  for t in "${tests[@]}"; do bench1 "${s#* }" $((REQUESTS * 2)) "$t" -q >/dev/null 2>&1; done
done
echo "P$PIPELINE, $CLIENTS clients, $REQUESTS requests a run; servers on CPU 0, redis-benchmark on CPU 1"
for t in "${tests[@]}"; do
  for s in "${servers[@]}"; do
    who=${s% *} port=${s#* }
    pid=$(pid_of "$port")
    snapshot "$pid" >"$work/before"
    rps=$(bench1 "$port" "$REQUESTS" "$t" --csv 2>/dev/null | awk -F'","' '!/^"test"/ {gsub(/"/, "", $2); printf "%s ", $2}')
    snapshot "$pid" >"$work/after"
    runs=$(wc -w <<<"$rps")
    echo "$t ($who, rps $rps)"
    report "$who" $((REQUESTS * runs)) "$work/before" "$work/after"
    if [ "$PERF" = 1 ]; then
      main=$(awk -F'\t' -v who="$who" '(who == "cairn" && $7 == "cairn-engine") || (who == "redis" && $7 == "redis-server") {print $1; exit}' "$work/after")
      perf record -q -e cpu-clock -F 4999 -g -t "$main" -o "$work/perf.data" -- \
        taskset -c 1 redis-benchmark -p "$port" -t "$t" -n "$REQUESTS" -c "$CLIENTS" -P "$PIPELINE" -r "$KEYSPACE" -q \
        >/dev/null 2>&1
      # Java's compiled methods by name (the JVM writes its perf map on request)
      if [ "$who" = cairn ]; then "$JAVA_HOME/bin/jcmd" "$pid" Compiler.perfmap >/dev/null 2>&1 || true; fi
      echo "   perf on the $( [ "$who" = cairn ] && echo engine || echo main ) thread:"
      perf_summary "$work/perf.data"
    fi
    if [ "$EVENTS" = 1 ]; then
      main=$(awk -F'\t' -v who="$who" '(who == "cairn" && $7 == "cairn-engine") || (who == "redis" && $7 == "redis-server") {print $1; exit}' "$work/after")
      perf stat -x, -o "$work/events" -t "$main" -e raw_syscalls:sys_enter,sched:sched_switch \
        -e io_uring:io_uring_submit_req,io_uring:io_uring_poll_arm,io_uring:io_uring_local_work_run \
        -e io_uring:io_uring_complete -- \
        taskset -c 1 redis-benchmark -p "$port" -t "$t" -n "$REQUESTS" -c "$CLIENTS" -P "$PIPELINE" -r "$KEYSPACE" -q \
        >/dev/null 2>&1
      awk -F, -v n="$REQUESTS" '$3 ~ /:/ { sub(/^[a-z_]+:(io_uring_)?/, "", $3); printf "%s %.3f, ", $3, $1 / n }
        END { print "" }' "$work/events" | sed 's/^/   per request: /; s/, $//'
    fi
  done
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
