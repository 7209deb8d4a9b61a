#!/usr/bin/env bash
# The README's relay cluster set-up ("Running on several machines", several relays), followed
# command by command on six network namespaces that stand for six machines joined by a router:
#
#   KMS 10.79.1.2 ──────────┐                   ┌── relay-a 10.79.3.2
#   NATS 10.79.2.2 ─────────┼─ router (10.79.x.1) ┼── relay-b 10.79.4.2
#   Soldier_Alpha 10.79.5.2 ┘                   └── Soldier_Bravo 10.79.6.2
#
# NATS runs with JetStream on its own machine; each relay gets its certificate from the KMS
# (issue-cert) and joins the cluster; the KMS names both relays in its enrollment strings
# (--relay-url A,B), so each soldier enrolls over the network and knows both: Alpha starts with
# the saved list (relay-a first), Bravo types the list beginning with relay-b, so the
# conversation crosses relays. The soldiers are played by qstcs.demo.ScriptedSoldier (the chat
# window's session with the same saved credentials and --relay list): both stream messages; in
# the middle relay-a's machine dies (its network goes silent, then its process is killed):
# Alpha moves to relay-b by itself, and every message arrives once, in order, each confirmed
# (✓✓). Then the operator's Force Attack: the RED cut-off reaches both soldiers and relay-b
# turns RED; after the reset both re-key and talk again.
#
# Needs root (ip netns) and nats-server. Run by ./qstcs test after mvn verify; alone:
# sudo bash THIS_FILE. Prints the logs when a step fails; leaves nothing behind.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
QSTCS="$ROOT/qstcs"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
LAB=several-machines-cluster
MESSAGES=200
# shellcheck source-path=SCRIPTDIR source=machines.sh
. "$(dirname "${BASH_SOURCE[0]}")/machines.sh"
lab_require_root
if ! command -v nats-server >/dev/null; then
  say "skipped: nats-server is not installed (apt-get install nats-server)"
  exit 0
fi

lab_start 10.79 srv nat rla rlb sa sb
KMS_HOST=10.79.1.2
NATS_HOST=10.79.2.2
RELAY_A=10.79.3.2
RELAY_B=10.79.4.2
mkdir -p "$WORK/server" "$WORK/nats" "$WORK/relay-a/kms" "$WORK/relay-b/kms" "$WORK/alpha" "$WORK/bravo" "$WORK/steps"

# --- NATS machine ----------------------------------------------------------------------------------
say "nats: nats-server -a $NATS_HOST -p 4222 -js -sd /var/lib/qstcs-nats"
start_on nat "$WORK/nats.log" nats-server -a "$NATS_HOST" -p 4222 -js -sd "$WORK/nats"
wait_port_on_address() {  # MACHINE ADDRESS PORT WHAT PID
  local i
  for i in $(seq 1 60); do
    if on "$1" bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null; then return 0; fi
    kill -0 "$5" 2>/dev/null || fail "$4 exited before listening on $2:$3"
    sleep 0.5
  done
  fail "$4 did not listen on $2:$3 within 30 s"
}
# wait_log FILE TEXT WHAT — until a server printed TEXT (its banner follows the listening port).
wait_log() {
  local i
  for i in $(seq 1 100); do
    if grep -qF "$2" "$1"; then return 0; fi
    sleep 0.1
  done
  fail "no $3 within 10 s"
}
wait_port_on_address nat "$NATS_HOST" 4222 "nats-server" "${PIDS[-1]}"

# --- KMS machine -----------------------------------------------------------------------------------
say "kms: ./qstcs kms --relay-url wss://$RELAY_A:8765,wss://$RELAY_B:8765"
start_on srv "$WORK/kms.log" "$QSTCS" kms --home "$WORK/server" --relay-url "wss://$RELAY_A:8765,wss://$RELAY_B:8765"
wait_port srv 8443 "the KMS" "${PIDS[-1]}"

# --- relay machines --------------------------------------------------------------------------------
RELAY_PIDS=()
for relay in a b; do
  if [ "$relay" = a ]; then host="$RELAY_A"; machine=rla; else host="$RELAY_B"; machine=rlb; fi
  say "kms: ./qstcs kms issue-cert --for relay --san $host --out relay-$relay.pem; copy it and kms/relay.token over"
  on srv "$QSTCS" kms issue-cert --for relay --san "$host" --out "$WORK/server/relay-$relay.pem" \
    --home "$WORK/server" >>"$WORK/issue-cert.log" 2>&1 || fail "issue-cert for relay-$relay"
  cp "$WORK/server/relay-$relay.pem" "$WORK/relay-$relay/relay-$relay.pem"
  cp "$WORK/server/kms/relay.token" "$WORK/relay-$relay/kms/relay.token"
  say "relay-$relay: ./qstcs relay --tls-cert relay-$relay.pem --kms http://$KMS_HOST:8000 --cluster nats://$NATS_HOST:4222 --node relay-$relay"
  start_on "$machine" "$WORK/relay-$relay.log" "$QSTCS" relay --home "$WORK/relay-$relay" \
    --tls-cert "$WORK/relay-$relay/relay-$relay.pem" --kms "http://$KMS_HOST:8000" \
    --cluster "nats://$NATS_HOST:4222" --node "relay-$relay"
  RELAY_PIDS+=("${PIDS[-1]}")
  wait_port "$machine" 8765 "relay-$relay" "${PIDS[-1]}"
  wait_log "$WORK/relay-$relay.log" "cluster: relay relay-$relay of the relays sharing nats://$NATS_HOST:4222" \
    "relay-$relay's banner naming its node and the cluster"
done

