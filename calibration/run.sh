#!/usr/bin/env bash
# The article's experiment on your own machine, for `sim fit` and `sim compare`.
#
#   calibration/run.sh           check/install the packages, run the whole series
#   calibration/run.sh --check   only say which Debian packages are missing
#
# It starts a private PostgreSQL (its own data directory under /tmp, port 54329) and
# gunicorn, both on 127.0.0.1 only, runs the series of hey runs below, saves each
# output as results/NAME.rN.txt, and stops everything it started. Nothing here talks to
# any address but 127.0.0.1. Every hey run is bounded (-n), and so is the series.
#
# Each saved file is hey's output exactly, after one first line that records the command
# ("$ hey -n 100 -c 100 -t 0 http://127.0.0.1:8000/"), the way the article quotes its
# runs; `sim compare` reads -n, -c, -t and -disable-keepalive from that line. Beside it,
# NAME.rN.server.log counts what the server side logged during the run.
#
# Beside each output, NAME.rN.cpu.txt records the CPU of every process over the run
# (bench/loadrun.py): hey's, each gunicorn worker's, the postmaster's own and its exited
# children's (the backends), the wall time, and when the handlers were called.
#
# Environment: RESULTS (default: calibration/results), REPEATS (3: each article run is
# measured this many times; the configurations added later have their own counts, in
# README.md), ONLY (a regular expression: run only the matching names), AUTH (scram-sha-256,
# as initdb sets the kit up; md5 or trust: how the app's connections authenticate, for
# bench/make_scenario.py --auth), ALTERNATE (yes: the series runs round by round, round N
# taking every configuration's Nth run, gunicorn started again each round, so that a slow
# spell of the machine falls on every configuration alike instead of on the repeats of
# one; without it, each configuration's repeats run back to back).
#
# The machine is shared: each group of runs holds /tmp/QUIET (lib.sh's quiet protocol).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=lib.sh
. "$HERE/lib.sh"
RESULTS="${RESULTS:-$HERE/results}"
REPEATS="${REPEATS:-3}"
ONLY="${ONLY:-.}"
auth_check run.sh

if [ "${1:-}" = --check ]; then
  ensure_packages check
  exit 0
fi
kit_init

# --- One measurement -------------------------------------------------------------------

# group_end: after each gunicorn configuration (lib.sh: releases /tmp/QUIET for a while
# after a long block).
group_end() {
  gunicorn_down
  quiet_end
}

# --- The series ------------------------------------------------------------------------

mkdir -p "$RESULTS"
postgres_up
[ "$AUTH" = scram-sha-256 ] || pg_auth "$AUTH"
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "kernel: $(uname -sr)"
  echo "cores: $(nproc)"
  # Other programs on the machine take cores from the stack under test: record the load.
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "net.core.somaxconn: $(sysctl -n net.core.somaxconn)"
  echo "net.ipv4.tcp_syn_retries: $(sysctl -n net.ipv4.tcp_syn_retries)"
  echo "python: $("$PYTHON" --version 2>&1) ($PYTHON, the one gunicorn runs)"
  dpkg-query -W -f='${Package} ${Version}\n' "${PACKAGES[@]}"
  for s in server_version max_connections superuser_reserved_connections password_encryption; do
    echo "postgres $s: $(psql -X -h "$HOST" -p "$PG_PORT" -U postgres -d postgres -tAc "SHOW $s")"
  done
  echo "pg_hba.conf, TCP: $(grep -E '^host' "$WORK/pgdata/pg_hba.conf" | awk '{print $NF}' | sort -u | tr '\n' ' ')"
} >"$RESULTS/machine.txt"
URL="http://$HOST:$APP_PORT/"

# wanted NAME...: whether ONLY selects any of the names (a group is started only then).
wanted() {
  local n
  for n in "$@"; do [[ "$n" =~ $ONLY ]] && return 0; done
  return 1
}

