#!/usr/bin/env bash
# Starts the web server (gunicorn + whitenoise), a Celery worker and beat; Ctrl-C stops all of them
# and then the embedded PostgreSQL and Redis (when no external ones are configured).
set -uo pipefail
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}
BIN="$VENV/bin"
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings.dev}
mkdir -p var/log
# Every process here (gunicorn workers, the Celery worker's children) writes its metrics to one folder;
# /metrics adds them up. Emptied at each start, as prometheus_client requires.
export PROMETHEUS_MULTIPROC_DIR=${PROMETHEUS_MULTIPROC_DIR:-var/prometheus}
rm -rf "$PROMETHEUS_MULTIPROC_DIR" && mkdir -p "$PROMETHEUS_MULTIPROC_DIR"

pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping web, worker and beat..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
  if [ -z "${DATABASE_URL:-}${REDIS_URL:-}" ]; then "$BIN/python" manage.py embedded stop; fi
  echo "Stopped."
}
trap cleanup INT TERM EXIT

"$BIN/celery" -A config worker -Q default,grading,llm,documents -c "${WORKER_CONCURRENCY:-2}" \
  --loglevel INFO --logfile var/log/worker.log & pids+=($!)
"$BIN/celery" -A config beat --loglevel INFO --logfile var/log/beat.log & pids+=($!)
# Flower, the Celery monitor, on 127.0.0.1:5555 (workers, tasks, queues).
"$BIN/celery" -A config flower --address=127.0.0.1 --port="${FLOWER_PORT:-5555}" --logging=warning \
  >var/log/flower.log 2>&1 & pids+=($!)
"$BIN/gunicorn" -c deploy/gunicorn.conf.py config.wsgi:application & pids+=($!)

echo "LLM Career Coach is running on http://${BIND:-127.0.0.1:8000}/ (logs in var/log/). Ctrl-C stops it."
wait -n "${pids[@]}"
