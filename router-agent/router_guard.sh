#!/bin/sh
# router_guard.sh — QSTCS router guard.
#
# Runs on the Wi-Fi router (BusyBox ash on OpenWrt, a D-Link DSL-2750U, or any Linux router) and
# drops the chat traffic in the router's own firewall while the QSTCS key management service
# (KMS) reports the quantum link RED. The BB84 quantum link is a classical simulation; the
# firewall block is real. Needs only POSIX sh, wget (BusyBox is enough) and iptables or nft.
#
# Deployment and the OpenWrt init script: router-agent/README.md.
set -eu

# --- configuration -------------------------------------------------------------------------------
# Every variable below can be set in the environment; command-line flags override both.
KMS_HOST="${KMS_HOST:-192.168.1.100}"        # machine running the KMS
KMS_PORT="${KMS_PORT:-8000}"                 # KMS plain-HTTP port (/link_status, /router/heartbeat)
CHAT_PORT="${CHAT_PORT:-8765}"               # relay port: the traffic this guard blocks
POLL_INTERVAL="${POLL_INTERVAL:-3}"          # seconds between polls without long-poll / after errors
LONG_POLL_WAIT="${LONG_POLL_WAIT:-25}"       # seconds the KMS may hold a watch request; 0 = plain polling
FAIL_CLOSED_AFTER="${FAIL_CLOSED_AFTER:-3}"  # consecutive failed polls before blocking anyway
BACKEND="${BACKEND:-auto}"                   # auto | iptables | nft
HEARTBEAT_INTERVAL="${HEARTBEAT_INTERVAL:-10}"  # seconds between heartbeats to the KMS
ROUTER_ID="${ROUTER_ID:-}"                   # name shown in the SOC console (default: host name)
ROUTER_TOKEN="${ROUTER_TOKEN:-}"             # router token for /router/heartbeat (never logged)
ROUTER_TOKEN_FILE="${ROUTER_TOKEN_FILE:-/etc/qstcs/router.token}"
CHAIN="${CHAIN:-QSTCS_GUARD}"                # iptables chain owned by this guard
NFT_TABLE="${NFT_TABLE:-qstcs_guard}"        # nft table (family inet) owned by this guard
VERBOSE="${VERBOSE:-0}"                      # 1 = also log every request to the KMS (troubleshooting)
SYSLOG="${SYSLOG:-1}"                        # 1 = also log to syslog with logger (when present)
STATE_FILE="${STATE_FILE:-/var/run/qstcs-guard.state}"  # --once: failed polls in a row, kept across runs
BLOCK_ATTEMPTS="${BLOCK_ATTEMPTS:-3}"        # tries of a firewall block before reporting it failed
FETCH_SLACK=5                                # seconds a request may take beyond its long-poll wait

# --- state ---------------------------------------------------------------------------------------
PROG=router_guard.sh
ONCE=0
DRY_RUN=0
LAST_STATUS=UNKNOWN   # last status read from the KMS: GREEN, YELLOW, RED or UNKNOWN
FAILS=0               # consecutive failed polls
BLOCK_REASON=''       # why we block: breach, fail-closed, previous-run; empty while allowing
DRY_BLOCKING=0        # the firewall state --dry-run pretends to have
WORK_DIR=''
CHILD=''              # pid of the wget/sleep we are waiting for (killed on exit)
WGET_TIMEOUT=none     # how a request gets a deadline: opt (wget -T), timeout, timeout-t, none
IPT_TOOLS=''          # iptables, plus ip6tables where it works
IPT_LOCK=0            # 1 when iptables understands -w (wait for the xtables lock)
HB_FAILING=0          # 1 while heartbeats fail, so a failure is logged once, not every 10 s
HEADLINE=''           # status line to print before the first firewall command it causes
FIREWALL_READY=0      # 1 once a backend is set up: only then may the exit handler touch rules
BLOCK_FAILED=0        # 1 while the guard should block but the firewall refused the rules
WGET_NO_REDIRECT=''   # --max-redirect=0 where wget has it (GNU); BusyBox wget always follows

