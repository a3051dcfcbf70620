"""Benchmark of Q&A (issue: Q&A threads).

Reports votes per second and vote latency (p50/p99) through the core (QaService.vote:
the checks, the insert, the commit) with many voters at once, on SQLite and, when a
PostgreSQL URL is given (or TEST_DATABASE_URL is set), on PostgreSQL in a database of its
own that is dropped afterwards; any "database is locked" or other error is counted. Then
the time to export 5,000 questions in each format.

    .venv/bin/python bench/qa_bench.py [--votes 5000] [--concurrency 25]
                                       [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bot.app import open_core
from bot.messages import UserRef
from bot.settings import BUNDLED_PROGRAM, Settings
from bot.store.tables import Question, Vote

NOW = datetime(2021, 12, 13, 18, 0, tzinfo=UTC)


class FixedClock:
    simulated, speed = True, 0.0

    def now(self) -> datetime:
        return NOW


async def vote_load(database_url: str, votes: int, concurrency: int) -> tuple[float, list[float],
                                                                                  list[str]]:
    settings = Settings(database_url=database_url, bot_program=BUNDLED_PROGRAM)
    async with open_core(settings, FixedClock()) as core:
        item = core.catalog.current.program.by_slug["compilergym"]
        numbers = []
        for n in range(10):
            asked = await core.qa.ask(item, UserRef("discord", f"asker{n}"), f"Question {n}?")
            assert asked.question is not None and asked.question.id is not None
            numbers.append(asked.question.id)
        latencies: list[float] = []
        errors: list[str] = []
        queue: asyncio.Queue[int] = asyncio.Queue()
        for n in range(votes):
            queue.put_nowait(n)

        async def voter() -> None:
            while not queue.empty():
                n = queue.get_nowait()
                began = time.perf_counter()
                try:
                    outcome = await core.qa.vote(numbers[n % len(numbers)],
                                                 UserRef("discord", f"voter{n}"))
                    if outcome != "added":
                        errors.append(outcome)
                except Exception as exc:
                    errors.append(f"{type(exc).__name__}: {exc}"[:120])
                latencies.append(time.perf_counter() - began)

        began = time.perf_counter()
        await asyncio.gather(*(voter() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
        total = sum([await core.qa.votes(n) for n in numbers])
        if total != votes - len(errors):
            errors.append(f"counted {total} votes for {votes} casts")
    return elapsed, latencies, errors


async def export_time(database_url: str, questions: int) -> dict[str, tuple[float, int]]:
    settings = Settings(database_url=database_url, bot_program=BUNDLED_PROGRAM)
    async with open_core(settings, FixedClock()) as core:
        items = [i for i in core.qa.items()]
        async with core.db.engine.begin() as conn:
            await conn.execute(insert(Question), [
                {"item_id": items[n % len(items)].id, "platform": ("discord", "slack")[n % 2],
                 "author_id": f"u{n}", "author_name": f"Person {n}", "anonymous": n % 7 == 0,
                 "text": f"Question number {n}: how does it behave at scale {n}?",
                 "status": "open", "created_at": NOW + timedelta(seconds=n),
                 "updated_at": NOW + timedelta(seconds=n)} for n in range(questions)])
            first = (await conn.execute(Question.__table__.select().limit(1))).first()  # type: ignore[attr-defined]
            base = first.id
            await conn.execute(insert(Vote), [
                {"question_id": base + n % questions, "platform": "discord",
                 "user_id": f"v{n}", "created_at": NOW} for n in range(questions * 2)])
        out = {}
        for fmt in ("md", "csv", "json"):
            began = time.perf_counter()
            _name, data = await core.qa.export(None, fmt, moderator=True)
            out[fmt] = (time.perf_counter() - began, len(data))
    return out


async def postgres_database(base: str) -> tuple[str, str]:
    import asyncpg

    parsed = make_url(base)
    name = f"wbbench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
                                 user=parsed.username or "postgres", password=parsed.password,
                                 database=parsed.database or "postgres")
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return parsed.set(database=name).render_as_string(hide_password=False), name


async def drop_database(base: str, name: str) -> None:
    import asyncpg

    parsed = make_url(base)
    conn = await asyncpg.connect(host=parsed.host or "127.0.0.1", port=parsed.port or 5432,
                                 user=parsed.username or "postgres", password=parsed.password,
                                 database=parsed.database or "postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


def report(label: str, elapsed: float, latencies: list[float], errors: list[str]) -> None:
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    print(f"{label}: {len(latencies)} votes in {elapsed:.2f} s = "
          f"{len(latencies) / elapsed:,.0f} votes/s, p50 {cuts[49] * 1000:.1f} ms, "
          f"p99 {cuts[98] * 1000:.1f} ms, errors: {len(errors)}"
          + (f" (first: {errors[0]})" if errors else ""))


async def main(votes: int, concurrency: int, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        report("SQLite", *await vote_load(f"sqlite:///{tmp}/votes.db", votes, concurrency))
        exports = await export_time(f"sqlite:///{tmp}/export.db", 5000)
    if postgres:
        url, name = await postgres_database(postgres)
        try:
            report("PostgreSQL", *await vote_load(url, votes, concurrency))
        finally:
            await drop_database(postgres, name)
    for fmt, (seconds, size) in exports.items():
        print(f"export of 5,000 questions as {fmt}: {seconds * 1000:.0f} ms ({size:,} bytes)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--postgres", default=os.environ.get("TEST_DATABASE_URL"))
    args = parser.parse_args()
    asyncio.run(main(args.votes, args.concurrency, args.postgres))
