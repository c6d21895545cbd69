# Waiting on events instead of sleeping, for the SIP end-to-end scripts (sourced).
#
#   wait_for SECONDS COMMAND...   runs COMMAND every 0.1 s until it succeeds; fails (status 1,
#                                 COMMAND's last output on stderr) when SECONDS pass without it.
#   udp_bound PORT                succeeds when a UDP socket is bound to PORT: a peer such as a
#                                 sipp carrier is ready for calls.
#   http_up URL                   succeeds when URL answers 2xx.

wait_for() {
  local seconds=$1 deadline out
  shift
  deadline=$(($(date +%s%N) + seconds * 1000000000))
  while :; do
    if out=$("$@" 2>&1); then
      [ -z "$out" ] || printf '%s\n' "$out"
      return 0
    fi
    if [ "$(date +%s%N)" -ge "$deadline" ]; then
      echo "waited ${seconds} s for: $*${out:+ (last: ${out:0:300})}" >&2
      return 1
    fi
    sleep 0.1
  done
}

udp_bound() { # read from /proc/net/udp: probing by binding the port could take it from the peer
  awk -v port="$(printf ':%04X' "$1")" 'NR > 1 && substr($2, length($2) - 4) == port { found = 1 } END { exit !found }' /proc/net/udp
}

http_up() { curl -sf -o /dev/null "$1"; }
