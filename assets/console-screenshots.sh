#!/usr/bin/env bash
# Screenshots of `./qstcs demo` as a user sees it, on virtual screens of 1920x1080 and 1366x768
# with a window manager: the link GREEN, RED after a forced attack, and GREEN again after a reset.
# Writes assets/demo-<W>x<H>-{green,red,reset}.png. Both actions go through the KMS's operator
# routes with a reason, as the console's buttons do after their confirmation.
# Needs: xvfb, openbox, xdotool, wmctrl, scrot, curl, libgtk-3-0 (apt-get install -y ...).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/assets}"

XP=""
WP=""
DEMO=""
# Whatever happens, nothing this script started is left running.
cleanup() {
  if [ -n "$DEMO" ]; then kill -TERM -- "-$DEMO" 2>/dev/null || true; fi
  if [ -n "$WP" ]; then kill "$WP" 2>/dev/null || true; fi
  if [ -n "$XP" ]; then kill "$XP" 2>/dev/null || true; fi
  wait 2>/dev/null || true
}
trap cleanup EXIT

shot_screen() {  # width height
  local w="$1" h="$2" work home token n=0
  work="$(mktemp -d)"
  home="$work/home"
  mkdir -p "$home"
  exec 5>"$work/display"
  Xvfb -displayfd 5 -screen 0 "${w}x${h}x24" -nolisten tcp >/dev/null 2>&1 &
  XP=$!
  for _ in $(seq 1 100); do [ -s "$work/display" ] && break; sleep 0.1; done
  DISPLAY=":$(head -n 1 "$work/display")"
  export DISPLAY
  openbox --sm-disable >/dev/null 2>&1 &
  WP=$!
  for _ in $(seq 1 100); do wmctrl -m >/dev/null 2>&1 && break; sleep 0.1; done
  set -m
  QSTCS_HOME="$home" "$ROOT/qstcs" demo >"$work/demo.log" 2>&1 &
  DEMO=$!
  set +m
  for _ in $(seq 1 1200); do
    n=$( (xdotool search --onlyvisible --name 'SOC console' 2>/dev/null || true) | wc -l)
    [ "$n" -ge 1 ] && break
    sleep 0.1
  done
  [ "$n" -ge 1 ] || { echo "no SOC console window after 120 s; see $work/demo.log" >&2; cat "$work/demo.log" >&2; exit 1; }
  token="$(cat "$home/kms/operator.token")"
  kms() {  # path [json]
    curl -sS --cacert "$home/kms/ca.crt" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
      -X POST -d "${2:-{\}}" "https://127.0.0.1:8443/$1" >/dev/null
  }
  status() { curl -sS --cacert "$home/kms/ca.crt" https://127.0.0.1:8443/link_status | sed -n 's/.*"status":"\([A-Z]*\)".*/\1/p'; }
  sleep 15   # the soldiers come online and the charts fill with a few rounds
  scrot -o "$OUT/demo-${w}x${h}-green.png"
  kms force_attack '{"reason":"screenshot: forced attack"}'
  until [ "$(status)" = RED ]; do sleep 0.2; done
  sleep 4
  scrot -o "$OUT/demo-${w}x${h}-red.png"
  kms reset '{"reason":"screenshot: back to GREEN"}'
  until [ "$(status)" = GREEN ]; do sleep 0.2; done
  sleep 6
  scrot -o "$OUT/demo-${w}x${h}-reset.png"
  wmctrl -c 'SOC console'
  wait "$DEMO" || true
  DEMO=""
  kill "$WP" "$XP" 2>/dev/null || true
  wait 2>/dev/null || true
  WP=""
  XP=""
  rm -rf "$work"
  echo "screenshots: $OUT/demo-${w}x${h}-{green,red,reset}.png"
}

"$ROOT/qstcs" build >/dev/null
shot_screen 1920 1080
shot_screen 1366 768
