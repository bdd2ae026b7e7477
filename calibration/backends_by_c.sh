#!/usr/bin/env bash
# Does a backend cost more CPU per connection when more clients wait? One gevent worker x 100,
# keep-alive 0, the actors handler (run.sh's actors1x100-ka0 rows), hey -n 1000 at -c 100 and
# at -c 1000, alternated ROUNDS (5) rounds, so that the machine's drift falls on both alike.
# For each run: Requests/sec, the backends' CPU per connection (the postmaster's children's
# cutime+cstime over the run, bench/loadrun.py's cpu.txt) and the worker's. AUTH as run.sh's
# (with md5 the backends bind these rows). Writes results/backends-by-c.txt (with AUTH=md5
# or trust, results/backends-by-c-AUTH.txt); docs/validation.md, "The connect priced in the
# worker".
#   AUTH=md5 calibration/backends_by_c.sh
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-5}"
ONLY=.
postgres_up_with_auth backends_by_c.sh backends-by-c .txt
export CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD"
quiet_begin
gunicorn_up backends-by-c wsgi_actors --workers=1 --worker-class=gevent --worker-connections=100 --keep-alive=0
echo "date: $(date -u +%FT%TZ); $(uname -r); $AUTH; one gevent worker x 100, keep-alive 0, actors; hey -n 1000, -c 100 and -c 1000 alternated" >"$OUT"
for r in $(seq 1 "$ROUNDS"); do
  for c in 100 1000; do
    run="$WORK/bc-$c-$r"
    "$PYTHON" "$HERE/bench/loadrun.py" --out "$run.txt" --stderr "$WORK/hey.stderr" --cpu "$run.cpu.txt" \
      --gunicorn-pid "$GUNICORN_PID" --gunicorn-log "$GUNICORN_LOG" --postmaster-pid "$(postmaster_pid)" \
      -- -n 1000 -c "$c" -t 0 "http://$HOST:$APP_PORT/" || true
    awk -v r="$r" -v c="$c" '
      /Requests\/sec:/ { rps = $2 }
      /^postmaster children cpu:/ { b = $4 }
      /^workers cpu:/ { w = $3 }
      /^handled requests:/ { n = $3 }
      END { printf "round %d, -c %d: %.1f req/s; per connection: backends %.2f ms, worker %.2f ms\n", r, c, rps, b * 1000 / n, w * 1000 / n }
    ' "$run.txt" "$run.cpu.txt" >>"$OUT"
  done
done
gunicorn_down
quiet_end now
"$PYTHON" - "$OUT" <<'PY'
import re, statistics, sys
text = open(sys.argv[1]).read()
by = {}
for c, rps, b, w in re.findall(r"-c (\d+): ([\d.]+) req/s; per connection: backends ([\d.]+) ms, worker ([\d.]+) ms", text):
    by.setdefault(int(c), []).append((float(rps), float(b), float(w)))
line = "; ".join(f"-c {c}: {statistics.median(x[0] for x in v):.1f} req/s, backends {statistics.median(x[1] for x in v):.2f} ms, "
                 f"worker {statistics.median(x[2] for x in v):.2f} ms" for c, v in sorted(by.items()))
open(sys.argv[1], "a").write(f"medians: {line}\n")
PY
say "$(tail -n 1 "$OUT")"
