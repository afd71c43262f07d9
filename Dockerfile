# syntax=docker/dockerfile:1
# The one image of every process (web, worker, beat, migrate): docker-compose.yml picks the command.
# Build: docker build -t s55-tracker .     Configuration: environment variables only (docs/operations.md).

# --- 1. The GOV.UK Frontend / MoJ Frontend styles and scripts (npm run build → static/build/) --------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/ static/
RUN npm run build

# --- 2. The application -------------------------------------------------------------------------------------------------
FROM python:3.13-slim AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles

# WeasyPrint (the PDFs) lays text out with Pango; Liberation Sans stands in for Arial.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

# The runtime dependencies only, pinned with hashes (make lock); psycopg's binary wheel brings its own libpq.
COPY requirements-prod.lock /tmp/requirements-prod.lock
RUN pip install --require-hashes --no-deps -r /tmp/requirements-prod.lock && rm /tmp/requirements-prod.lock

RUN groupadd --system --gid 10001 s55 && useradd --system --uid 10001 --gid s55 --home-dir /app --no-create-home s55
WORKDIR /app
COPY --chown=s55:s55 . .
COPY --from=assets --chown=s55:s55 /src/static/build/ static/build/

# Hashed, compressed static files for WhiteNoise. Settings refuse to load without a SECRET_KEY; this one exists only
# for this build step and is not kept in the image's environment.
RUN SECRET_KEY=collectstatic-only-not-a-secret DATABASE_URL=sqlite:////tmp/build.sqlite3 \
        python manage.py collectstatic --noinput -v0 \
    && rm -f /tmp/build.sqlite3 \
    && mkdir -p /app/var && chown -R s55:s55 /app/var /app/staticfiles

USER s55
EXPOSE 8000
CMD ["gunicorn", "-c", "config/gunicorn.py", "config.wsgi"]
