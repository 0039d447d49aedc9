#!/usr/bin/env bash
# Usage: tools/hostile-probe/probe.sh BINARY
# Generates hostile cases into a temporary directory (never committed), runs BINARY on each under
# `ulimit -v 2000000` and RAYON_NUM_THREADS=16, prints a table and exits 1 when a case aborts
# (134/137 or a signal), hangs (timeout), writes an injected workflow command or a raw ESC/BEL.
set -u
B=$(realpath "${1:?usage: probe.sh BINARY}")
here=$(dirname "$(realpath "$0")")
C=$(mktemp -d); out=$(mktemp -d)
trap 'rm -rf "$C" "$out"' EXIT
python3 "$here/gen.py" "$C" >/dev/null || { echo "gen.py failed"; exit 2; }
bad=0
run() { # name, stdin-file or -, args...
  local name=$1 input=$2; shift 2
  [ "$input" = - ] && input=/dev/null
  ( cd "$C" && ulimit -v 2000000 && RAYON_NUM_THREADS=16 timeout 120 /usr/bin/time -f "%e s %M KB" \
      -o "$out/$name.time" "$B" "$@" <"$input" >"$out/$name.out" 2>"$out/$name.err"; echo $? >"$out/$name.rc" )
  local rc; rc=$(cat "$out/$name.rc")
  # Injected commands: `::` lines iaclint did not write (its own github lines are `::error file=`
  # / `::warning file=` / `::notice file=` with an escaped file name).
  local inj; inj=$(cat "$out/$name.out" "$out/$name.err" | grep -aE '^\s*::' | grep -avEc '^::(error|warning|notice) file=[^,:]*,' )
  local esc; esc=$(cat "$out/$name.out" "$out/$name.err" | grep -aPc '\x1b|\x07')
  local verdict=ok
  case $rc in 124|134|137|13[0-9]|14[0-9]) verdict=FAIL ;; esac
  [ "$inj" != 0 ] && verdict=FAIL
  [ "$esc" != 0 ] && verdict=FAIL
  [ $verdict = FAIL ] && bad=1
  printf '%-18s %-4s rc=%-4s %-20s inj=%s esc=%s  %s\n' "$name" "$verdict" "$rc" "$(tail -1 "$out/$name.time")" \
    "$inj" "$esc" "$(grep -a -m1 -hE 'files?|error' "$out/$name.out" "$out/$name.err" | head -c 90 | tr '\n\r\t' '   ')"
}
for f in human concise github; do run inject_$f - check inject --format $f --no-color; done
for f in human concise github; do run badname_$f - check badname --format $f --no-color; done
run joinbomb - check joinbomb --quiet
run mergebomb - check mergebomb --quiet
run wildcards40000 - check wildcards40000 --quiet
run wildcards160000 - check wildcards160000 --quiet
run orphans5000 - check orphans5000 --quiet
run orphans50000 - check orphans50000 --quiet
run gitignore_zero - check gitignore_zero --quiet
run gitignore_fifo - check gitignore_fifo --quiet
run ignore_fifo_sub - check ignore_fifo_sub --quiet
run gitignore_big - check gitignore_big --quiet
run tracked_hidden - check tracked_hidden --quiet
run named_fifo - check named/x.tf --quiet
run named_zero - check /dev/zero --quiet
run named_symzero - check named/z.tf --quiet
run config_fifo - check positions --config named/cfg.toml --quiet
run baseline_zero - check positions --baseline /dev/zero --quiet
run positions - check positions --format concise
run garbage_walk - check garbage --quiet
run garbage_named - check garbage/t.json --quiet
run deep - check deep --quiet
run huge - check huge --quiet
run badutf8 - check badutf8 --quiet
run localsbomb - check localsbomb --quiet
run subbomb - check subbomb --quiet
run symloop - check symloop --quiet
run lsp "$C/lsp-session.bin" lsp
exit $bad
