#!/usr/bin/env bash
# The whole machine's CPU and context switches per request (/proc/stat: busy jiffies and
# ctxt) for the actors handler at hey -n 1000 -c 100 on four worker set-ups, alternated,
# ROUNDS (2) rounds: one gevent worker x 100 (psycogreen), 8 sync workers, one gthread
# worker x 100 threads, 4 gthread workers x 25 (psycopg2 without psycogreen). Do more
# processes and threads cost the machine more per request, and how many switches does a
# request take? (docs/validation.md, "gthread and sync on the Intel machine".)
#
#   calibration/ctxt_switches.sh    writes results/ctxt-switches.txt
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
ROUNDS="${ROUNDS:-2}"
kit_init
postgres_up
# busy jiffies (user nice system irq softirq) and context switches since boot, machine-wide
machine_stat() { awk '/^cpu /{print $2+$3+$4+$7+$8} /^ctxt/{print $2}' /proc/stat | paste -sd' '; }
tick_ms=$((1000 / $(getconf CLK_TCK)))
quiet_begin
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -r); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "round  set-up        Requests/sec  machine CPU ms/request  context switches/request"
} >"$RESULTS/ctxt-switches.txt"
for round in $(seq 1 "$ROUNDS"); do
  for cfg in gevent1x100 sync8 gthread1x100 gthread4x25; do
    case $cfg in
      gevent1x100) CAL_GREEN=1 gunicorn_up "$cfg" wsgi_actors --workers=1 --worker-class=gevent --worker-connections=100 ;;
      sync8) CAL_GREEN=0 gunicorn_up "$cfg" wsgi_actors --workers=8 --worker-class=sync ;;
      gthread1x100) CAL_GREEN=0 gunicorn_up "$cfg" wsgi_actors --workers=1 --worker-class=gthread --threads=100 ;;
      gthread4x25) CAL_GREEN=0 gunicorn_up "$cfg" wsgi_actors --workers=4 --worker-class=gthread --threads=25 ;;
    esac
    hey -n 200 -c 50 "http://$HOST:$APP_PORT/" >/dev/null
    read -r b0 x0 < <(machine_stat)
    hey -n 1000 -c 100 -t 0 "http://$HOST:$APP_PORT/" >"$WORK/hey.out"
    read -r b1 x1 < <(machine_stat)
    rps=$(awk '/Requests\/sec/{print $2}' "$WORK/hey.out")
    printf '%-5s  %-12s  %12s  %22.2f  %24.1f\n' "$round" "$cfg" "$rps" "$(echo "($b1 - $b0) * $tick_ms / 1000" | bc -l)" "$(echo "($x1 - $x0) / 1000" | bc -l)" >>"$RESULTS/ctxt-switches.txt"
    gunicorn_down
  done
done
quiet_end now
cat "$RESULTS/ctxt-switches.txt" >&2
