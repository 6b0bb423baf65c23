# AgencyRank application image: one image for web (gunicorn), worker and beat.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 1000 agencyrank

WORKDIR /app
COPY pyproject.toml README.md ./
COPY agencyrank agencyrank
COPY accounts accounts
COPY agencies agencies
COPY reviews reviews
RUN pip install .
COPY . .

# Static files and the compiled catalogue are built into the image; the build needs a
# throwaway key because settings refuse to load without one in production mode.
RUN AGENCYRANK_PRODUCTION=false python manage.py compilemessages --ignore '.venv/*' \
    && AGENCYRANK_PRODUCTION=true SECRET_KEY=build-only-$(python -c 'import secrets; print(secrets.token_urlsafe(48))') \
       ALLOWED_HOSTS=build python manage.py collectstatic --noinput

USER agencyrank
EXPOSE 8000
CMD ["gunicorn", "agencyrank.wsgi:application", "--bind", "0.0.0.0:8000"]
