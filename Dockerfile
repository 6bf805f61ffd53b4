# The Books App in production: `docker build -t books-app .` then
#   docker run -p 8000:8000 -e SECRET_KEY=... -e DATABASE_URL=postgresql://... -e ALLOWED_HOSTS=books.example.com books-app
# Migrations run at start, then uvicorn serves the API, /docs and /admin from one process.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=0 \
    PORT=8000 \
    WEB_CONCURRENCY=1 \
    FORWARDED_ALLOW_IPS=127.0.0.1,::1

WORKDIR /srv
# Run-time dependencies only; requirements.txt adds the workshop's tools (JupyterLab, pytest, ...).
COPY requirements-app.txt ./
RUN pip install -r requirements-app.txt

COPY manage.py ./
COPY app ./app
# A non-root user; var/ is where the SQLite fallback database would live.
RUN useradd --create-home --uid 10001 books && mkdir -p var && chown books var
USER books

EXPOSE 8000
# Plain HTTP from inside the container, Host 127.0.0.1: /healthz is exempt from ALLOWED_HOSTS and
# from the HTTPS redirect (settings.HEALTH_CHECK_PATH), so this passes whatever ALLOWED_HOSTS is.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/healthz', timeout=4)"

# One uvicorn process per container by default; scale with more containers, or WEB_CONCURRENCY=N
# uvicorn workers (or gunicorn's native ASGI worker, --worker-class asgi, new in gunicorn 24.0 as a
# beta; `uvicorn.workers` is deprecated). Each worker has its own pool: workers x
# DB_POOL_MAX_SIZE must stay below PostgreSQL's max_connections.
# Behind a TLS proxy: --proxy-headers believes X-Forwarded-Proto/-For only from FORWARDED_ALLOW_IPS
# (set it to the proxy's address; "*" only if nothing but the proxy can reach the container). Both
# the API and the admin then see https, send HSTS and stop redirecting. SECURE_SSL_REDIRECT=0 when
# the proxy does not send X-Forwarded-Proto at all.
CMD ["sh", "-c", "python manage.py migrate --no-input && exec uvicorn app.main:app --host 0.0.0.0 --port \"$PORT\" --workers \"$WEB_CONCURRENCY\" --proxy-headers"]
