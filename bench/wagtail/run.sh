#!/usr/bin/env bash
# Measure Wagtail 8.0.1's API v2 (pages endpoint) under gunicorn with wrk, for comparison with
# the project's own API (bench/README.md). See bench/wagtail/README.md.
#
# Usage: bench/wagtail/run.sh
#   env: WAGTAIL_SITE=plain (the `wagtail start` site, the goal's yardstick) or ref (the richer one),
#        WAGTAIL_BENCH_DIR=/tmp/editorial-bench/wagtail (venv + database), PYTHON=python3,
#        WARMUP=8 DURATION=8 CONNECTIONS=16 THREADS=2 PORT=8100,
#        WAGTAIL_BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/wagtail_bench (else SQLite),
#        SERVE_PATHS_DIR=dir: serve only, until stopped, with the path lists written to dir
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)  # the code: bench/wagtail in the repository
WORK_DIR=${WAGTAIL_BENCH_DIR:-/tmp/editorial-bench/wagtail}  # the state: .venv/ and the databases
SITE=${WAGTAIL_SITE:-plain}
WARMUP=${WARMUP:-8}
DURATION=${DURATION:-8}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
PORT=${PORT:-8100}
BASE=http://127.0.0.1:$PORT

WRK=$(command -v wrk || true)
if [ -z "$WRK" ]; then
  echo "error: wrk not found on PATH; install it (apt-get install -y wrk) and run again" >&2
  exit 1
fi
command -v curl > /dev/null || { echo "error: curl not found on PATH (apt-get install -y curl)" >&2; exit 1; }

mkdir -p "$WORK_DIR"
WORK_DIR=$(cd "$WORK_DIR" && pwd)
VENV=$WORK_DIR/.venv
PY=$VENV/bin/python
cd "$HERE"
# Only the site's own directories on the path: it never sees the project's packages. Each site
# has its own database (a SQLite file, or with WAGTAIL_BENCH_DATABASE_URL a database of its own).
case "$SITE" in
  plain)
    export PYTHONPATH=$HERE/plain:$HERE  # the generated project, and article_text.py
    export DJANGO_SETTINGS_MODULE=plainsite.settings.bench
    export WAGTAIL_BENCH_DB=$WORK_DIR/plain.sqlite3
    WSGI=plainsite.wsgi:application
    MODEL=home.ArticlePage
    LIST_Q='type=home.ArticlePage&fields=summary,audience,last_reviewed&limit=20'
    cd "$HERE/plain"
    ;;
  ref)
    export PYTHONPATH=$HERE
    export DJANGO_SETTINGS_MODULE=refsite.settings
    export WAGTAIL_BENCH_DB=$WORK_DIR/db.sqlite3
    WSGI=refsite.wsgi:application
    MODEL=wagtail_articles.ArticlePage
    LIST_Q='type=wagtail_articles.ArticlePage&fields=summary,audience,topic,status_label,last_reviewed,next_review_due&order=-last_reviewed&limit=20'
    ;;
  *) echo "error: WAGTAIL_SITE must be plain or ref, not '$SITE'" >&2; exit 1 ;;
esac
export WAGTAIL_BENCH_DIR=$WORK_DIR
export PYTHONPYCACHEPREFIX=$WORK_DIR/pycache  # no __pycache__ next to the code