# --- soldier machines: enroll (the string names both relays), then chat ----------------------------
soldier_home() { if [ "$1" = Soldier_Alpha ]; then echo "$WORK/alpha"; else echo "$WORK/bravo"; fi; }
soldier_machine() { if [ "$1" = Soldier_Alpha ]; then echo sa; else echo sb; fi; }
for soldier in Soldier_Alpha Soldier_Bravo; do
  enrollment="$(on srv "$QSTCS" enroll "$soldier" --home "$WORK/server" 2>>"$WORK/enroll.log" | grep '^qstcs://')" \
    || fail "./qstcs enroll $soldier printed no enrollment string"
  say "$soldier: ./qstcs chat --enroll 'qstcs://$KMS_HOST:8443/?device=$soldier&…' --enroll-only"
  on "$(soldier_machine "$soldier")" "$QSTCS" chat --enroll "$enrollment" --enroll-only --home "$(soldier_home "$soldier")" \
    >>"$WORK/redeem.log" 2>&1 || fail "redeeming the enrollment of $soldier"
  grep -q "\"relay_urls\":\"wss://$RELAY_A:8765,wss://$RELAY_B:8765\"" "$(soldier_home "$soldier")/devices/$soldier.json" \
    || fail "$soldier's saved credentials do not list both relays"
done

SOLDIER_CP="$ROOT/console-fx/target/test-classes:$ROOT/console-fx/target/classes:$(cat "$ROOT/console-fx/target/test-classpath.txt")"
soldier() {  # ID PEER [RELAYS] — stands in for ./qstcs chat --device ID [--relay RELAYS]
  say "$1: ./qstcs chat --device $1${3:+ --relay $3}"
  start_on "$(soldier_machine "$1")" "$WORK/$1.log" "$JAVA" -cp "$SOLDIER_CP" qstcs.demo.ScriptedSoldier \
    --home "$(soldier_home "$1")" --device "$1" --peer "$2" ${3:+--relay "$3"} --steps "$WORK/steps" --messages "$MESSAGES"
}
soldier Soldier_Alpha Soldier_Bravo
ALPHA_PID="${PIDS[-1]}"
soldier Soldier_Bravo Soldier_Alpha "wss://$RELAY_B:8765,wss://$RELAY_A:8765"
BRAVO_PID="${PIDS[-1]}"

# await_step STEP SECONDS — until both soldiers reached it; a soldier that exits before it has
# failed (one that reached the last step exits at once, possibly before the other gets there).
await_step() {
  local i
  for i in $(seq 1 $(($2 * 5))); do
    if [ -e "$WORK/steps/Soldier_Alpha.$1" ] && [ -e "$WORK/steps/Soldier_Bravo.$1" ]; then return 0; fi
    { [ -e "$WORK/steps/Soldier_Alpha.$1" ] || kill -0 "$ALPHA_PID" 2>/dev/null; } \
      || fail "Soldier_Alpha stopped before '$1' (see its log)"
    { [ -e "$WORK/steps/Soldier_Bravo.$1" ] || kill -0 "$BRAVO_PID" 2>/dev/null; } \
      || fail "Soldier_Bravo stopped before '$1' (see its log)"
    sleep 0.2
  done
  fail "the soldiers did not reach '$1' within $2 s"
}

operator() {  # ROUTE — an operator call on the KMS's TLS port, from the KMS machine
  on srv curl -sf --cacert "$WORK/server/kms/ca.crt" -X POST \
    -H "Authorization: Bearer $(cat "$WORK/server/kms/operator.token")" "https://127.0.0.1:8443/$1" >>"$WORK/operator.log" 2>&1 \
    || fail "POST /$1 failed"
  echo >>"$WORK/operator.log"
}

await_step online 90
grep -q "Connecting to the relay at wss://$RELAY_A:8765" "$WORK/Soldier_Alpha.log" || fail "Alpha did not start on relay-a"
grep -q "Connecting to the relay at wss://$RELAY_B:8765" "$WORK/Soldier_Bravo.log" || fail "Bravo did not start on relay-b"
say "both soldiers online, Alpha on relay-a and Bravo on relay-b; streaming $MESSAGES messages each way"
await_step streaming 90
say "relay-a's machine dies mid-stream: its network goes silent, then its process is killed"
ip -n "$P-rla" link set eth0 down
kill -9 "${RELAY_PIDS[0]}"
await_step delivered 150
for s in Soldier_Alpha Soldier_Bravo; do say "$s: $(cat "$WORK/steps/$s.delivered")"; done
grep -q "reconnected: true" "$WORK/steps/Soldier_Alpha.delivered" || fail "Alpha never lost relay-a"
grep -q "Soldier_Alpha: RECONNECTING — Connecting to the relay at wss://$RELAY_B:8765" "$WORK/Soldier_Alpha.log" \
  || fail "Alpha's status never named relay-b, the relay it moved to"

say "operator: Force Attack"
operator force_attack
await_step compromised 60
# The soldiers may drop their connections on the KMS's word before relay-b hears of RED: what
# counts on the relay is that it follows the link (it then closes and refuses sessions until reset).
wait_log "$WORK/relay-b.log" "quantum link status RED" "RED on relay-b"
say "both soldiers report the compromise; relay-b is RED (closes and refuses sessions until the reset)"
say "operator: Reset"
operator reset
await_step "done" 90
for s in "$ALPHA_PID" "$BRAVO_PID"; do
  wait "$s" || fail "a soldier exited with an error (see its log)"
done
say "passed: NATS, KMS and two relays on their own machines; the soldiers chatted across relays, Alpha moved when relay-a died, nothing acknowledged was lost, RED reached both, both re-keyed"