# series: every configuration ONLY selects, each measured its count of times (or, under
# ALTERNATE, the run of KIT_ROUND only; due N: whether a configuration measured N times has
# a run in this round, so that gunicorn starts only for one).
due() { [ -z "${KIT_ROUND:-}" ] || [ "$KIT_ROUND" -le "$1" ]; }
series() {
  # Not in the article: one connection's cost with nothing else running (docs/validation.md).
  if wanted connect-cost && due 1; then
    quiet_begin
    CAL_PGHOST="$HOST" CAL_PGPORT="$PG_PORT" CAL_PGPASSWORD="$PASSWORD" "$PYTHON" "$HERE/app/connect_cost.py" 200 >"$RESULTS/connect-cost.txt"
    cat "$RESULTS/connect-cost.txt" >&2
  fi

  # The article's runs (shared/seed/gunicorn-async-workers-with-gevent.txt), hey -t 0.
  if wanted unpatched-c10 && due "$REPEATS"; then
    gunicorn_up unpatched wsgi_unpatched --workers=1 --worker-class=gevent --worker-connections=1000
    measure unpatched-c10 "$REPEATS" -n 10 -c 10 -t 0 "$URL"
    group_end
  fi

  # Not in the article: -c 50 and -c 100 again, alternated run by run for SPREAD_ROUNDS (5)
  # rounds, for the spread of the responses (Slowest - Fastest): spread-c{50,100}.rN.txt.
  if wanted spread-c{50,100} && due 1; then
    gunicorn_up spread wsgi_patched --workers=1 --worker-class=gevent --worker-connections=1000
    for r in $(seq 1 "${SPREAD_ROUNDS:-5}"); do
      for c in 50 100; do
        KIT_ROUND="" measure "spread-c$c" 1 -n "$c" -c "$c" -t 0 "$URL"
        keep_round "spread-c$c" "$r"
      done
    done
    rounds_done spread-c
    group_end
  fi

  if wanted patched-c{10,50,75,100,101,125,110,150,50-n200} && due "$REPEATS"; then
    gunicorn_up patched wsgi_patched --workers=1 --worker-class=gevent --worker-connections=1000
    for c in 10 50 75 100 101 125; do measure "patched-c$c" "$REPEATS" -n "$c" -c "$c" -t 0 "$URL"; done
    # Not in the article: more points past PostgreSQL's limit, where the simulator
    # underestimates Total (docs/calibration.md, "the known gap").
    for c in 110 150; do measure "patched-c$c" "$REPEATS" -n "$c" -c "$c" -t 0 "$URL"; done
    # Not in the article: several requests per hey worker (keep-alive reuse).
    measure patched-c50-n200 "$REPEATS" -n 200 -c 50 -t 0 "$URL"
    group_end
  fi

  if wanted actors-c1000 && due "$REPEATS"; then
    gunicorn_up actors wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100
    measure actors-c1000 "$REPEATS" -n 1000 -c 1000 -t 0 "$URL"
    group_end
  fi

  # Not in the article: the same with gunicorn's keep-alive off, so a greenlet frees its
  # pool slot as soon as it has answered.
  if wanted actors-keepalive0-c1000 && due "$REPEATS"; then
    gunicorn_up actors-keepalive0 wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=0
    measure actors-keepalive0-c1000 "$REPEATS" -n 1000 -c 1000 -t 0 "$URL"
    group_end
  fi

  # Not in the article: gunicorn's default worker class, 4 sync workers, one request each.
  if wanted sync4-c10-n20 && due "$REPEATS"; then
    gunicorn_up sync4 wsgi_unpatched --workers=4 --worker-class=sync
    measure sync4-c10-n20 "$REPEATS" -n 20 -c 10 -t 0 "$URL"
    group_end
  fi

  # Transport errors, for hey's Error distribution and for what Requests/sec counts:
  # every second request sleeps 2 s and hits hey's 1 s timeout.
  if wanted slow-timeouts-c1-n10 && due 1; then
    gunicorn_up slow wsgi_slow --workers=1 --worker-class=gevent --worker-connections=1000
    measure slow-timeouts-c1-n10 1 -n 10 -c 1 -t 1 "$URL"
    group_end
  fi
  # Nothing listening: every request is refused.
  measure refused-c2-n10 1 -n 10 -c 2 -t 1 "http://$HOST:$CLOSED_PORT/"

  # --- The connection storms (added for the CPU model; README.md's second table) -----------
  # The actors configuration again, five times each: keep-alive 2 (gunicorn's default, as
  # actors-c1000), keep-alive 0 (as actors-keepalive0-c1000), and hey without keep-alive.
  if wanted actors4x100-ka2-c1000 actors4x100-nokeepalive-c1000 && due 5; then
    gunicorn_up actors4x100-ka2 wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=2
    measure actors4x100-ka2-c1000 5 -n 1000 -c 1000 -t 0 "$URL"
    measure actors4x100-nokeepalive-c1000 5 -n 1000 -c 1000 -t 0 -disable-keepalive "$URL"
    group_end
  fi
  if wanted actors4x100-ka0-c1000 && due 5; then
    gunicorn_up actors4x100-ka0 wsgi_actors --workers=4 --worker-class=gevent --worker-connections=100 --keep-alive=0
    measure actors4x100-ka0-c1000 5 -n 1000 -c 1000 -t 0 "$URL"
    group_end
  fi

  # pg_sleep(1) with 4 workers x 30 connections: at most 120 requests in handlers, so at
  # most 120 backends, beyond PostgreSQL's 100.
  if wanted sleep4x30-c{100,150,200} && due 3; then
    gunicorn_up sleep4x30 wsgi_patched --workers=4 --worker-class=gevent --worker-connections=30
    for c in 100 150 200; do measure "sleep4x30-c$c" 3 -n 400 -c "$c" -t 0 "$URL"; done
    group_end
  fi

  # One gevent worker x 100 connections, the actors query, keep-alive 2 and 0.
  for ka in 2 0; do
    if wanted actors1x100-ka$ka-c{100,150,200,300,1000} && due 3; then
      gunicorn_up "actors1x100-ka$ka" wsgi_actors --workers=1 --worker-class=gevent --worker-connections=100 --keep-alive=$ka
      for c in 100 150 200 300 1000; do measure "actors1x100-ka$ka-c$c" 3 -n 1000 -c "$c" -t 0 "$URL"; done
      group_end
    fi
  done

  # gunicorn's threaded worker (gthread) on the actors handler without psycogreen: each
  # thread's psycopg2 connect blocks only that thread, and libpq computes the scram proof
  # with the GIL released. 4 x 25 threads (100 at most, PostgreSQL's limit), 4 x 30 (120,
  # beyond it), one worker x 100 threads at -c 100 and -c 1000.
  for cfg in 4x25 4x30 1x100; do
    w=${cfg%x*} t=${cfg#*x}
    if wanted "gthread-actors$cfg-ka2-c"{100,1000} && due 5; then
      CAL_GREEN=0 gunicorn_up "gthread-actors$cfg" wsgi_actors --workers="$w" --worker-class=gthread --threads="$t" --keep-alive=2
      [ "$cfg" = 1x100 ] && measure "gthread-actors$cfg-ka2-c100" 3 -n 1000 -c 100 -t 0 "$URL"
      measure "gthread-actors$cfg-ka2-c1000" 5 -n 1000 -c 1000 -t 0 "$URL"
      group_end
    fi
  done
  # pg_sleep(1) without psycogreen on 4 gthread workers x 30 threads: 120 at once, beyond
  # PostgreSQL's 100.
  if wanted gthread-sleep4x30-c150 && due 3; then
    gunicorn_up gthread-sleep4x30 wsgi_unpatched --workers=4 --worker-class=gthread --threads=30
    measure gthread-sleep4x30-c150 3 -n 400 -c 150 -t 0 "$URL"
    group_end
  fi

  # gunicorn's default worker class, sync: one request at a time per process, psycopg2
  # without psycogreen. 8 workers on the actors handler at -c 100 and -c 1000; 120 workers
  # (beyond PostgreSQL's 100) on the actors handler at -c 1000 and on pg_sleep(1) at -c 150.
  if wanted sync-actors8-c{100,1000} && due 5; then
    CAL_GREEN=0 gunicorn_up sync-actors8 wsgi_actors --workers=8 --worker-class=sync
    measure sync-actors8-c100 3 -n 1000 -c 100 -t 0 "$URL"
    measure sync-actors8-c1000 5 -n 1000 -c 1000 -t 0 "$URL"
    group_end
  fi
  if wanted sync-actors120-c1000 && due 5; then
    CAL_GREEN=0 gunicorn_up sync-actors120 wsgi_actors --workers=120 --worker-class=sync
    measure sync-actors120-c1000 5 -n 1000 -c 1000 -t 0 "$URL"
    group_end
  fi
  if wanted sync-sleep120-c150 && due 3; then
    gunicorn_up sync-sleep120 wsgi_unpatched --workers=120 --worker-class=sync
    measure sync-sleep120-c150 3 -n 300 -c 150 -t 0 "$URL"
    group_end
  fi
}

if [ "${ALTERNATE:-}" = yes ]; then
  # As many rounds as the most runs any configuration takes.
  for KIT_ROUND in $(seq 1 $((REPEATS > 5 ? REPEATS : 5))); do series; done
  KIT_ROUND=""
else
  series
fi

say "results in $RESULTS"
