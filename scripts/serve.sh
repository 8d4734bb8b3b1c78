#!/usr/bin/env bash
# `make run`: one Celery worker (with beat) beside gunicorn, stopped with it.
# Without FLASK_CELERY_BROKER_URL the worker uses the broker kept in files under generated/;
# FLASK_CELERY_BROKER_URL=redis://127.0.0.1:6379/0 switches to Redis.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT="${PORT:-5000}"
export FLASK_APP=service.app
export FLASK_HTTPS="${FLASK_HTTPS:-false}"
# The address printed in the QR codes follows the port unless it is set.
export FLASK_PUBLIC_BASE_URL="${FLASK_PUBLIC_BASE_URL:-http://127.0.0.1:${PORT}}"
CELERY_DIR="${FLASK_CELERY_DATA_FOLDER:-generated/celery}"
mkdir -p "$CELERY_DIR"
.venv/bin/celery -A service.jobs.worker worker --beat --concurrency 1 --loglevel WARNING \
  --schedule "$CELERY_DIR/beat-schedule" --without-gossip --without-mingle \
  -n "documents@%h" >>"$CELERY_DIR/worker.log" 2>&1 &
WORKER=$!
stop() { kill -TERM "$WORKER" 2>/dev/null || true; wait "$WORKER" 2>/dev/null || true; }
trap stop EXIT INT TERM
echo "Processus de travail démarré (journal : $CELERY_DIR/worker.log)."
.venv/bin/gunicorn -c gunicorn.conf.py --bind "127.0.0.1:${PORT}" 'service.app:create_app()'