usage() {
	cat <<EOF
Usage: $PROG [options]

QSTCS router guard: watches the KMS link status and drops chat traffic (tcp port $CHAT_PORT,
both directions) in the router's FORWARD path while the quantum link is RED.
(The BB84 quantum link is a classical simulation; the firewall block is real.)

Options (environment variables of the same name work too):
  --kms-host HOST           KMS address                          [$KMS_HOST]
  --kms-port PORT           KMS plain-HTTP port                  [$KMS_PORT]
  --chat-port PORT          chat relay port to block             [$CHAT_PORT]
  --poll-interval SEC       polling period without long-poll     [$POLL_INTERVAL]
  --long-poll-wait SEC      long-poll hold time, 0 disables      [$LONG_POLL_WAIT]
  --fail-closed-after N     block after N failed polls in a row  [$FAIL_CLOSED_AFTER]
  --backend B               auto, iptables or nft                [$BACKEND]
  --heartbeat-interval SEC  heartbeat period                     [$HEARTBEAT_INTERVAL]
  --router-id ID            router name reported to the KMS      [host name]
  --token-file FILE         file holding the router token        [$ROUTER_TOKEN_FILE]
                            (or set ROUTER_TOKEN in the environment)
  --verbose                 also log every request to the KMS and its answer
  --no-syslog               log to stderr only, not also to syslog (SYSLOG=0)
  --once                    poll once, apply the result, exit (for cron; rules stay as applied;
                            failed polls in a row are counted across runs in --state-file)
  --state-file FILE         where --once keeps its failed-poll count  [$STATE_FILE]
  --dry-run                 print firewall commands instead of running them; no heartbeats
  -h, --help                show this help

On RED it inserts DROP rules for tcp dport/sport CHAT_PORT in its own chain hooked into FORWARD
(iptables chain $CHAIN, or nft table inet $NFT_TABLE); on GREEN or YELLOW it removes them.
On exit it removes its rules, unless it is blocking (RED or fail-closed): then they stay.
A firewall command that fails while it must block is retried; the guard never claims a block
that is not in place, and reports the failure in its log and heartbeat (rule_present false).
EOF
}

# --- logging -------------------------------------------------------------------------------------

log() {
	printf '[GUARD] %s | %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >&2
	if [ "$SYSLOG" = 1 ] && command -v logger >/dev/null 2>&1; then
		logger -t qstcs-guard -- "$*" 2>/dev/null || :
	fi
}

# debug MESSAGE — only with --verbose, and to stderr only (never to syslog: one line per poll).
debug() {
	[ "$VERBOSE" = 1 ] || return 0
	printf '[GUARD] %s | debug: %s\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$*" >&2
}

die() {
	log "ERROR: $*"
	exit 1
}

# run CMD ARGS... — a firewall change: logged like the original demo, skipped by --dry-run.
run() {
	headline
	log "Executing: $*"
	[ "$DRY_RUN" = 1 ] && return 0
	"$@"
}

# --- configuration checks ------------------------------------------------------------------------

is_uint() {
	case $1 in '' | *[!0-9]*) return 1 ;; esac
	return 0
}

# in_range NAME VALUE MIN MAX — dies unless VALUE is a whole number within [MIN, MAX].
in_range() {
	if ! is_uint "$2" || [ "$2" -lt "$3" ] || [ "$2" -gt "$4" ]; then
		die "$1 must be a whole number from $3 to $4, got '$2'"
	fi
}

check_config() {
	case $KMS_HOST in
	'' | *[!A-Za-z0-9.:_-]*) die "KMS_HOST must be a host name or IP address, got '$KMS_HOST'" ;;
	esac
	in_range KMS_PORT "$KMS_PORT" 1 65535
	in_range CHAT_PORT "$CHAT_PORT" 1 65535
	in_range POLL_INTERVAL "$POLL_INTERVAL" 1 3600
	in_range LONG_POLL_WAIT "$LONG_POLL_WAIT" 0 60  # the KMS holds a watch request at most 60 s
	in_range HEARTBEAT_INTERVAL "$HEARTBEAT_INTERVAL" 1 3600
	in_range FAIL_CLOSED_AFTER "$FAIL_CLOSED_AFTER" 1 1000
	in_range BLOCK_ATTEMPTS "$BLOCK_ATTEMPTS" 1 100
	case $BACKEND in auto | iptables | nft) ;; *) die "BACKEND must be auto, iptables or nft, got '$BACKEND'" ;; esac
	case $CHAIN in '' | *[!A-Za-z0-9_-]*) die "CHAIN must be letters, digits, '_' or '-', got '$CHAIN'" ;; esac
	case $NFT_TABLE in '' | *[!A-Za-z0-9_]*) die "NFT_TABLE must be letters, digits or '_', got '$NFT_TABLE'" ;; esac
	if [ -z "$ROUTER_ID" ]; then
		ROUTER_ID=$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname 2>/dev/null || echo router)
	fi
	# The id goes into JSON and the token into an HTTP header: allow no quoting or line breaks.
	case $ROUTER_ID in '' | *[!A-Za-z0-9._-]*) die "ROUTER_ID must be letters, digits, '.', '_' or '-', got '$ROUTER_ID'" ;; esac
	if [ -z "$ROUTER_TOKEN" ] && [ -r "$ROUTER_TOKEN_FILE" ]; then
		ROUTER_TOKEN=$(tr -d ' \t\r\n' <"$ROUTER_TOKEN_FILE")
	fi
	case $ROUTER_TOKEN in *[!A-Za-z0-9._~+/=-]*) die "the router token contains characters that cannot go into an HTTP header" ;; esac
}

