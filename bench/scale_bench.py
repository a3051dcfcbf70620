"""Benchmark of scaling out: the crowd through a load balancer to one instance, then two.

On one PostgreSQL database (a fresh one, ``workshop_bot_scale_bench``, made and dropped
on the server of ``--database-url``), with the loopback fake Slack
(tests/fakes/slack_server.py) and the round-robin proxy of the tests
(tests/fakes/round_robin.py) in front, it measures:

* one ``workshop-bot run`` process (Slack HTTP mode) behind the proxy, answering the
  crowd mix of ``bench/crowd.py`` (the hot-path benchmark's: 1,000 askers, 16 families,
  no text twice, fixed seed);
* then two processes behind it, on the same database, with the next questions of the
  same crowd;

rounds alternating between the two set-ups, so load from elsewhere on the machine falls
on both alike. Every event must get exactly one reply and none the apology.

Reported per set-up: events per second, p50/p99 from sending the event to its
chat.postMessage, CPU per event of each instance (its process's CPU over the events the
proxy gave it), CPU per event of this process (the fake Slack, the proxy and the
senders, which share it), and the most database connections open at once (sampled from
``pg_stat_activity``). Then the scaling factor (two / one) and, on this machine, where
the limit is: the CPU of each process against the cores there are.

The cross-instance checks cost a bot on the hot path one thing per event: recording the
event's id in the database before acting (``bot.receipts``; the change notifications
cost nothing per event). That cost is measured on its own, here, in this process:
``Receipts.first_time`` for as many distinct ids, with as many in flight as the load
has, on the same database; and compared with the one-instance CPU per event (target:
under 10%).

    .venv/bin/python bench/scale_bench.py [--events 6000] [--concurrency 24]
        [--rounds 6] [--seed 7] [--database-url postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.crowd import Crowd  # noqa: E402
from bench.crowd import load as load_program  # noqa: E402
from bench.slack_bench import (  # noqa: E402
    NOW,
    SECRET,
    TOKEN,
    WARM_TEXT,
    Arrivals,
    Ask,
    Result,
    cpu_seconds,
    crowd_asks,
    load,
    slack_user,
    start_process,
    stop_process,
)
from bot.clock import SystemClock  # noqa: E402
from bot.receipts import Receipts  # noqa: E402
from bot.store.database import Database  # noqa: E402
from tests.fakes.round_robin import RoundRobinProxy  # noqa: E402
from tests.fakes.slack_server import FakeSlack  # noqa: E402

BENCH_DATABASE = "workshop_bot_scale_bench"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
ASKERS = 1000
SETTLE = 1.0  # seconds to wait at the end for a second reply to any event
SAMPLE_EVERY = 0.2  # seconds between counts of the database's connections
CORES = os.cpu_count() or 1


@dataclass
class Instance:
    process: asyncio.subprocess.Process
    url: str  # its own base URL, as the proxy knows it
    drain: asyncio.Task[None]


@dataclass
class Setup:
    """One set-up under test: its instances behind their own proxy, and its totals."""

    name: str
    instances: list[Instance]
    proxy: RoundRobinProxy
    total: Result
    cpu: list[float] = field(default_factory=list)  # per instance, over the measured rounds
    served: list[int] = field(default_factory=list)  # events per instance, measured rounds
    connections: int = 0  # the most database connections seen open during its rounds
    database_cpu: float = 0.0  # CPU seconds of the PostgreSQL server's processes

    async def run(self, fake: FakeSlack, arrivals: Arrivals, asks: Sequence[Ask],
                  concurrency: int, first: int, measure: bool = True) -> Result:
        before = [cpu_seconds(i.process.pid) for i in self.instances]
        server_before = server_cpu()
        served_before = Counter(s.upstream for s in self.proxy.served)
        mine_before = time.process_time()
        result = await load(self.name, self.proxy.url + "/slack/events", fake, arrivals,
                            asks, concurrency, True, first)
        if not measure:
            return result
        after = [cpu_seconds(i.process.pid) for i in self.instances]
        self.database_cpu += server_cpu() - server_before
        served = Counter(s.upstream for s in self.proxy.served) - served_before
        if not self.cpu:
            self.cpu, self.served = [0.0] * len(self.instances), [0] * len(self.instances)
        for n in range(len(self.instances)):
            self.cpu[n] += after[n] - before[n]
            self.served[n] += served[n]
        self.total.fake_cpu += time.process_time() - mine_before
        self.total.events += result.events
        self.total.elapsed += result.elapsed
        self.total.latencies += result.latencies
        self.total.apologies += result.apologies
        self.total.not_understood += result.not_understood
        return result


def server_cpu() -> float:
    """CPU seconds of every PostgreSQL server process on this machine (0 when the server
    runs elsewhere): its backends come and go, so they are summed as they are now."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "comm").read_text().strip() != "postgres":
                continue
        except OSError:
            continue
        total += cpu_seconds(int(proc.name))
    return total