# 0. The venv: created when missing, rebuilt from scratch whenever requirements.txt changes.
STAMP=$VENV/.requirements.sha256
want=$(sha256sum "$HERE/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$PY" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  echo "venv: creating $VENV from requirements.txt (${PYTHON:-python3}: $("${PYTHON:-python3}" -V 2>&1))"
  rm -rf "$VENV"
  "${PYTHON:-python3}" -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
  echo "$want" > "$STAMP"
fi
echo "venv: $VENV ($("$PY" -V 2>&1), wagtail $("$PY" -c 'import wagtail; print(wagtail.__version__)'))"

# 1. Database: migrate and seed if needed (both are no-ops once done).
echo "database: ${WAGTAIL_BENCH_DATABASE_URL:-$WAGTAIL_BENCH_DB}"
"$PY" manage.py migrate -v0 --no-input
"$PY" manage.py seed --count 1000
# Planner statistics, as bench/seed.py gathers them for ours (VACUUM cannot run in a transaction).
"$PY" manage.py shell -v0 -c "
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute('VACUUM ANALYZE' if connection.vendor == 'postgresql' else 'ANALYZE')
"

# 2. Path lists, in a scratch dir removed on exit; gunicorn is stopped on exit whatever happens.
RUN=
GPID=
cleanup() {
  if [ -n "$GPID" ] && kill -0 "$GPID" 2>/dev/null; then
    kill -TERM "$GPID"
    for _ in $(seq 1 60); do kill -0 "$GPID" 2>/dev/null || break; sleep 0.25; done
    kill -0 "$GPID" 2>/dev/null && kill -KILL "$GPID"
    wait "$GPID" 2>/dev/null || true
  fi
  [ -n "$RUN" ] && rm -rf "$RUN"
  return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM
RUN=$(mktemp -d "$WORK_DIR/run.XXXXXX")
"$PY" manage.py shell -v0 -c "
from django.apps import apps
ids = list(apps.get_model('$MODEL').objects.live().order_by('path').values_list('id', flat=True))
open('$RUN/detail.txt', 'w').write(''.join(f'/api/v2/pages/{i}/\n' for i in ids))
"
for k in $(seq 0 49); do echo "/api/v2/pages/?$LIST_Q&offset=$((20 * k))"; done > "$RUN/list.txt"
echo "paths: $(wc -l < "$RUN/detail.txt") detail, $(wc -l < "$RUN/list.txt") list"

# 3. gunicorn (2 sync workers, no access log).
if curl -s -o /dev/null "$BASE/" 2>/dev/null; then echo "error: port $PORT already in use" >&2; exit 1; fi
"$VENV/bin/gunicorn" "$WSGI" \
  --workers=2 --worker-class=sync --bind="127.0.0.1:$PORT" \
  --log-level=warning --backlog=2048 &
GPID=$!
for i in $(seq 1 150); do
  curl -s -o /dev/null -f "$BASE/api/v2/pages/?limit=1" && break
  kill -0 "$GPID" 2>/dev/null || { echo "error: gunicorn exited" >&2; exit 1; }
  [ "$i" = 150 ] && { echo "error: gunicorn did not answer within 30 s" >&2; exit 1; }
  sleep 0.2
done
echo "gunicorn $("$VENV/bin/gunicorn" --version 2>&1 | tr -dc '0-9.') pid $GPID on $BASE"

# 4. Verify both scenarios answer 200 with the expected content.
DETAIL0=$(head -1 "$RUN/detail.txt"); LIST0=$(head -1 "$RUN/list.txt")
curl -s -f -o "$RUN/detail.json" -w "detail %{http_code} %{size_download} bytes  $DETAIL0\n" "$BASE$DETAIL0"
curl -s -f -o "$RUN/list.json" -w "list   %{http_code} %{size_download} bytes  $LIST0\n" "$BASE$LIST0"
"$PY" "$HERE/check_site.py" "$SITE" "$RUN/detail.json" "$RUN/list.json"

# With SERVE_PATHS_DIR, serve without loading: copy the path lists there and serve until stopped
# (bench/compare.py loads this server and ours in turn).
if [ -n "${SERVE_PATHS_DIR:-}" ]; then
  cp "$RUN/detail.txt" "$RUN/list.txt" "$SERVE_PATHS_DIR/"
  echo "serving on $BASE until stopped"
  wait "$GPID"
  exit 0
fi

# Warn when other processes are busy: the CPUs are shared by gunicorn, wrk and everything else.
busy=$(top -bn2 -d1 -w 200 | awk '/^top -/{n++} n==2 && $1 ~ /^[0-9]+$/ && $9+0 >= 20 {print $1" "$9"% "$12}') || true
if [ -n "$busy" ]; then echo "WARNING: other processes busy before the load (pid %CPU command): $(echo $busy)"; fi

# 5. Load: per scenario, WARMUP s discarded, then DURATION s measured.
echo "load: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP}s warm-up + ${DURATION}s measured; $(nproc) CPUs shared; loadavg before: $(cut -d' ' -f1-3 /proc/loadavg)"
run_wrk() {  # paths-file seconds
  BENCH_PATHS=$1 "$WRK" --threads="$THREADS" --connections="$CONNECTIONS" --duration="$2s" \
    --timeout=10s --latency --script="$HERE/../paths.lua" "$BASE"
}
SUMMARY=()
for scenario in "detail:detail.txt" "list of 20:list.txt"; do
  name=${scenario%%:*}; file=$RUN/${scenario##*:}
  run_wrk "$file" "$WARMUP" > /dev/null
  out=$(run_wrk "$file" "$DURATION")
  read -r rps p50 p99 errors requests non2xx sock <<< "$(echo "$out" | "$PY" "$HERE/parse_wrk.py")"
  echo "--- $name: $requests requests in ${DURATION}s, $rps req/s, p50 ${p50} ms, p99 ${p99} ms, non-2xx $non2xx, socket errors $sock"
  SUMMARY+=("$(printf "wagtail $SITE %-11s"' %8.1f req/s  p50 %7.2f ms  p99 %7.2f ms  errors %s' "$name:" "$rps" "$p50" "$p99" "$errors")")
done

echo
printf '%s\n' "${SUMMARY[@]}"