# --- HTTP (wget only: BusyBox has no curl and no jq) ---------------------------------------------

detect_wget() {
	command -v wget >/dev/null 2>&1 || die "wget not found (BusyBox wget is enough)"
	# BusyBox builds without FEATURE_WGET_TIMEOUT lack -T (Debian's even crashes on it), so look
	# at the help text first and fall back to the timeout applet.
	if wget --help 2>&1 | grep -q -e '-T SEC' -e '--timeout'; then
		WGET_TIMEOUT=opt
	elif command -v timeout >/dev/null 2>&1; then
		if timeout --help 2>&1 | grep -q -e '-t SECS'; then
			WGET_TIMEOUT=timeout-t  # BusyBox before 1.30: timeout -t SECS PROG
		else
			WGET_TIMEOUT=timeout
		fi
	else
		WGET_TIMEOUT=none
		log "warning: neither 'wget -T' nor 'timeout' is available; a hung request can stall the guard"
	fi
	# BusyBox wget follows redirects and has no switch against it: http() then refuses any answer
	# that came through one. GNU wget can be told not to follow at all.
	if wget --help 2>&1 | grep -q -e '--max-redirect'; then
		WGET_NO_REDIRECT=--max-redirect=0
	fi
}

# http SECONDS OUTFILE WGET_ARGS... — runs wget in the background and waits for it, so a signal
# (SIGTERM from procd, Ctrl-C) is handled at once instead of after a long-poll. An answer that
# came through a redirect is refused: only the configured KMS may decide what the guard does.
http() {
	_secs=$1 _out=$2
	shift 2
	[ -z "$WGET_NO_REDIRECT" ] || set -- "$WGET_NO_REDIRECT" "$@"
	case $WGET_TIMEOUT in
	opt) wget -q -S -T "$_secs" -O "$_out" "$@" </dev/null 2>"$_out.hdr" & ;;
	timeout) timeout "$_secs" wget -q -S -O "$_out" "$@" </dev/null 2>"$_out.hdr" & ;;
	timeout-t) timeout -t "$_secs" wget -q -S -O "$_out" "$@" </dev/null 2>"$_out.hdr" & ;;
	*) wget -q -S -O "$_out" "$@" </dev/null 2>"$_out.hdr" & ;;
	esac
	CHILD=$!
	if wait "$CHILD"; then
		CHILD=''
		if redirected "$_out.hdr"; then
			log "warning: the KMS answer was a redirect; refused (the guard follows no redirects)"
			rm -f "$_out"
			return 1
		fi
		return 0
	fi
	CHILD=''
	return 1
}

# redirected HEADERS — true when wget -S reported a 3xx status line (two spaces, then HTTP/).
redirected() {
	[ -r "$1" ] || return 1
	while IFS= read -r _line; do
		case $_line in '  HTTP/'[0-9]*' 3'[0-9][0-9]*) return 0 ;; esac
	done <"$1"
	return 1
}

pause() {
	sleep "$1" &
	CHILD=$!
	wait "$CHILD" || :
	CHILD=''
}

kms_url() {
	printf 'http://%s:%s%s' "$KMS_HOST" "$KMS_PORT" "$1"
}

# read_answer FILE — sets STATUS and VERSION (empty when absent) from a /link_status answer,
# without a fork: the answer is one short line, and every process counts on a router CPU. Only
# the top-level status counts, and the KMS always sends it first: an answer that does not start
# with it, has a second "status" anywhere or more than one line is no valid answer (a nested
# "status":"GREEN" must never lift a block).
read_answer() {
	STATUS='' VERSION='' _json='' _more=''
	{
		IFS= read -r _json || :
		IFS= read -r _more || :
	} <"$1"
	[ -z "$_more" ] || return 0
	case $_json in '{"status":"'[A-Z]*) ;; *) return 0 ;; esac
	_rest=${_json#\{\"status\":\"}
	_status=${_rest%%\"*}
	_rest=${_rest#"$_status"\"}
	case $_rest in ,* | '}'*) ;; *) return 0 ;; esac
	case $_rest in *'"status"'*) return 0 ;; esac
	STATUS=$_status
	case $_rest in *'"version":'[0-9]*) ;; *) return 0 ;; esac
	_rest=${_rest#*\"version\":}
	VERSION=${_rest%%[!0-9]*}
}

