#!/usr/bin/env bash
# Runs `./qstcs demo` on a virtual 1920x1080 screen, waits until the SOC console and both chat
# windows are up, has the soldiers' first message on screen, saves a screenshot of the whole screen
# to assets/demo-screen.png, then presses "Ctrl-C" (SIGINT to the demo's process group, as a
# terminal does) and checks that no process the demo started is left behind.
# Needs: xvfb, x11-utils, xdotool, imagemagick, libgtk-3-0 (apt-get install -y ...).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${1:-$ROOT/assets/demo-screen.png}"

if [ -z "${DISPLAY:-}" ]; then
  exec xvfb-run -a -s '-screen 0 1920x1080x24' "$0" "$@"
fi
for tool in xdotool import; do
  command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install -y xdotool imagemagick" >&2; exit 1; }
done

export QSTCS_HOME="${QSTCS_HOME:-$(mktemp -d)}"
"$ROOT/qstcs" build >/dev/null
set -m   # job control: the demo gets its own process group, like a terminal's foreground job
"$ROOT/qstcs" demo >"$QSTCS_HOME/demo.log" 2>&1 &
demo=$!
pgid=$(ps -o pgid= "$demo" | tr -d ' ')

windows() { xdotool search --onlyvisible --name "$1" 2>/dev/null | head -n 1; }
for _ in $(seq 1 180); do
  if [ -n "$(windows 'SOC console')" ] && [ -n "$(windows 'Soldier_Alpha')" ] && [ -n "$(windows 'Soldier_Bravo')" ]; then
    break
  fi
  sleep 1
done
sleep 8   # let the first rounds reach the console and the chats come online
say() {  # window name, text: type a message into a chat window and press Enter
  local w
  w=$(windows "$1")
  xdotool mousemove --window "$w" 400 465 click 1   # the message field (chat window is 750x515)
  xdotool windowfocus "$w" 2>/dev/null || true
  xdotool type --delay 20 "$2"
  xdotool key Return
  sleep 2
}
say 'Soldier_Alpha' 'Bravo, radio check. Over.'
say 'Soldier_Bravo' 'Alpha, loud and clear. Over.'
import -window root "$OUT"
echo "screenshot: $OUT"

kill -INT -- "-$pgid"
wait "$demo" || true
sleep 1
left=$(pgrep -f "QSTCS_HOME=$QSTCS_HOME|$QSTCS_HOME/cache/openjfx" || true)
if [ -n "$left" ]; then
  echo "processes left after Ctrl-C: $left" >&2
  exit 1
fi
echo "Ctrl-C stopped every process the demo started"
