#!/bin/sh
# One step of the chaos harness (scripts/chaos). It writes a token of its own execution as
# its result and its output `out`, records what it read, and notes an overlap when another
# execution of the same step is alive (and not a zombie) when it starts or ends.
# Environment: CHAOS_DIR (the harness's marks), the STRATA_* of every step.
set -u
d="$CHAOS_DIR"
key=$(printf '%s' "$STRATA_RUN/$STRATA_STEP" | tr '/#' '__')
t="$$-$(date +%s%N)"
lock="$d/running/$key"

other_alive() {
  o=$(cat "$lock" 2>/dev/null) || return 1
  [ -n "$o" ] && [ "$o" != "$$" ] || return 1
  st=$(cut -d' ' -f3 "/proc/$o/stat" 2>/dev/null) || return 1
  [ -n "$st" ] && [ "$st" != Z ]
}

if other_alive; then echo "$STRATA_RUN $STRATA_STEP $t start $(cat "$lock")" >> "$d/overlaps"; fi
echo $$ > "$lock"
echo "$STRATA_RUN $STRATA_STEP $t" >> "$d/starts"

# What it read: each input's token; a fan-in's results as the tokens they hold, in order.
read=""
for f in "$STRATA_INPUTS"/*; do
  [ -f "$f" ] || continue
  name=$(basename "$f")
  if [ "$name" = results ]; then v=$(grep -o '"token":"[0-9-]*"' "$f" | cut -d'"' -f4 | paste -sd, -); else v=$(head -c 100 "$f"); fi
  read="$read$name=$v;"
done

sleep "0.$(( $(od -An -N1 -tu1 /dev/urandom) % 4 ))"
printf '{"token":"%s","read":"%s"}' "$t" "$read" > "$STRATA_OUTPUTS/result.json"
printf '%s' "$t" > "$STRATA_OUTPUTS/out"
if other_alive; then echo "$STRATA_RUN $STRATA_STEP $t end $(cat "$lock")" >> "$d/overlaps"; fi