# --- firewall: iptables backend ------------------------------------------------------------------

ipt() {  # TOOL ARGS...
	_tool=$1
	shift
	if [ "$IPT_LOCK" = 1 ]; then "$_tool" -w "$@"; else "$_tool" "$@"; fi
}

# ipt_change TOOL ARGS... — a logged rule change (the log shows the real command line).
ipt_change() {
	_tool=$1
	shift
	headline
	log "Executing: $_tool $*"
	[ "$DRY_RUN" = 1 ] && return 0
	ipt "$_tool" "$@"
}

ipt_setup() {
	command -v iptables >/dev/null 2>&1 || die "iptables not found"
	iptables -S FORWARD >/dev/null 2>&1 || die "iptables cannot read the filter table (not root?)"
	iptables -w -S FORWARD >/dev/null 2>&1 && IPT_LOCK=1
	IPT_TOOLS=iptables
	# Chat over IPv6 must not slip past an IPv4-only block.
	if command -v ip6tables >/dev/null 2>&1 && ipt ip6tables -S FORWARD >/dev/null 2>&1; then
		IPT_TOOLS="iptables ip6tables"
	fi
}

ipt_present() {
	for _t in $IPT_TOOLS; do
		ipt "$_t" -C FORWARD -j "$CHAIN" 2>/dev/null || return 1
		ipt "$_t" -C "$CHAIN" -p tcp --dport "$CHAT_PORT" -j DROP 2>/dev/null || return 1
		ipt "$_t" -C "$CHAIN" -p tcp --sport "$CHAT_PORT" -j DROP 2>/dev/null || return 1
	done
	return 0
}

ipt_any_present() {
	for _t in $IPT_TOOLS; do
		ipt "$_t" -S "$CHAIN" >/dev/null 2>&1 && return 0
	done
	return 1
}

# Adds only the pieces that are missing, so a restart or a firewall reload never duplicates one.
ipt_block() {
	for _t in $IPT_TOOLS; do
		if ! ipt "$_t" -S "$CHAIN" >/dev/null 2>&1; then
			ipt_block_new "$_t" && continue
			ipt_change "$_t" -N "$CHAIN"
		fi
		ipt "$_t" -C "$CHAIN" -p tcp --dport "$CHAT_PORT" -j DROP 2>/dev/null ||
			ipt_change "$_t" -A "$CHAIN" -p tcp --dport "$CHAT_PORT" -j DROP
		ipt "$_t" -C "$CHAIN" -p tcp --sport "$CHAT_PORT" -j DROP 2>/dev/null ||
			ipt_change "$_t" -A "$CHAIN" -p tcp --sport "$CHAT_PORT" -j DROP
		# First in FORWARD: ahead of any "ESTABLISHED -j ACCEPT", so live chats are cut too.
		ipt "$_t" -C FORWARD -j "$CHAIN" 2>/dev/null || ipt_change "$_t" -I FORWARD 1 -j "$CHAIN"
	done
}

# ipt_block_new TOOL — the whole block in one atomic iptables-restore when our chain does not
# exist yet (the common case): one process instead of five is what keeps breach-to-block short
# on a slow router CPU. Returns 1 when iptables-restore is missing or fails.
ipt_block_new() {
	command -v "$1-restore" >/dev/null 2>&1 || return 1
	# Rules first, log lines after: every log line costs a fork of date on the router.
	if [ "$DRY_RUN" = 0 ]; then
		"$1-restore" --noflush <<EOF_RULES || return 1
*filter
:$CHAIN - [0:0]
-A $CHAIN -p tcp --dport $CHAT_PORT -j DROP
-A $CHAIN -p tcp --sport $CHAT_PORT -j DROP
-I FORWARD 1 -j $CHAIN
COMMIT
EOF_RULES
	fi
	headline
	log "Executing: $1 -N $CHAIN"
	log "Executing: $1 -A $CHAIN -p tcp --dport $CHAT_PORT -j DROP"
	log "Executing: $1 -A $CHAIN -p tcp --sport $CHAT_PORT -j DROP"
	log "Executing: $1 -I FORWARD 1 -j $CHAIN"
}

