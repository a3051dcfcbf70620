# Workshop Bot: docker build -t workshop-bot . && docker run --env-file .env workshop-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY adapters ./adapters
COPY config ./config
RUN pip install --no-cache-dir . \
    && useradd --create-home --uid 10001 bot

USER 10001:10001
WORKDIR /home/bot
ENV BOT_PROGRAM=/app/config/program.yaml \
    DATABASE_URL=sqlite:////home/bot/data/workshop-bot.db

CMD ["workshop-bot", "run"]
