# Fieldwork 1+2 — one image for web (gunicorn), worker (celery) and beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 DJANGO_SETTINGS_MODULE=config.settings
# The PostgreSQL major version of docker-compose.yml's postgres image: pg_dump and pg_restore
# (manage.py backup / restore) must be at least the server's (tests/ops/test_deploy_files.py).
ARG PG_MAJOR=16
# WeasyPrint needs Pango; poppler-utils gives pdftoppm for previews; postgresql-client-$PG_MAJOR
# from the PostgreSQL project's apt repository (Debian's is 15).
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-liberation2 gettext \
    postgresql-common ca-certificates \
 && /usr/share/postgresql-common/pgdg/apt.postgresql.org.sh -y \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN SECRET_KEY=build-only DJANGO_DEBUG=0 python manage.py collectstatic --no-input -v0 \
 && (python manage.py compilemessages -v0 || true) \
 && useradd --system --uid 1000 app && mkdir -p /app/media /app/backups && chown -R app /app/media /app/backups
USER app
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--config", "python:config.gunicorn_conf", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