ipt_unblock() {
	for _t in $IPT_TOOLS; do
		while ipt "$_t" -C FORWARD -j "$CHAIN" 2>/dev/null; do
			ipt_change "$_t" -D FORWARD -j "$CHAIN" || break
			[ "$DRY_RUN" = 1 ] && break
		done
		if ipt "$_t" -S "$CHAIN" >/dev/null 2>&1; then
			ipt_change "$_t" -F "$CHAIN"
			ipt_change "$_t" -X "$CHAIN"
		fi
	done
}

# --- firewall: nft backend (own table, so it never edits fw4's ruleset) --------------------------

nft_setup() {
	command -v nft >/dev/null 2>&1 || die "nft not found"
	nft list tables >/dev/null 2>&1 || die "nft cannot read the ruleset (not root?)"
}

nft_chain() {
	nft list chain inet "$NFT_TABLE" forward 2>/dev/null
}

nft_present() {
	_rules=$(nft_chain) || return 1
	case $_rules in *"hook forward"*) ;; *) return 1 ;; esac
	printf '%s\n' "$_rules" | grep -q "tcp dport $CHAT_PORT .*drop" || return 1
	printf '%s\n' "$_rules" | grep -q "tcp sport $CHAT_PORT .*drop" || return 1
}

nft_any_present() {
	nft list table inet "$NFT_TABLE" >/dev/null 2>&1
}

nft_block() {
	# Priority -10 runs before fw4's forward chain (priority 0); a drop in any base chain is final.
	_hook='{ type filter hook forward priority -10; policy accept; }'
	if ! nft_any_present; then
		# The whole block as one atomic nft transaction: one process, no half-built state.
		# Rules first, log lines after: every log line costs a fork of date on the router.
		if [ "$DRY_RUN" = 0 ]; then
			nft -f - <<EOF_RULES || return 1
add table inet $NFT_TABLE
add chain inet $NFT_TABLE forward $_hook
add rule inet $NFT_TABLE forward tcp dport $CHAT_PORT counter drop
add rule inet $NFT_TABLE forward tcp sport $CHAT_PORT counter drop
EOF_RULES
		fi
		headline
		log "Executing: nft add table inet $NFT_TABLE"
		log "Executing: nft add chain inet $NFT_TABLE forward $_hook"
		log "Executing: nft add rule inet $NFT_TABLE forward tcp dport $CHAT_PORT counter drop"
		log "Executing: nft add rule inet $NFT_TABLE forward tcp sport $CHAT_PORT counter drop"
		return 0
	fi
	# Repair what is missing (someone deleted a rule), never duplicating what is there.
	_rules=$(nft_chain) || { run nft add chain inet "$NFT_TABLE" forward "$_hook" && _rules=''; }
	printf '%s\n' "$_rules" | grep -q "tcp dport $CHAT_PORT .*drop" ||
		run nft add rule inet "$NFT_TABLE" forward tcp dport "$CHAT_PORT" counter drop
	printf '%s\n' "$_rules" | grep -q "tcp sport $CHAT_PORT .*drop" ||
		run nft add rule inet "$NFT_TABLE" forward tcp sport "$CHAT_PORT" counter drop
}

nft_unblock() {
	if nft_any_present; then run nft delete table inet "$NFT_TABLE"; fi
}

# --- firewall: backend-independent ---------------------------------------------------------------

detect_backend() {
	if [ "$BACKEND" = auto ]; then
		# nft first: OpenWrt 22.03+ (fw4) and current distributions; iptables for fw3-era routers.
		if command -v nft >/dev/null 2>&1 && nft list tables >/dev/null 2>&1; then
			BACKEND=nft
		elif command -v iptables >/dev/null 2>&1 && iptables -S FORWARD >/dev/null 2>&1; then
			BACKEND=iptables
		else
			die "no usable firewall: need iptables or nft, run as root"
		fi
	fi
	case $BACKEND in
	iptables) ipt_setup ;;
	nft) nft_setup ;;
	esac
}

rules_present() {
	if [ "$DRY_RUN" = 1 ]; then [ "$DRY_BLOCKING" = 1 ]; return; fi
	firewall_blocking
}

firewall_blocking() {
	case $BACKEND in iptables) ipt_present ;; nft) nft_present ;; esac
}

rules_any_present() {
	if [ "$DRY_RUN" = 1 ]; then [ "$DRY_BLOCKING" = 1 ]; return; fi
	case $BACKEND in iptables) ipt_any_present ;; nft) nft_any_present ;; esac
}

# headline — logs the pending HEADLINE (the status line) once, ahead of the commands it caused.
headline() {
	[ -n "$HEADLINE" ] || return 0
	log "$HEADLINE"
	HEADLINE=''
}

