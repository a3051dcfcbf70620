"""Benchmark of reading real programs (issue: any event's real program).

Measures, each in a fresh database: parse + validate + load of the 31C3 frab XML (138
events) and of a generated 2,000-event pretalx JSON (20 rooms, 5 days, 1,500 people),
into SQLite and, when DATABASE_URL-style ``--postgres`` is given, into PostgreSQL;
``workshop-bot ask`` start-up to its first answer on 31C3, as a subprocess; and the
router's answers per second on 31C3 against the bundled program, for the same mix of
questions a crowd asks (now, next, when, about, search, who-at, agenda, from 500 users)
with every answer worked out afresh, and for questions no cache has seen (a fresh typo
in each).

    .venv/bin/python bench/import_bench.py [--postgres postgresql://postgres@127.0.0.1/test]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import string
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.app import open_core  # noqa: E402
from bot.clock import SimulatedClock  # noqa: E402
from bot.messages import IncomingMessage, UserRef  # noqa: E402
from bot.program_loader import load_program_file  # noqa: E402
from bot.render_text import render  # noqa: E402
from bot.settings import BUNDLED_PROGRAM, Settings  # noqa: E402
from bot.store.database import Database  # noqa: E402
from bot.store.program_sync import load_program, save_program  # noqa: E402

CONGRESS = ROOT / "tests" / "data" / "schedules" / "frab-31c3-2014.xml"
BERLIN = ZoneInfo("Europe/Berlin")
MIXES = {
    "bundled": (BUNDLED_PROGRAM, "2021-12-13T10:15:00-08:00", [
        "what's on now?", "what's next?", "when is Tim Kraska's talk?", "when does kraska speak",
        "when is anima anankumar on?", "tell me about CompilerGym", "search quantization",
        "who is speaking at 10:15?", "when is the XLA autotuner talk?", "agenda"]),
    "31C3": (CONGRESS, "2014-12-28T14:10:00+01:00", [
        "what's on now?", "what's next?", "when is Richard Stallman's talk?",
        "when does halderman speak", "when is jakob appelbaum on?", "tell me about Heartbleed",
        "search quantum", "who is speaking at 14:15?", "when is the iridium pager talk?",
        "agenda"]),
}


def generated_pretalx(events: int = 2000, rooms: int = 20, days: int = 5) -> dict:
    """A pretalx schedule JSON of ``events`` talks, as pretalx writes it."""
    rng = random.Random(2000)
    words = ("learned", "index", "compiler", "network", "privacy", "kernel", "graph", "cache",
             "scheduler", "quantum", "energy", "sensor", "robust", "secure", "fast", "model")
    def word(length: int) -> str:
        return "".join(rng.choices(string.ascii_lowercase, k=length)).capitalize()

    people = [f"{word(6)} {word(8)}" for _ in range(1500)]
    per_room_day = events // (rooms * days)
    out_days = []
    start = datetime(2025, 6, 2, 9, 0, tzinfo=BERLIN)
    n = 0
    for d in range(days):
        by_room: dict[str, list[dict]] = {}
        for r in range(rooms):
            at = start + timedelta(days=d)
            slots = []
            for _ in range(per_room_day):
                n += 1
                title = " ".join(rng.choice(words) for _ in range(5)).capitalize()
                slots.append({
                    "guid": str(uuid.UUID(int=rng.getrandbits(128))), "id": n, "code": None,
                    "date": at.isoformat(), "start": at.strftime("%H:%M"), "duration": "00:25",
                    "room": f"Room {r + 1}", "title": title, "subtitle": "",
                    "track": f"Track {r % 6}",
                    "type": "Talk", "abstract": f"<p>{title}. " + " ".join(
                        rng.choice(words) for _ in range(40)) + "</p>", "description": "",
                    "persons": [{"public_name": rng.choice(people)}
                                for _ in range(rng.randint(1, 3))],
                })
                at += timedelta(minutes=30)
            by_room[f"Room {r + 1}"] = slots
        out_days.append({"index": d + 1, "date": (start + timedelta(days=d)).date().isoformat(),
                         "rooms": by_room})
    return {"schedule": {"version": "bench", "conference": {
        "acronym": "benchcon", "title": "BenchCon", "time_zone_name": "Europe/Berlin",
        "start": out_days[0]["date"], "end": out_days[-1]["date"], "daysCount": days,
        "days": out_days}}}


async def import_once(path: Path, url: str) -> tuple[float, float, float, int]:
    """Seconds to parse + validate, to write into a fresh database, to read the snapshot."""
    t0 = time.perf_counter()
    loaded = load_program_file(path, BERLIN)
    t1 = time.perf_counter()
    db = Database(url)
    try:
        await db.create_schema()
        t2 = time.perf_counter()
        await save_program(db, loaded.spec, datetime.now(BERLIN))
        t3 = time.perf_counter()
        program = await load_program(db, loaded.spec.workshop.id)
        t4 = time.perf_counter()
    finally:
        await db.dispose()
    return t1 - t0, t3 - t2, t4 - t3, len(program.scheduled)


async def fresh_postgres(base: str) -> str:
    import asyncpg
    from sqlalchemy.engine import make_url

    name = f"wbbench_{uuid.uuid4().hex[:8]}"
    parsed = make_url(base)
    conn = await asyncpg.connect(host=parsed.host, port=parsed.port or 5432,
                                 user=parsed.username, database=parsed.database)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    return parsed.set(database=name).render_as_string(hide_password=False)


async def drop_postgres(url: str) -> None:
    import asyncpg
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    conn = await asyncpg.connect(host=parsed.host, port=parsed.port or 5432,
                                 user=parsed.username, database="postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
    await conn.close()


async def imports(rounds: int, postgres: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "pretalx-2000.json"
        big.write_text(json.dumps(generated_pretalx()))
        for label, path in (("31C3 frab XML", CONGRESS), ("2,000-event pretalx JSON", big)):
            backends = [("SQLite", lambda n: f"sqlite:///{tmp}/import-{n}.db")]
            for backend, make in backends + ([("PostgreSQL", None)] if postgres else []):
                totals = []
                for n in range(rounds):
                    url = make(f"{label[:4]}{n}") if make else await fresh_postgres(postgres)  # type: ignore[arg-type]
                    try:
                        parse, write, read, events = await import_once(path, url)
                    finally:
                        if make is None:
                            await drop_postgres(url)
                    totals.append((parse + write + read, parse, write, read))
                best = min(totals)
                print(f"{label} into {backend}: {events} events, parse+validate+load "
                      f"{statistics.median(t[0] for t in totals) * 1000:.0f} ms median of "
                      f"{rounds} (best {best[0] * 1000:.0f}: parse {best[1] * 1000:.0f}, write "
                      f"{best[2] * 1000:.0f}, snapshot {best[3] * 1000:.0f})")


def startup(rounds: int) -> None:
    """`workshop-bot ask` as a subprocess, to its answer, on 31C3 and, alternately, on the
    bundled program (the machine's speed drifts; alternating shows what 31C3 itself adds)."""
    programs = {
        "31C3": (["--program", str(CONGRESS), "--program-timezone", "Europe/Berlin", "--at",
                  "2014-12-28T14:10:00+01:00"], "On now, in 4 rooms:"),
        "bundled": (["--at", "2021-12-13T10:15:00-08:00"], "On now:"),
    }
    times: dict[str, list[float]] = {name: [] for name in programs}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            for name, (options, expected) in programs.items():
                t0 = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "bot", "ask", "what's on now?", *options],
                    cwd=tmp, capture_output=True, text=True, check=True,
                    env={"DATABASE_URL": f"sqlite:///{tmp}/ask-{name}-{n}.db",
                         "PATH": "/usr/bin:/bin"},
                )
                times[name].append(time.perf_counter() - t0)
                assert done.stdout.startswith(expected), done.stdout
    for name, found in times.items():
        print(f"ask start-up to first answer on {name} (a new database each time): median "
              f"{statistics.median(found) * 1000:.0f} ms, best {min(found) * 1000:.0f} ms "
              f"of {rounds}")


