"""Benchmark of the live dashboard (issue 15): open dashboards while votes arrive.

The bot's core and its web server run in this process, as ``workshop-bot run`` builds
them (``open_core`` with the pages on, a fresh SQLite file, the bundled program on a
clock stopped during a talk). A second process opens ``--clients`` dashboards, each a
logged-in Server-Sent Events stream of one paper's queue, and records when every update
reaches every client. This process casts a vote every ``--every`` milliseconds, each by a
different attendee, spread over ``--questions`` questions, through the Q&A service (the
same call a 👍 or an Upvote press on a platform ends in). Each update carries the new
vote counts; a vote's push latency is from the vote's call until a client holds an
update that shows it (the stream coalesces: one update may carry several votes).

Reported: push latency p50/p99 over every (vote, client) pair, the updates pushed, the
bot's CPU per pushed update (this process's CPU time over the voting phase, the voting
itself included, divided by the updates the clients received), then ``/healthz`` and
``/metrics`` requests per second with ``--concurrency`` clients each.

    .venv/bin/python bench/web_bench.py [--clients 100] [--votes 400] [--every 50]
        [--questions 20] [--concurrency 20] [--seconds 5] [--processes 2]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import re
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import aiohttp

from bot.app import open_core, web_pages
from bot.messages import IncomingMessage, UserRef
from bot.render_text import render
from bot.settings import Settings
from tests.support import ManualClock

SECRET = "b" * 48
AT = "2021-12-13T09:40:00-08:00"  # Tim Kraska's talk (bundled program)
ITEM = "kraska-talk"
VOTES = re.compile(r'id="question-(\d+)".*?<span>(\d+)</span>', re.S)


def percentile(samples: Sequence[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# -- the clients' process -------------------------------------------------------------


async def _client(session: aiohttp.ClientSession, url: str, seen: list[tuple[float, str]],
                  ready: asyncio.Event, count: list[int], clients: int) -> None:
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=None)) as stream:
        data: list[str] = []
        first = True
        async for raw in stream.content:
            line = raw.decode().rstrip("\r\n")
            if line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
            elif line == "" and data:
                seen.append((time.clock_gettime(time.CLOCK_MONOTONIC), "\n".join(data)))
                data = []
                if first:
                    first = False
                    count[0] += 1
                    if count[0] == clients:
                        ready.set()


async def _clients_main(base: str, login: str, clients: int, conn: Any, rate_seconds: float,
                        concurrency: int) -> None:
    jar = aiohttp.CookieJar(unsafe=True)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(cookie_jar=jar, connector=connector) as session:
        async with session.get(login) as response:
            assert response.status == 200, response.status
        seen: list[list[tuple[float, str]]] = [[] for _ in range(clients)]
        ready, count = asyncio.Event(), [0]
        url = f"{base}/mod/events?item={ITEM}"
        tasks = [asyncio.create_task(_client(session, url, seen[i], ready, count, clients))
                 for i in range(clients)]
        await ready.wait()
        conn.send("ready")
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)  # voting ended
        await asyncio.sleep(1.0)  # the last pushes
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        # What each client saw: (when, {question: votes}) per update.
        updates = [[(at, {int(q): int(v) for q, v in VOTES.findall(html)}) for at, html in s]
                   for s in seen]
        spent = cpu()  # the clients' own CPU while the votes came (the streams' reading)
        rates = {}
        if rate_seconds > 0:
            for path in ("/healthz", "/metrics"):
                rates[path] = await _hammer(session, f"{base}{path}", rate_seconds, concurrency)
        conn.send((updates, rates, spent))


async def _hammer(session: aiohttp.ClientSession, url: str, seconds: float, concurrency: int
                  ) -> float:
    done = 0
    end = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal done
        while time.perf_counter() < end:
            async with session.get(url) as response:
                await response.read()
                assert response.status == 200, response.status
            done += 1

    begin = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done / (time.perf_counter() - begin)


def _clients_process(base: str, login: str, clients: int, conn: Any, seconds: float,
                     concurrency: int) -> None:
    asyncio.run(_clients_main(base, login, clients, conn, seconds, concurrency))


# -- the bot's process ------------------------------------------------------------------


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings.model_validate({
            "database_url": f"sqlite:///{tmp}/bench.db", "bot_web": True,
            "bot_web_secret": SECRET, "bot_http_host": "127.0.0.1", "bot_http_port": 0,
            "log_level": "WARNING"})
        clock = ManualClock(datetime.fromisoformat(AT))
        async with open_core(settings, clock, web=True) as core, web_pages(core):
            router = core.router
            operator = UserRef("console", "operator", "Operator")
            for n in range(args.questions):
                await router.handle(IncomingMessage(UserRef("slack", f"A{n}", f"Asker {n}"),
                                                    f"ask kraska: question number {n}?"))
            login = re.search(r"https?://\S+", render(await router.handle(
                IncomingMessage(operator, "qa dashboard kraska"))))
            assert login is not None
            spawn = multiprocessing.get_context("spawn")
            pipes, children = [], []
            for n in range(args.processes):  # the clients' reading is spread over cores
                ours, theirs = spawn.Pipe()
                share = args.clients // args.processes + (n < args.clients % args.processes)
                child = spawn.Process(target=_clients_process, args=(
                    core.http.url, login[0], share, theirs, args.seconds if n == 0 else 0,
                    args.concurrency))
                child.start()
                pipes.append(ours)
                children.append(child)
            loop = asyncio.get_running_loop()
            for ours in pipes:
                assert await loop.run_in_executor(None, ours.recv) == "ready"
            print(f"{args.clients} dashboards open ({args.processes} client processes); "
                  f"{args.votes} votes, one every {args.every} ms, over {args.questions} "
                  "questions", flush=True)
            cast: list[tuple[float, int, int]] = []  # (when, question, its votes after)
            counts = dict.fromkeys(range(1, args.questions + 1), 0)
            cpu0, wall0 = cpu(), time.perf_counter()
            for n in range(args.votes):
                question = n % args.questions + 1
                at = time.clock_gettime(time.CLOCK_MONOTONIC)
                outcome = await core.qa.vote(question, UserRef("discord", f"V{n}"))
                assert outcome == "added", outcome
                counts[question] += 1
                cast.append((at, question, counts[question]))
                await asyncio.sleep(max(0.0, (n + 1) * args.every / 1000
                                        - (time.perf_counter() - wall0)))
            await asyncio.sleep(1.0)  # the pushes of the last votes
            spent, wall = cpu() - cpu0, time.perf_counter() - wall0
            updates: list[list[tuple[float, dict[int, int]]]] = []
            rates: dict[str, float] = {}
            readers = 0.0
            for ours in pipes:
                ours.send("done")
            for ours in pipes:
                seen, measured, reading = await loop.run_in_executor(None, ours.recv)
                updates.extend(seen)
                rates.update(measured)
                readers += reading
            for child in children:
                child.join(30)
    print(f"the clients' own CPU (reading the streams): {readers:.2f} s")
    report(args, cast, updates, rates, spent, wall)


def report(args: argparse.Namespace, cast: list[tuple[float, int, int]],
           updates: list[list[tuple[float, dict[int, int]]]], rates: dict[str, float],
           spent: float, wall: float) -> None:
    latencies: list[float] = []
    missed = 0
    for seen in updates:
        for at, question, after in cast:
            shown = next((t for t, votes in seen if t >= at and votes.get(question, 0) >= after),
                         None)
            if shown is None:
                missed += 1
            else:
                latencies.append(shown - at)
    pushed = sum(len(seen) - 1 for seen in updates)  # the first is each page's start
    p50, p99 = (percentile(latencies, q) * 1000 for q in (50, 99))
    print(f"push latency, vote -> every dashboard: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
          f"max {max(latencies) * 1000:.1f} ms over {len(latencies):,} (vote, client) pairs; "
          f"{missed} never shown")
    print(f"updates pushed: {pushed:,} ({pushed / max(1, len(updates)):.0f} per client for "
          f"{len(cast)} votes: the stream sends one update for votes that come together)")
    print(f"bot CPU: {spent:.2f} s over {wall:.1f} s of voting ({spent / wall:.0%} of a core); "
          f"{spent / max(1, pushed) * 1000:.3f} ms per pushed update, "
          f"{spent / max(1, len(cast)) * 1000:.2f} ms per vote (its pushes to "
          f"{len(updates)} clients included)")
    for path, rate in rates.items():
        print(f"{path}: {rate:,.0f} requests/s ({args.concurrency} at a time, "
              f"{args.seconds:g} s)")
    print()
    print(f"| dashboard pushes (`bench/web_bench.py`): {len(updates)} open dashboards, a vote "
          f"every {args.every} ms | p99 < 200 ms | p50 {p50:.1f} ms, p99 {p99:.1f} ms; "
          f"{spent / max(1, pushed) * 1000:.3f} ms CPU per pushed update; /healthz "
          f"{rates['/healthz']:,.0f}/s, /metrics {rates['/metrics']:,.0f}/s |")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--votes", type=int, default=400)
    parser.add_argument("--every", type=float, default=50.0, help="milliseconds between votes")
    parser.add_argument("--questions", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--processes", type=int, default=2,
                        help="processes the dashboards' clients are spread over")
    parser.add_argument("--seconds", type=float, default=5.0,
                        help="seconds of /healthz and of /metrics requests")
    args = parser.parse_args()
    if min(args.clients, args.votes, args.questions, args.concurrency, args.processes) < 1:
        parser.error("--clients, --votes, --questions, --concurrency and --processes must be "
                     "at least 1")
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
