"""Gunicorn settings for the web process: `gunicorn -c config/gunicorn.py config.wsgi` (docker-compose.yml).

Everything is an environment variable, like the app's own settings:

- `GUNICORN_BIND` (default `0.0.0.0:$PORT`, `PORT` default 8000);
- `WEB_CONCURRENCY` worker processes (default: 2 per CPU + 1, at most 8), `GUNICORN_THREADS` per worker (default 1);
- `GUNICORN_TIMEOUT` seconds before a silent worker is restarted (default 60: the XLSX export of a national register
  takes a few seconds; CSV exports stream and keep the worker busy, not silent);
- `FORWARDED_ALLOW_IPS`: proxies trusted for X-Forwarded-* (default 127.0.0.1; `*` behind a private load balancer);
  the app reads the same variable to find the client's address in X-Forwarded-For (config/client_ip.py);
- `GUNICORN_CONTROL_SOCKET`: path of gunicorn's control socket (default: none).
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{_int('PORT', 8000)}"
workers = _int("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count() + 1, 8))
threads = _int("GUNICORN_THREADS", 1)
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
# Restart workers now and then, so that a slow leak cannot grow for ever; the jitter keeps them from restarting at once.
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Load Django once in the master (fails fast on a bad configuration; workers share its memory). No database
# connection is opened at import, so none is shared across the fork.
preload_app = True
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Heartbeat files in memory: a container's /tmp may be a slow overlay filesystem.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn's documented advice
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
proc_name = "s55-web"
# gunicorn's control socket (`gunicornc`) lives in $HOME by default, one path for every gunicorn on the machine; keep it
# off unless asked for, with a path of its own.
control_socket_disable = not os.environ.get("GUNICORN_CONTROL_SOCKET")
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
