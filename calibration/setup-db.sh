#!/usr/bin/env bash
# Prepares a running PostgreSQL for the article's handlers: the postgres role's password
# is what the handlers use, and a database "dvdrental" holds an "actor" table with 200
# rows. The article used the dvdrental sample database; when it is not installed this
# script creates only what the actors query reads (same columns, 200 rows, names
# generated), which is all the handler touches.
#
# Usage: setup-db.sh [host] [port]   (defaults 127.0.0.1 5432; loopback only)
# Needs PGPASSWORD (or ~/.pgpass) for the postgres role.
set -euo pipefail
host="${1:-127.0.0.1}"
port="${2:-5432}"
case "$host" in
  127.*|localhost|::1) ;;
  *) echo "setup-db.sh: refusing $host: the kit only talks to loopback addresses" >&2; exit 2 ;;
esac
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U postgres "$@"; }

if [ "$(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'dvdrental'")" != 1 ]; then
  psql_ -d postgres -c 'CREATE DATABASE dvdrental'
  echo "setup-db.sh: created database dvdrental (the dvdrental sample is not installed)"
fi

psql_ -d dvdrental <<'SQL'
CREATE TABLE IF NOT EXISTS actor (
  actor_id    serial PRIMARY KEY,
  first_name  varchar(45) NOT NULL,
  last_name   varchar(45) NOT NULL,
  last_update timestamp without time zone NOT NULL DEFAULT now()
);
-- 200 rows, like dvdrental's actor table; only when the table is empty, so a real
-- dvdrental is left as it is.
INSERT INTO actor (first_name, last_name)
SELECT 'First' || lpad(i::text, 3, '0'), 'Last' || lpad(i::text, 3, '0')
FROM generate_series(1, 200) AS i
WHERE NOT EXISTS (SELECT 1 FROM actor);
ANALYZE actor;
SQL
echo "setup-db.sh: dvdrental.actor has $(psql_ -d dvdrental -tAc 'SELECT count(*) FROM actor') rows"