async def administer(server: str, *statements: str) -> None:
    """Run ``statements`` on ``server`` outside a transaction (CREATE/DROP DATABASE)."""
    admin = Database(server)
    try:
        async with admin.engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await admin.dispose()


DROP = f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)"


async def fresh_database(server: str) -> str:
    """A new, empty database on ``server``: the URL of it."""
    await administer(server, DROP, f"CREATE DATABASE {BENCH_DATABASE}")
    return make_url(server).set(database=BENCH_DATABASE).render_as_string(hide_password=False)


async def drop_database(server: str) -> None:
    await administer(server, DROP)


async def count_connections(watcher: Database, setups: list[Setup], active: list[Setup],
                            stop: asyncio.Event) -> None:
    """Note the most connections open to the bench database while each set-up runs."""
    query = text("SELECT count(*) FROM pg_stat_activity WHERE datname = :name")
    while not stop.is_set():
        if active:
            async with watcher.engine.connect() as connection:
                # this watcher's own connection is not the bots'
                open_now = int((await connection.execute(
                    query, {"name": BENCH_DATABASE})).scalar() or 0) - 1
            active[0].connections = max(active[0].connections, open_now)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY)


async def receipts_cost(url: str, events: int, in_flight: int) -> tuple[float, int]:
    """CPU seconds per event that the check across instances costs a bot, measured here:
    ``events`` distinct ids through ``Receipts.first_time``, ``in_flight`` at a time."""
    db = Database(url)
    receipts = Receipts(db, SystemClock(), shared=True)
    gate = asyncio.Semaphore(in_flight)

    async def one(n: int) -> bool:
        async with gate:
            return await receipts.first_time("slack", f"EvBENCH{in_flight}x{n:08d}")

    try:
        await asyncio.gather(*(one(n) for n in range(200)))  # the pool's connections
        began = time.process_time()
        firsts = await asyncio.gather(*(one(n) for n in range(200, 200 + events)))
        spent = time.process_time() - began
    finally:
        await receipts.close()
        await db.dispose()
    assert all(firsts)
    return spent / events, events


async def start_instances(count: int, env: dict[str, str], tmp: Path,
                          stack: contextlib.AsyncExitStack, caches: list[list[str]]
                          ) -> list[Instance]:
    """``count`` bots; each one's answer-cache line (logged as it stops) lands in
    ``caches``."""
    started = []
    for _ in range(count):
        caches.append([])
        process, url, drain = await start_process([sys.executable, "-m", "bot", "run"], env,
                                                  tmp, caches[-1])
        stack.push_async_callback(stop_process, process, drain)
        started.append(Instance(process, url.removesuffix("/slack/events"), drain))
    return started