# block REASON [HEADLINE] — makes sure the DROP rules are in place; says so only when something
# changed. While allowing, the backend is called straight away (it checks each piece itself):
# on a breach, the time to the rule matters more than the order of log lines. A block the
# firewall refuses is tried BLOCK_ATTEMPTS times, then reported (block_failed) and tried again
# on the next poll: the guard keeps running and never claims a block it does not have.
block() {
	HEADLINE=${2:-}
	_was=$BLOCK_REASON
	BLOCK_REASON=$1
	if [ -n "$_was" ] && rules_present; then
		headline
		return 0
	fi
	_try=1
	until apply_block; do
		if [ "$_try" -ge "$BLOCK_ATTEMPTS" ]; then
			block_failed
			return 0
		fi
		log "warning: firewall block attempt $_try of $BLOCK_ATTEMPTS failed; trying again"
		_try=$((_try + 1))
		pause 1
	done
	headline
	DRY_BLOCKING=1
	[ "$BLOCK_FAILED" = 0 ] || log "Firewall block in place again after failed attempts"
	BLOCK_FAILED=0
	case $1 in
	fail-closed) log "Chat traffic BLOCKED at network layer (fail-closed: KMS unreachable; tcp port $CHAT_PORT, $BACKEND)" ;;
	*) log "QUANTUM BREACH — Chat traffic BLOCKED at network layer (tcp port $CHAT_PORT, $BACKEND)" ;;
	esac
	heartbeat
}

# apply_block — runs the backend and succeeds only when the firewall then really holds the
# block. Called as a condition, so set -e does not end the guard at a failing command.
apply_block() {
	case $BACKEND in iptables) ipt_block ;; nft) nft_block ;; esac || :
	[ "$DRY_RUN" = 1 ] && return 0
	firewall_blocking
}

block_failed() {
	headline
	BLOCK_FAILED=1
	DRY_BLOCKING=0
	log "ALERT: FIREWALL BLOCK FAILED ($BLOCK_REASON, $BACKEND): chat traffic is NOT blocked; $BLOCK_ATTEMPTS attempts refused, trying again every ${POLL_INTERVAL}s"
	heartbeat
}

unblock() {
	BLOCK_REASON=''
	BLOCK_FAILED=0
	rules_any_present || return 0
	log "Removing firewall block. Chat traffic ALLOWED."
	if ! remove_block; then
		log "warning: removing the firewall block failed; trying again on the next poll"
	fi
	DRY_BLOCKING=0
	heartbeat
}

remove_block() {
	case $BACKEND in iptables) ipt_unblock ;; nft) nft_unblock ;; esac
}

# --- KMS interaction -----------------------------------------------------------------------------

heartbeat() {
	[ "$DRY_RUN" = 1 ] && return 0
	_state=ALLOWING
	[ -n "$BLOCK_REASON" ] && _state=BLOCKING
	_present=false
	rules_present && _present=true
	_body=$(printf '{"router_id":"%s","state":"%s","rule_present":%s}' "$ROUTER_ID" "$_state" "$_present")
	# The KMS takes the router token as X-Router-Token (BusyBox wget can add a header but has no
	# Authorization helper); it is passed on wget's command line, so keep the router single-user.
	if [ -n "$ROUTER_TOKEN" ]; then
		set -- --header "X-Router-Token: $ROUTER_TOKEN"
	else
		set --
	fi
	debug "POST /router/heartbeat $_body"
	if http "$FETCH_SLACK" "$WORK_DIR/heartbeat" --header 'Content-Type: application/json' "$@" \
		--post-data "$_body" "$(kms_url /router/heartbeat)"; then
		[ "$HB_FAILING" = 1 ] && log "Heartbeats reach the KMS again"
		HB_FAILING=0
	else
		[ "$HB_FAILING" = 0 ] && log "warning: heartbeat to the KMS failed (router token accepted? KMS up?)"
		HB_FAILING=1
	fi
	return 0
}

# apply STATUS — the reaction to one status read from the KMS.
apply_status() {
	case $1 in
	RED)
		_headline=''
		[ "$LAST_STATUS" = RED ] || _headline="Status: RED — QUANTUM BREACH DETECTED!"
		LAST_STATUS=RED
		block breach "$_headline"
		;;
	GREEN | YELLOW)
		if [ "$LAST_STATUS" != "$1" ]; then
			case $LAST_STATUS in
			RED) log "Status: $1 — Quantum link restored" ;;
			*) log "Status: $1 — Chat traffic ALLOWED" ;;
			esac
		fi
		LAST_STATUS=$1
		unblock
		;;
	esac
}