def misspell(text: str, rng: random.Random) -> str:
    i = rng.randrange(len(text))
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1:]


async def throughput(answers: int) -> None:
    results: dict[str, tuple[float, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, (path, at, mix) in MIXES.items():
            settings = Settings(database_url=f"sqlite:///{tmp}/{label}.db", bot_program=path,
                                bot_program_timezone="Europe/Berlin", bot_answer_cache=False)
            clock = SimulatedClock(datetime.fromisoformat(at), speed=0)
            async with open_core(settings, clock) as core:
                async def run(questions: list[str]) -> float:
                    t0 = time.perf_counter()
                    for n, text in enumerate(questions):
                        message = IncomingMessage(UserRef("bench", f"user{n % 500}"), text)
                        render(await core.router.handle(message))
                    return len(questions) / (time.perf_counter() - t0)

                crowd = [mix[i % len(mix)] for i in range(answers)]
                await run(crowd[:2000])  # every user's saved zone looked up once
                rng = random.Random(7)
                fresh = [misspell(mix[i % len(mix)], rng) for i in range(answers // 4)]
                results[label] = (await run(crowd), await run(fresh))
    (mix_b, fresh_b), (mix_c, fresh_c) = results["bundled"], results["31C3"]
    print(f"router, the crowd's mix: bundled {mix_b:,.0f}/s, 31C3 {mix_c:,.0f}/s: "
          f"ratio {mix_c / mix_b:.2f}")
    print(f"router, unseen misspelt questions: bundled {fresh_b:,.0f}/s, 31C3 "
          f"{fresh_c:,.0f}/s: ratio {fresh_c / fresh_b:.2f}")


async def main(args: argparse.Namespace) -> None:
    await imports(args.rounds, args.postgres)
    startup(args.rounds)
    await throughput(args.answers)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--answers", type=int, default=20_000)
    parser.add_argument("--postgres", metavar="URL",
                        help="also import into fresh databases on this PostgreSQL server")
    asyncio.run(main(parser.parse_args()))
