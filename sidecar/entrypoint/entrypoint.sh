#!/bin/sh
# strata gate entrypoint: the command of every step container of a strata pod. It waits
# for the quarterback's go signal on the shared gate volume, runs the step it is given,
# writes the exit code back, and waits for the next one until the pod's `stop` file.
# The protocol is in README.md beside this file (and gate-protocol.ts). POSIX sh only:
# a step image needs /bin/sh and nothing else.
#
#   entrypoint.sh SLOT                 run as slot SLOT          (step containers)
#   entrypoint.sh --install SLOT...    copy this script to $STRATA_TOOLS/entrypoint and
#                                      make the slots' directories (the init container)
set -u

gate="${STRATA_GATE:-}"
if [ -z "$gate" ]; then
  echo "strata entrypoint: STRATA_GATE is not set" >&2
  exit 2
fi

if [ "${1:-}" = "--install" ]; then
  shift
  tools="${STRATA_TOOLS:-}"
  if [ -n "$tools" ]; then
    cp "$0" "$tools/entrypoint.tmp" && chmod 0555 "$tools/entrypoint.tmp" && mv -f "$tools/entrypoint.tmp" "$tools/entrypoint" || exit 2
  fi
  mkdir -p "$gate/slots" && chmod 0777 "$gate" "$gate/slots" || exit 2
  for s in "$@"; do
    mkdir -p "$gate/slots/$s" && chmod 0777 "$gate/slots/$s" || exit 2
  done
  exit 0
fi

slot="${1:-${STRATA_SLOT:-}}"
if [ -z "$slot" ]; then
  echo "strata entrypoint: no slot name given" >&2
  exit 2
fi
dir="$gate/slots/$slot"
poll="${STRATA_GATE_POLL:-0.1}"
grace="${STRATA_KILL_GRACE:-10}"
mkdir -p "$dir" 2>/dev/null && chmod 0777 "$dir" 2>/dev/null

child=""
terminated=0
# exit code of the last step this container ran, when it failed: the container's own
# exit code when the pod ends without success, so `kubectl get pod` points at it
failed=0

# write_file NAME TEXT: appears whole or not at all
write_file() {
  printf '%s\n' "$2" > "$dir/.$1.tmp" && mv -f "$dir/.$1.tmp" "$dir/$1"
}

signal_child() {
  kill "-$1" "-$2" 2>/dev/null || kill "-$1" "$2" 2>/dev/null
}

on_term() {
  terminated=1
  if [ -n "$child" ]; then signal_child TERM "$child"; fi
}
trap on_term TERM INT

# watch_cancel N PID: stop the step when the quarterback asks, or when the pod stops
watch_cancel() {
  while kill -0 "$2" 2>/dev/null; do
    if [ -e "$dir/$1.cancel" ] || [ -e "$gate/stop" ]; then
      signal_child TERM "$2"
      sleep "$grace"
      signal_child KILL "$2"
      return 0
    fi
    sleep "$poll"
  done
}

# run_one N
run_one() {
  if [ -e "$dir/$1.cancel" ]; then
    write_file "$1.exit" "130
cancelled"
    return 0
  fi
  : > "$dir/$1.started"
  # its own process group where setsid exists, so cancel reaches what the step started
  if command -v setsid >/dev/null 2>&1; then
    setsid sh "$dir/$1.run" &
  else
    sh "$dir/$1.run" &
  fi
  child=$!
  watch_cancel "$1" "$child" </dev/null >/dev/null 2>&1 &
  watcher=$!
  wait "$child"
  code=$?
  # a trapped signal ends `wait` early: wait again until the step is really gone
  while kill -0 "$child" 2>/dev/null; do
    wait "$child"
    code=$?
  done
  kill "$watcher" 2>/dev/null
  wait "$watcher" 2>/dev/null
  child=""
  note=""
  if [ -e "$dir/$1.cancel" ]; then note="cancelled"; fi
  if [ "$code" -ne 0 ]; then failed=$code; else failed=0; fi
  write_file "$1.exit" "$code
$note"
}

# count this start: after an in-place image update the driver waits for it to grow
boot=0
if [ -f "$dir/boot" ]; then boot=$(cat "$dir/boot" 2>/dev/null); fi
case "$boot" in '' | *[!0-9]*) boot=0 ;; esac
write_file boot "$((boot + 1))"

# carry on after the last finished assignment
n=1
while [ -e "$dir/$n.exit" ]; do n=$((n + 1)); done
if [ -e "$dir/$n.started" ]; then
  write_file "$n.exit" "255
interrupted"
  n=$((n + 1))
fi

while :; do
  if [ "$terminated" = 1 ]; then exit 143; fi
  if [ -e "$dir/$n.run" ]; then
    run_one "$n"
    n=$((n + 1))
    continue
  fi
  if [ -e "$gate/stop" ]; then
    if [ "$(cat "$gate/stop" 2>/dev/null)" = "succeeded" ]; then exit 0; fi
    exit "$failed"
  fi
  sleep "$poll"
done