# poll_failed WHY — counts a failed poll and fails closed once there were too many in a row.
poll_failed() {
	FAILS=$((FAILS + 1))
	if [ "$FAILS" -le "$FAIL_CLOSED_AFTER" ]; then
		log "KMS poll failed ($1), $FAILS of $FAIL_CLOSED_AFTER before fail-closed"
	elif [ $((FAILS % 20)) = 0 ]; then
		log "KMS still unreachable ($FAILS failed polls in a row)"  # a reminder, not a flood
	fi
	[ "$FAILS" -ge "$FAIL_CLOSED_AFTER" ] || return 0
	case $BLOCK_REASON in
	breach | fail-closed) block "$BLOCK_REASON" ;;  # already blocking: only repair if need be
	*)
		log "FAIL-CLOSED: no valid answer from the KMS in $FAILS polls — blocking chat traffic"
		LAST_STATUS=UNKNOWN
		block fail-closed
		;;
	esac
}

# poll WAIT VERSION — one request; sets STATUS and VERSION, returns 1 on failure.
poll() {
	if [ "$1" -gt 0 ] && [ -n "$2" ]; then
		_path="/link_status?wait=$1&version=$2"
	else
		_path=/link_status
	fi
	rm -f "$WORK_DIR/status"
	debug "GET $_path"
	if ! http $(($1 + FETCH_SLACK)) "$WORK_DIR/status" "$(kms_url "$_path")"; then
		poll_failed "no answer from $KMS_HOST:$KMS_PORT"
		return 1
	fi
	read_answer "$WORK_DIR/status"
	debug "answer: status ${STATUS:-?} version ${VERSION:-?}"
	case $STATUS in
	GREEN | YELLOW | RED)
		[ "$FAILS" -lt "$FAIL_CLOSED_AFTER" ] || log "KMS reachable again after $FAILS failed polls"
		FAILS=0
		;;
	*)
		poll_failed "unexpected answer from /link_status"
		return 1
		;;
	esac
}

watch() {
	_version=''
	_long_poll=1
	[ "$LONG_POLL_WAIT" -gt 0 ] || _long_poll=0
	_next_hb=0
	while :; do
		_now=$(date +%s)
		if [ "$_now" -ge "$_next_hb" ]; then
			heartbeat
			_next_hb=$((_now + HEARTBEAT_INTERVAL))
		fi
		# Hold the watch request no longer than the next heartbeat is due.
		# While a block failed, poll every POLL_INTERVAL: each RED answer tries the block again.
		_wait=0
		if [ "$_long_poll" = 1 ] && [ -n "$_version" ] && [ "$BLOCK_FAILED" = 0 ]; then
			_wait=$LONG_POLL_WAIT
			[ $((_next_hb - _now)) -ge "$_wait" ] || _wait=$((_next_hb - _now))
			[ "$_wait" -ge 1 ] || _wait=1
		fi
		if ! poll "$_wait" "$_version"; then
			_version=''  # the KMS may have restarted with a new version count
			pause "$POLL_INTERVAL"
			continue
		fi
		apply_status "$STATUS"
		if [ "$_long_poll" = 0 ] || [ "$BLOCK_FAILED" = 1 ]; then
			pause "$POLL_INTERVAL"
		elif [ -z "$VERSION" ]; then
			log "KMS does not report a version: polling every ${POLL_INTERVAL}s instead of long-polling"
			_long_poll=0
			pause "$POLL_INTERVAL"
		elif [ "$_wait" -gt 1 ] && [ "$VERSION" = "$_version" ] && [ $(($(date +%s) - _now)) -lt $((_wait / 2)) ]; then
			log "KMS answered a watch request at once without a change: polling every ${POLL_INTERVAL}s instead"
			_long_poll=0
			pause "$POLL_INTERVAL"
		fi
		_version=$VERSION
	done
}

# --- lifecycle -----------------------------------------------------------------------------------

on_exit() {
	_rc=$?
	trap - EXIT INT TERM HUP
	set +e
	[ -n "$CHILD" ] && kill "$CHILD" 2>/dev/null
	if [ "$ONCE" = 0 ] && [ "$FIREWALL_READY" = 1 ]; then
		if [ -n "$BLOCK_REASON" ] && ! rules_present; then
			log "ALERT: exiting while it should block ($BLOCK_REASON, last status $LAST_STATUS) but the firewall block is NOT in place: chat traffic is NOT blocked"
		elif [ -n "$BLOCK_REASON" ]; then
			log "Exiting while blocking ($BLOCK_REASON, last status $LAST_STATUS): rules stay, chat traffic stays BLOCKED"
		elif rules_any_present; then
			log "Exiting: removing guard rules"
			case $BACKEND in iptables) ipt_unblock ;; nft) nft_unblock ;; esac
		else
			log "Exiting"
		fi
	fi
	[ -n "$WORK_DIR" ] && rm -rf "$WORK_DIR"
	exit "$_rc"
}

