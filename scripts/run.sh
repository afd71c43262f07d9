#!/usr/bin/env bash
# Start the demo: migrate, load demo data, then the web server and the background worker together.
set -euo pipefail
cd "$(dirname "$0")/.."
export DEBUG="${DEBUG:-1}" SECURE="${SECURE:-0}"
PY=.venv/bin/python
# HOST and PORT choose where the web server listens: `make run PORT=8080`, `HOST=0.0.0.0 make run`.
HOST="${HOST:-127.0.0.1}" PORT="${PORT:-8000}"
if [[ "$HOST" == "0.0.0.0" ]]; then
  # Every interface: links point at this machine itself, and its names and addresses are all accepted.
  LINK_HOST=127.0.0.1
  NAMES="$(hostname 2>/dev/null || true) $(hostname -I 2>/dev/null || true)"
  # shellcheck disable=SC2086  # one name or address a word
  HOSTS="127.0.0.1,localhost$(printf ',%s' $NAMES)"
else
  LINK_HOST="$HOST"
  HOSTS="127.0.0.1,localhost"
  if [[ "$HOST" != "127.0.0.1" && "$HOST" != "localhost" ]]; then HOSTS+=",$HOST"; fi
fi
export SITE_URL="${SITE_URL:-http://$LINK_HOST:$PORT}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-$HOSTS}"

$PY manage.py migrate --no-input -v0   # also creates the django-q2 reminder schedule
$PY manage.py loaddemo

$PY manage.py qcluster >var/worker.log 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM

cat <<MSG

  Section 55 Tracker is running at $SITE_URL/
  Admin (data entry):               $SITE_URL/admin/
  Background worker (django-q2):    pid $WORKER, log in var/worker.log
  Emails are written to var/mail/ (set EMAIL_HOST to send by SMTP).

  Demo sign-ins (Norfolk Police and Crime Commissioner):
    admin   / ${DEMO_ADMIN_PASSWORD:-norfolk-admin-demo}    (body admin)
    editor  / ${DEMO_EDITOR_PASSWORD:-norfolk-editor-demo}   (editor)
    viewer  / ${DEMO_VIEWER_PASSWORD:-norfolk-viewer-demo}   (read only)

  Press Ctrl+C to stop both.

MSG
$PY manage.py runserver "$HOST:$PORT"
