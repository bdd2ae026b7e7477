#!/bin/bash
# Real outputs of the load testers sim compare and sim fit read (test/fixtures/TOOL/),
# made with Debian 12's packages against calibration/app/wsgi_mixed.py on 127.0.0.1 only,
# each run bounded to a few seconds. Each output file is the tool's output exactly; the
# command that made it is listed in its folder's COMMANDS.md (written here).
#   apt-get install -y wrk apache2-utils siege python3-locust hey gunicorn
# Also the sample gunicorn access log (test/fixtures/access-logs/gunicorn-L.log) of the
# locust run, with --access-logformat ending in %(L)s.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${OUT:-test/fixtures}
PORT=${PORT:-8077}
URL=http://127.0.0.1:$PORT
ACCESS_FORMAT='%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(L)s'
TMP=$(mktemp -d)

start_server() { # $1: access log file or -
  gunicorn --chdir calibration/app -b 127.0.0.1:$PORT -w 2 --threads 4 \
    --access-logfile "$1" --access-logformat "$ACCESS_FORMAT" wsgi_mixed:application >"$TMP/gunicorn.err" 2>&1 &
  SERVER=$!
  for _ in $(seq 50); do curl -s -o /dev/null "$URL/" && return; sleep 0.1; done
  echo "gunicorn did not start" >&2; cat "$TMP/gunicorn.err" >&2; exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; }
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$TMP"' EXIT

# run TOOL FILE COMMAND...: runs the command (stdout to the file) and records it.
run() {
  local tool=$1 file=$2; shift 2
  mkdir -p "$OUT/$tool"
  [ -f "$OUT/$tool/COMMANDS.md" ] || printf '# %s fixtures\n\nMade by calibration/loadtesters.sh (Debian 12 packages, 127.0.0.1, calibration/app/wsgi_mixed.py under gunicorn -w 2 --threads 4). Each file is the command'"'"'s stdout, unedited.\n\n| file | command |\n|---|---|\n' "$tool" > "$OUT/$tool/COMMANDS.md"
  echo "| \`$file\` | \`$*\` |" >> "$OUT/$tool/COMMANDS.md"
  if [ "${STDERR:-}" = 1 ]; then
    sed -i '$ s/ |$/ (its stderr: where it prints this summary) |/' "$OUT/$tool/COMMANDS.md"
    "$@" > "$TMP/stdout" 2>"$OUT/$tool/$file" || { echo "$* failed:" >&2; cat "$OUT/$tool/$file" >&2; exit 1; }
  else
    "$@" > "$OUT/$tool/$file" 2>"$TMP/stderr" || { echo "$* failed:" >&2; cat "$TMP/stderr" >&2; exit 1; }
  fi
  sleep 1
}

rm -rf "$OUT"/{wrk,ab,siege,locust,hey-csv}
start_server -
run wrk c10-d3s.txt wrk -t2 -c10 -d3s $URL/
run wrk latency-c10-d3s.txt wrk -t2 -c10 -d3s --latency $URL/items
run wrk timeouts-c8-d3s.txt wrk -t2 -c8 -d3s --timeout 1s --latency $URL/slow
run ab n200-c10.txt ab -n 200 -c 10 $URL/
run ab keepalive-n200-c10.txt ab -k -n 200 -c 10 $URL/
run siege c5-r20.txt siege -b -c 5 -r 20 $URL/
run siege c5-t3s.txt siege -b -c 5 -t 3S --log=/tmp/siege-fixtures.log $URL/items
STDERR=1 run siege text-c5-r20.txt siege --rc=calibration/app/siege-text.conf -b -c 5 -r 20 $URL/
run hey-csv n200-c10.csv hey -n 200 -c 10 -o csv $URL/
stop_server

# locust: --csv stats, the summary, and the --json stats (see calibration/app/locustfile.py);
# gunicorn writes the access log meanwhile.
mkdir -p "$OUT/access-logs"
start_server "$TMP/access.log"
mkdir -p "$OUT/locust"
LOCUST=(locust -f calibration/app/locustfile.py --headless -u 10 -r 10 -t 3s --host $URL --csv "$OUT/locust/u10-t3s" --only-summary --exit-code-on-error 0)
LOCUST_JSON_OUT="$OUT/locust/u10-t3s.json" "${LOCUST[@]}" > /dev/null 2>"$TMP/locust.err" || { cat "$TMP/locust.err" >&2; exit 1; }
stop_server
rm -f "$OUT/locust/u10-t3s_stats_history.csv"
printf '# locust fixtures\n\nMade by calibration/loadtesters.sh (Debian 12 packages, 127.0.0.1, calibration/app/wsgi_mixed.py under gunicorn -w 2 --threads 4), unedited.\n\n| file | command |\n|---|---|\n' > "$OUT/locust/COMMANDS.md"
echo "| \`u10-t3s_stats.csv\`, \`u10-t3s_failures.csv\`, \`u10-t3s_exceptions.csv\` | \`${LOCUST[*]}\` (its _stats_history.csv left out) |" >> "$OUT/locust/COMMANDS.md"
echo "| \`u10-t3s.json\` | the same run's stats as locust --json prints them: locust 2.12 has no --json, so calibration/app/locustfile.py writes json.dumps(stats.serialize_stats(), indent=4) at test stop, which is what later locusts' --json prints (locust/stats.py print_stats_json) |" >> "$OUT/locust/COMMANDS.md"
cp "$TMP/access.log" "$OUT/access-logs/gunicorn-L.log"
echo "made: $(ls "$OUT"/{wrk,ab,siege,locust,hey-csv,access-logs} | wc -l) files"
