#!/usr/bin/env bash
# The README's "Running on several machines", followed step by step on four network namespaces
# that stand for four machines joined by a router:
#
#   server 10.78.1.2 (KMS) ─┐
#   soldiers 10.78.2.2 ─────┼─ router (10.78.x.1, forwards) ─ relay machine 10.78.3.2 (relay)
#
# The KMS issues the remote relay's certificate (./qstcs kms issue-cert), the operator makes
# enrollment strings (./qstcs enroll), the soldiers' machine redeems them over the network
# (./qstcs chat --enroll … --enroll-only) and then runs the three acts of the demo story against the
# remote servers. No name server is reachable in the namespaces, as on a field network without
# DNS: a server that asked DNS for a peer's name would stall every connection.
#
# Needs root (ip netns). Run by ./qstcs test after mvn verify; alone: sudo bash THIS_FILE.
# Prints the servers' logs when a step fails; leaves nothing behind.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
QSTCS="$ROOT/qstcs"
JAVA="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
LAB=several-machines
# shellcheck source-path=SCRIPTDIR source=machines.sh
. "$(dirname "${BASH_SOURCE[0]}")/machines.sh"
lab_require_root

# --- the network ---------------------------------------------------------------------------------
lab_start 10.78 srv sol rly
KMS_HOST=10.78.1.2
RELAY_HOST=10.78.3.2
mkdir -p "$WORK/server" "$WORK/relay/kms" "$WORK/soldiers"

# --- 1. server machine: the KMS ------------------------------------------------------------------
say "server: ./qstcs kms (relay on another machine: wss://$RELAY_HOST:8765)"
start_on srv "$WORK/kms.log" "$QSTCS" kms --home "$WORK/server" --relay-url "wss://$RELAY_HOST:8765"
wait_port srv 8443 "the KMS" "${PIDS[-1]}"
grep -q "https://$KMS_HOST:8443" "$WORK/kms.log" || fail "the KMS did not print its LAN URL https://$KMS_HOST:8443"

# --- a relay on another machine ------------------------------------------------------------------
say "server: ./qstcs kms issue-cert --for relay --san $RELAY_HOST; copy it and the relay token over"
on srv "$QSTCS" kms issue-cert --for relay --san "$RELAY_HOST" --out "$WORK/server/relay.pem" \
  --home "$WORK/server" >"$WORK/issue-cert.log" 2>&1 || fail "issue-cert"
cp "$WORK/server/relay.pem" "$WORK/relay/relay.pem"
cp "$WORK/server/kms/relay.token" "$WORK/relay/kms/relay.token"
say "relay machine: ./qstcs relay --tls-cert relay.pem --kms http://$KMS_HOST:8000"
start_on rly "$WORK/relay.log" "$QSTCS" relay --home "$WORK/relay" --tls-cert "$WORK/relay/relay.pem" \
  --kms "http://$KMS_HOST:8000"
wait_port rly 8765 "the relay" "${PIDS[-1]}"

# --- 2./3. enroll each soldier, redeem on the soldiers' machine ----------------------------------
for soldier in Soldier_Alpha Soldier_Bravo; do
  enrollment="$(on srv "$QSTCS" enroll "$soldier" --home "$WORK/server" 2>>"$WORK/enroll.log" | grep '^qstcs://')" \
    || fail "./qstcs enroll $soldier printed no enrollment string"
  case "$enrollment" in
    "qstcs://$KMS_HOST:8443/?device=$soldier&"*"relay=wss%3A%2F%2F$RELAY_HOST%3A8765"*) ;;
    *) fail "enrollment string names the wrong KMS or relay: ${enrollment%%code=*}…" ;;
  esac
  say "soldiers: ./qstcs chat --enroll 'qstcs://$KMS_HOST:8443/?device=$soldier&…' --enroll-only"
  on sol "$QSTCS" chat --enroll "$enrollment" --enroll-only --home "$WORK/soldiers" >>"$WORK/redeem.log" 2>&1 \
    || fail "redeeming the enrollment of $soldier"
  [ "$(stat -c %a "$WORK/soldiers/devices/$soldier.json")" = 600 ] || fail "$soldier's credentials are not 0600"
done

# --- the three acts from the soldiers' machine ---------------------------------------------------
# The headless demo plays both soldiers and, with the operator token, the operator.
say "soldiers: the three acts against the remote KMS and relay"
QSTCS_OPERATOR_TOKEN="$(cat "$WORK/server/kms/operator.token")" \
  on sol "$JAVA" --enable-native-access=ALL-UNNAMED \
    -cp "$ROOT/console-fx/target/classes:$(cat "$ROOT/console-fx/target/classpath.txt")" \
    qstcs.demo.HeadlessDemo --home "$WORK/soldiers" 2>&1 | tee "$WORK/demo.log" >&2
grep -q "RESULT: all three acts passed" "$WORK/demo.log" || fail "the three acts did not pass"
grep -q "both online, shared key id" "$WORK/demo.log" || fail "the soldiers never came online"
# A few hundred ms here; a server stalled on DNS for each new connection takes seconds.
ms="$(sed -n 's/.*reset → first delivery: \([0-9]*\) ms.*/\1/p' "$WORK/demo.log")"
if [ -z "$ms" ] || [ "$ms" -ge 3000 ]; then
  fail "reset → first delivery took ${ms:-?} ms (expected well under 3 s)"
fi
if grep -q "cannot check a device token" "$WORK/relay.log"; then
  fail "the relay could not reach the KMS for a token check"
fi
say "passed: KMS, relay and soldiers on three machines, enrolled over the network"
for pid in "${PIDS[@]}"; do
  kill -0 "$pid" 2>/dev/null || fail "a server (pid $pid) is no longer running: see its log"
done