# run_once — one poll for cron. The failed-poll count lives in STATE_FILE, so runs that each fail
# once still add up to FAIL_CLOSED_AFTER. Exit status: 0 applied, 1 no valid answer, 2 the
# firewall refused the block.
run_once() {
	load_fails
	if poll 0 ''; then
		_rc=0
		apply_status "$STATUS"
		heartbeat
	else
		_rc=1
	fi
	save_fails
	[ "$BLOCK_FAILED" = 0 ] || _rc=2
	exit "$_rc"
}

load_fails() {
	[ -r "$STATE_FILE" ] || return 0
	_line=''
	IFS= read -r _line <"$STATE_FILE" || :
	case $_line in
	fails=[0-9]*) _n=${_line#fails=} ;;
	*) _n='' ;;
	esac
	if is_uint "$_n" && [ "${#_n}" -le 6 ]; then
		FAILS=$_n
	else
		log "warning: ignoring unreadable state file $STATE_FILE"
	fi
}

save_fails() {
	[ "$DRY_RUN" = 0 ] || return 0
	if ! (umask 077 && printf 'fails=%s\n' "$FAILS" >"$STATE_FILE") 2>/dev/null; then
		log "warning: cannot write $STATE_FILE: failed polls are not counted across --once runs"
	fi
}

need_value() {  # OPTION ARGC
	[ "$2" -ge 2 ] || die "option $1 needs a value (see --help)"
}

parse_args() {
	while [ $# -gt 0 ]; do
		case $1 in
		--once) ONCE=1 ;;
		--dry-run) DRY_RUN=1 ;;
		--no-syslog) SYSLOG=0 ;;
		--verbose) VERBOSE=1 ;;
		-h | --help)
			usage
			exit 0
			;;
		--kms-host | --kms-port | --chat-port | --poll-interval | --long-poll-wait | \
			--fail-closed-after | --backend | --heartbeat-interval | --router-id | --token-file | --state-file)
			need_value "$1" $#
			case $1 in
			--kms-host) KMS_HOST=$2 ;;
			--kms-port) KMS_PORT=$2 ;;
			--chat-port) CHAT_PORT=$2 ;;
			--poll-interval) POLL_INTERVAL=$2 ;;
			--long-poll-wait) LONG_POLL_WAIT=$2 ;;
			--fail-closed-after) FAIL_CLOSED_AFTER=$2 ;;
			--backend) BACKEND=$2 ;;
			--heartbeat-interval) HEARTBEAT_INTERVAL=$2 ;;
			--router-id) ROUTER_ID=$2 ;;
			--token-file) ROUTER_TOKEN_FILE=$2 ;;
			--state-file) STATE_FILE=$2 ;;
			esac
			shift
			;;
		*) die "unknown option '$1' (see --help)" ;;
		esac
		shift
	done
}

main() {
	parse_args "$@"
	check_config
	detect_wget
	trap on_exit EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	trap 'exit 129' HUP
	detect_backend
	FIREWALL_READY=1
	WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/qstcs-guard.XXXXXX") || die "cannot create a temporary directory"

	log "Polling KMS at $KMS_HOST:$KMS_PORT... (firewall: $BACKEND, chat port $CHAT_PORT, fail-closed after $FAIL_CLOSED_AFTER failed polls)"
	if [ "$DRY_RUN" = 1 ]; then
		log "dry run: firewall commands are printed, not run; no heartbeats"
		firewall_blocking && DRY_BLOCKING=1  # pretend from the firewall's real state
	fi
	[ -n "$ROUTER_TOKEN" ] || log "no router token (ROUTER_TOKEN or $ROUTER_TOKEN_FILE): heartbeats go without one and a KMS with identities refuses them"

	# Rules left by an earlier run (it exited while RED) stay until the KMS says otherwise.
	if [ "$DRY_RUN" = 0 ] && rules_any_present; then
		BLOCK_REASON=previous-run
		log "Firewall block from a previous run is in place; keeping it until the KMS reports GREEN"
	fi

	if [ "$ONCE" = 1 ]; then
		run_once
	fi
	watch
}

main "$@"
