# shellcheck shell=bash
# Machines made of network namespaces, for the tests that follow the README's several-machines
# set-ups (sourced, not run). Each machine is a namespace with one interface (eth0,
# NET.N.2/24) cabled to a router namespace that forwards between them (NET.N.1). No name server
# is reachable in them, as on a field network without DNS.
#
# The sourcing script sets LAB (its name in messages) and calls lab_start NET MACHINE…; the
# exit trap stops everything started in the machines, prints the servers' logs ($WORK/*.log)
# when the script failed, and deletes the namespaces and $WORK.

P="qsm$$"
WORK="$(mktemp -d)"
PIDS=()
LAB_MACHINES=()

say() { printf '%s: %s\n' "$LAB" "$*" >&2; }

fail() { say "FAILED: $*"; exit 1; }

# Skips the calling test (exit 0, with a visible message) where namespaces cannot be made.
lab_require_root() {
  if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
    say "skipped: needs root and iproute2 (network namespaces)"
    rm -rf "$WORK"
    exit 0
  fi
}

lab_cleanup() {
  local rc=$? n pid log
  # Everything still running in a namespace is ours (a namespace outlives its deletion while a
  # process is inside it, so stop them first).
  for n in "${LAB_MACHINES[@]}"; do
    for pid in $(ip netns pids "$P-$n" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ "$rc" != 0 ]; then
    for log in "$WORK"/*.log; do
      [ -f "$log" ] || continue
      say "---- $(basename "$log") (last 40 lines) ----"
      tail -n 40 "$log" >&2
    done
  fi
  for n in "${LAB_MACHINES[@]}"; do ip netns del "$P-$n" 2>/dev/null || true; done
  rm -rf "$WORK"
}

# lab_start NET MACHINE… — the router plus one machine per name, the Nth at NET.N.2.
lab_start() {
  local net="$1" n i=1
  shift
  trap lab_cleanup EXIT
  trap 'exit 130' INT TERM
  LAB_MACHINES=(rtr "$@")
  for n in "${LAB_MACHINES[@]}"; do
    ip netns add "$P-$n"
    ip -n "$P-$n" link set lo up
  done
  for n in "$@"; do
    ip link add "$P-$n" netns "$P-rtr" type veth peer name eth0 netns "$P-$n"
    ip -n "$P-rtr" addr add "$net.$i.1/24" dev "$P-$n"
    ip -n "$P-rtr" link set "$P-$n" up
    ip -n "$P-$n" addr add "$net.$i.2/24" dev eth0
    ip -n "$P-$n" link set eth0 up
    ip -n "$P-$n" route add default via "$net.$i.1"
    i=$((i + 1))
  done
  on rtr sysctl -qw net.ipv4.ip_forward=1
}

on() { local machine="$1"; shift; ip netns exec "$P-$machine" "$@"; }

# start_on MACHINE LOG CMD… — starts a server there in the background. ip netns exec, the
# launcher and java each exec the next, so the pid kept ($! and the last of PIDS) is the server's own.
start_on() {
  local machine="$1" log="$2"; shift 2
  ip netns exec "$P-$machine" "$@" >"$log" 2>&1 &
  PIDS+=($!)
}

# wait_port MACHINE PORT WHAT PID — until something listens there, or the process died.
wait_port() {
  local i
  for i in $(seq 1 180); do
    if on "$1" bash -c "exec 3<>/dev/tcp/127.0.0.1/$2" 2>/dev/null; then return 0; fi
    kill -0 "$4" 2>/dev/null || fail "$3 exited before listening on port $2"
    sleep 0.5
  done
  fail "$3 did not listen on port $2 within 90 s"
}
