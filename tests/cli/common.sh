# Shared by the command-line tests (source it): a fresh work directory,
# failures counted rather than fatal, a run interrupted by SIGTERM, and
# the final verdict.

# new_work_dir DIR: an empty DIR, and cd there.
new_work_dir() {
  rm -rf "$1"
  mkdir -p "$1"
  cd "$1" || exit 1
}

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# interrupt_run PRM FILE LINES: start $kwfp on PRM (output in PRM.out and
# PRM.err), wait until FILE has at least LINES lines (or the run ends),
# send SIGTERM; the exit code is in $rc.
interrupt_run() {
  "$kwfp" "$1" > "$1.out" 2> "$1.err" &
  local pid=$!
  for _ in $(seq 1 600); do
    [ "$(wc -l < "$2" 2> /dev/null || echo 0)" -ge "$3" ] && break
    kill -0 "$pid" 2> /dev/null || break
    sleep 0.05
  done
  kill -TERM "$pid" 2> /dev/null
  wait "$pid"
  rc=$?
}

# finish: exit 1 if any check failed.
finish() {
  if [ "$failures" -gt 0 ]; then
    echo "$failures failure(s)"
    exit 1
  fi
  echo "all checks passed"
}