async def main(events: int, concurrency: int, rounds: int, seed: int, server: str) -> None:
    per_round = events // rounds
    program = await load_program()
    questions = Crowd(program, seed).questions(per_round * rounds * 2, "crowd",
                                               askers=ASKERS, seen={WARM_TEXT})
    askers = sorted({q.asker for q in questions})
    asks = crowd_asks(questions)
    url = await fresh_database(server)
    try:
        async with FakeSlack() as fake, contextlib.AsyncExitStack() as stack:
            arrivals = Arrivals(fake)
            fake.set_response("chat.postMessage", arrivals)
            base = {k: v for k, v in os.environ.items()
                    if not k.startswith(("SLACK_", "BOT_", "DISCORD_", "DATABASE_"))
                    and "proxy" not in k.lower()}
            env = {**base, "BOT_WEB": "false", "SLACK_BOT_TOKEN": TOKEN,
                   "SLACK_SIGNING_SECRET": SECRET,
                   "SLACK_API_URL": fake.api_url, "PYTHONPATH": str(ROOT), "BOT_NOW": NOW,
                   "BOT_HTTP_HOST": "127.0.0.1", "BOT_HTTP_PORT": "0", "LOG_LEVEL": "INFO",
                   "DATABASE_URL": url}
            tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            caches: list[list[str]] = []
            instances = await start_instances(2, env, tmp, stack, caches)
            setups = []
            for name, behind in (("one", instances[:1]), ("two", instances)):
                proxy = await stack.enter_async_context(
                    RoundRobinProxy([i.url for i in behind]))
                setups.append(Setup(name, behind, proxy, Result(name, 0, 0.0, [])))
            watcher = Database(url)
            stack.push_async_callback(watcher.dispose)
            active: list[Setup] = []
            stop = asyncio.Event()
            sampler = asyncio.create_task(count_connections(watcher, setups, active, stop))
            first = 0
            warm = [Ask(slack_user(a), WARM_TEXT) for a in askers]
            for setup in setups:  # every asker once through each: zones known, pools open
                await setup.run(fake, arrivals, warm, concurrency, first, measure=False)
                first += len(warm)
            pairs: list[float] = []
            taken = 0
            for _ in range(rounds):
                rates = []
                for setup in setups:
                    chunk = asks[taken:taken + per_round]
                    taken += per_round
                    active[:] = [setup]
                    rates.append((await setup.run(fake, arrivals, chunk, concurrency,
                                                  first)).rate)
                    active.clear()
                    first += len(chunk)
                pairs.append(rates[1] / rates[0])
            stop.set()
            await sampler
            await asyncio.sleep(SETTLE)
            problems = arrivals.problems()
        cost, measured = await receipts_cost(url, 5000, concurrency)
        half, _ = await receipts_cost(url, 5000, max(concurrency // 2, 1))
    finally:
        await drop_database(server)
    ms = 1000
    one, two = setups
    print(f"mix crowd, seed {seed}: {per_round * rounds} measured questions per set-up, "
          f"{len(askers)} askers, concurrency {concurrency}, {rounds} alternating rounds; "
          f"Slack HTTP mode behind a round-robin proxy on loopback; PostgreSQL {server}")
    print(f"{'set-up':<8} {'events/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'CPU ms/event per instance':>27} {'bench CPU ms/event':>19} "
          f"{'PostgreSQL CPU ms/event':>24} {'DB conns':>9}")
    for setup in setups:
        result = setup.total
        per = " / ".join(f"{cpu / max(n, 1) * ms:.2f}"
                         for cpu, n in zip(setup.cpu, setup.served, strict=True))
        print(f"{setup.name:<8} {result.rate:>9,.0f} {result.percentile(50) * ms:>8.1f} "
              f"{result.percentile(99) * ms:>8.1f} {per:>27} "
              f"{result.fake_cpu / result.events * ms:>19.2f} "
              f"{setup.database_cpu / result.events * ms:>24.2f} {setup.connections:>9}")
    print(f"scaling factor two / one: {two.total.rate / one.total.rate:.2f} (per round: median "
          f"{statistics.median(pairs):.2f}, range {min(pairs):.2f}-{max(pairs):.2f})")
    busy = [(f"instance {n + 1}", cpu / two.total.elapsed) for n, cpu in enumerate(two.cpu)]
    busy.append(("bench (fake Slack, proxy, senders)", two.total.fake_cpu / two.total.elapsed))
    busy.append(("PostgreSQL", two.database_cpu / two.total.elapsed))
    print(f"with two instances, on {CORES} cores, CPU in use: "
          + ", ".join(f"{name} {share:.0%}" for name, share in busy)
          + f" (sum {sum(s for _, s in busy):.0%} of {CORES * 100}%)")
    one_cpu = one.cpu[0] / max(one.served[0], 1)
    print(f"the check across instances (recording the event id, {measured} ids, "
          f"{concurrency} in flight): {cost * ms:.3f} ms CPU per event = "
          f"{cost / one_cpu:.1%} of one instance's {one_cpu * ms:.2f} ms (target < 10%); "
          f"{half * ms:.3f} ms with {max(concurrency // 2, 1)} in flight, as each of two "
          f"instances has")
    for n, lines in enumerate(caches):
        print(f"instance {n + 1}, as it stopped (warm-ups and both set-ups): "
              f"{lines[0] if lines else 'no answer cache line'}")
    apologies = one.total.apologies + two.total.apologies
    if apologies:
        problems.append(f"{len(apologies)} questions got the apology (first: {apologies[:5]})")
    if problems:
        raise SystemExit("FAILED: " + "; ".join(problems))
    print("every event got exactly one reply, none the apology")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=6000,
                        help="measured events per set-up (default 6000)")
    parser.add_argument("--concurrency", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7, help="the crowd's random seed")
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL",
                                                                 DEFAULT_SERVER),
                        help="a PostgreSQL server to make the bench database on")
    options = parser.parse_args()
    if options.events < options.rounds:
        parser.error("--events must be at least --rounds")
    asyncio.run(main(options.events, options.concurrency, options.rounds, options.seed,
                     options.database_url))
