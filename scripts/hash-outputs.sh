#!/bin/bash
# Hashes `sim run --json` of every scenario (scenarios/, calibration/) with the current
# build, one line each: "<sha1, 12 hex> <file>". A refactoring must leave every line as it
# was: run it before and after (npm run build first) and diff the two.
#
#   bash scripts/hash-outputs.sh > /tmp/before.txt   # ... change, npm run build ...
#   bash scripts/hash-outputs.sh > /tmp/after.txt && diff /tmp/before.txt /tmp/after.txt
#
# sweep-article.json is a sweep (sim sweep); schema.json and article-rows.json (the article's
# figures) are not scenarios.
set -u
cd "$(dirname "$0")/.."
# The schema too: a change in how the CLI is bundled once altered its text and nothing else.
echo "$(node bin/sim.js schema 2>&1 | sha1sum | cut -c1-12) sim schema"
for f in scenarios/*.json calibration/*.json; do
  case "$f" in *schema.json | *sweep-article.json | *article-rows.json) continue ;; esac
  h=$(node bin/sim.js run "$f" --json 2>&1 | sha1sum | cut -c1-12)
  echo "$h $f"
done
