# Conecta Pastaza: one image for the web server, the Celery worker and Celery beat (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/data \
    MEDIA_ROOT=/data/media \
    STATIC_ROOT=/app/staticfiles \
    STATIC_MANIFEST=1

# gettext: compilemessages at build time; Pango, HarfBuzz's subsetter and DejaVu: WeasyPrint's report PDFs;
# ffmpeg: the recordings' Opus and MP3 (kichwa.audio).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core ffmpeg \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# Without the compiled Kichwa catalogue /qu/ is a 404; static files are hashed and compressed for WhiteNoise.
RUN python manage.py compilemessages --ignore=.venv --ignore=var -v0 \
    && python manage.py collectstatic --noinput -v0

# The mount points of docker-compose.yml's volumes: an empty named volume takes their owner, so the application
# (not root) may write into media, reports and minutes, and the migrate service may fill static.
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin conecta \
    && mkdir -p /data/media /data/reports /data/minutes /data/static \
    && chown -R conecta:conecta /data
USER conecta

EXPOSE 8000
CMD ["gunicorn", "conecta.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
