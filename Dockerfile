# One image for web, worker and beat (docker-compose.yml picks the command).
# The whole project folder is copied; .dockerignore keeps out what is not the app, so a
# new app cannot be left out of the image by forgetting a COPY line.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=kitos.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles

WORKDIR /app

RUN groupadd --system kitos && useradd --system --gid kitos --home /app kitos

# xmlsec1: pysaml2 signs and verifies SAML messages with it (single sign-on).
RUN apt-get update \
    && apt-get install -y --no-install-recommends xmlsec1 \
    && rm -rf /var/lib/apt/lists/*

# The dependencies alone first (read from pyproject.toml): this layer is reused until
# they change, not rebuilt on every code change.
COPY pyproject.toml ./
RUN pip install --upgrade pip \
    && python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt

COPY . .
# .ci/image-check repeats these steps (without Docker) in CI: keep the two in step.
# collectstatic needs settings that import; the real secrets arrive at run time.
RUN pip install --no-deps . \
    && DJANGO_SECRET_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
       KITOS_BASE_URL=http://build.invalid \
       python manage.py collectstatic --noinput \
    && rm -rf build /tmp/build.sqlite3 \
    && chown -R kitos:kitos /app

USER kitos
EXPOSE 8000

CMD ["gunicorn", "kitos.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", \
     "--timeout", "60", "--access-logfile", "-"]
