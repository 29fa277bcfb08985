# Production image: several uvicorn workers against PostgreSQL (WINNOW_DATABASE_URL).
#   docker build -t winnow .
#   docker run -p 8000:8000 -e WINNOW_DATABASE_URL=postgresql+psycopg://user:pass@db/winnow winnow
FROM python:3.11-slim AS build
# The wheel compiles the file-import hot path with mypyc (pyproject.toml): it needs a C compiler.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
ENV HATCH_BUILD_HOOK_ENABLE_MYPYC=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY api ./api
COPY importers ./importers
COPY screening ./screening
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels '.[postgres]'

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    WINNOW_DATA_DIR=/var/lib/winnow \
    WEB_CONCURRENCY=4 \
    PORT=8000
RUN useradd --system --uid 10001 --home-dir /var/lib/winnow --create-home winnow
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels 'winnow[postgres]' && rm -rf /wheels
USER winnow
WORKDIR /var/lib/winnow
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/api/v1/health', timeout=4)"
# `winnow serve` migrates once, then starts the workers.
CMD ["sh", "-c", "exec winnow serve --host 0.0.0.0 --port \"$PORT\" --workers \"$WEB_CONCURRENCY\""]
