# Workshop Bot: docker build -t workshop-bot . && docker run --env-file .env workshop-bot
# The bundled program and the database migrations ship inside the installed package, so
# the image needs no source tree: serve your own program with a volume and BOT_PROGRAM.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

COPY pyproject.toml README.md /tmp/src/
COPY bot /tmp/src/bot
COPY adapters /tmp/src/adapters
RUN pip install --no-cache-dir /tmp/src \
    && rm -rf /tmp/src \
    && useradd --create-home --uid 10001 bot

USER 10001:10001
WORKDIR /home/bot
ENV DATABASE_URL=sqlite:////home/bot/data/workshop-bot.db

CMD ["workshop-bot", "run"]
