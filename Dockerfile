# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=kitos.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles

WORKDIR /app

RUN groupadd --system kitos && useradd --system --gid kitos --home /app kitos

COPY pyproject.toml README.md ./
COPY kitos ./kitos
COPY roles ./roles
COPY portfolio ./portfolio
COPY contracts ./contracts
COPY gdpr ./gdpr
COPY alerts ./alerts
COPY imports ./imports
COPY overview ./overview
COPY demo ./demo
RUN pip install --upgrade pip && pip install .

COPY manage.py ./
COPY templates ./templates
COPY static ./static
COPY locale ./locale

# collectstatic needs settings that import; the real secrets arrive at run time.
RUN DJANGO_SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    KITOS_BASE_URL=http://build.invalid \
    python manage.py collectstatic --noinput \
    && chown -R kitos:kitos /app

USER kitos
EXPOSE 8000

CMD ["gunicorn", "kitos.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--access-logfile", "-"]
