"""Benchmark of the Slack adapter in HTTP mode against a bare slack-bolt app (issue: Slack).

In one run, on one loopback fake of Slack (tests/fakes/slack_server.py), it measures:

* ours: ``workshop-bot run`` in its own process (HTTP mode, SQLite, the bundled program,
  the clock at 10:15 on the workshop day) answering "what's next?" and "when is kraska"
  (every answer is checked);
* bare: a slack-bolt AsyncApp in its own process, with the same Web API client set-up
  (one shared HTTP session writing JSON with orjson, the same retry handlers, the same
  logger level; ``adapters/slack/app.py``) and the same aiohttp server, that replies "ok"
  to every mention.

Each of ``--concurrency`` workers sends a signed ``app_mention`` event (a channel of
its own per event, 500 different users) and waits until that event's chat.postMessage
reaches the fake before sending the next. First every user asks once in each app (so
saved timezones are cached, as in a running bot); then ``--rounds`` rounds alternate
between the apps, so load from elsewhere on the machine falls on both alike.

Reported per app: events per second, p50/p99 latency from sending the event to the
arrival of its chat.postMessage, and the CPU time the app's process spent per event;
then the ratios ours / bare (the target is an events/s ratio of at least 0.8).

The bot answers the same question asked in the same second once (``bot/answer_cache.py``),
as the workers here do; ``--no-answer-cache`` turns that off (BOT_ANSWER_CACHE=false), so
every answer is worked out and rendered afresh: the cost of questions all different.

    .venv/bin/python bench/slack_bench.py [--events 9000] [--concurrency 20] [--rounds 9]
                                          [--no-answer-cache]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from tests.fakes.slack_server import ApiCall, FakeSlack, JsonDict, SignedPoster  # noqa: E402

TOKEN = "xoxb-bench-token"
SECRET = "bench-signing-secret"
NOW = "2021-12-13T10:15:00-08:00"
QUESTIONS = ("what's next?", "when is kraska")
EXPECTED = ("Michael Carbin", "Tim Kraska")
USERS = 500
WARM_UP = USERS
READY = re.compile(r"(?:Slack adapter ready: HTTP mode on|bare ready:) (http://[^\s,]+)")
START_WITHIN = 60.0


@dataclass
class Result:
    name: str
    events: int
    elapsed: float
    latencies: list[float]
    cpu: float = 0.0  # CPU seconds the app's process used during the run
    fake_cpu: float = 0.0  # CPU seconds this process (the fake Slack, the senders) used

    @property
    def cpu_per_event(self) -> float:
        return self.cpu / self.events

    @property
    def rate(self) -> float:
        return self.events / self.elapsed

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1]


class Arrivals:
    """The fake's chat.postMessage answer: notes when each channel's reply arrived."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.waiting: dict[str, asyncio.Future[str]] = {}

    def expect(self, channel: str) -> asyncio.Future[str]:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.waiting[channel] = future
        return future

    def __call__(self, call: ApiCall) -> JsonDict:
        channel = call.args["channel"]
        future = self.waiting.pop(channel, None)
        if future is not None and not future.done():
            future.set_result(call.args.get("text", ""))
        return {"ok": True, "channel": channel, "ts": self.fake.next_ts()}


async def load(
    name: str, url: str, fake: FakeSlack, arrivals: Arrivals, events: int, concurrency: int,
    check: bool, first: int,
) -> Result:
    """``events`` mentions from ``concurrency`` workers, each waiting for its answer."""
    latencies: list[float] = []
    numbers = iter(range(first, first + events))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        poster = SignedPoster(session, url, SECRET)

        async def worker() -> None:
            for n in numbers:
                channel = f"C{n:08d}"
                body = fake.event_callback({
                    "type": "app_mention", "user": f"U{n % USERS:07d}", "channel": channel,
                    "text": f"<@{fake.bot_user_id}> {QUESTIONS[n % 2]}", "ts": fake.next_ts(),
                })
                body["event"]["event_ts"] = body["event"]["ts"]
                answered = arrivals.expect(channel)
                began = time.perf_counter()
                response = await poster.event(body)
                assert response.status == 200, (name, response.status, response.text)
                text = await asyncio.wait_for(answered, 30)
                latencies.append(time.perf_counter() - began)
                assert not check or EXPECTED[n % 2] in text, (name, text)

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return Result(name, events, elapsed, latencies)


async def start_process(args: list[str], env: dict[str, str], cwd: Path) -> tuple[
        asyncio.subprocess.Process, str, asyncio.Task[None]]:
    """Start a bot; its URL once it logs that it is ready; a task that drains its output."""
    process = await asyncio.create_subprocess_exec(
        *args, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    assert process.stdout is not None
    stdout = process.stdout
    seen = []
    async with asyncio.timeout(START_WITHIN):
        while line := (await stdout.readline()).decode():
            seen.append(line)
            if found := READY.search(line):
                break
        else:
            raise SystemExit(f"{args} did not start:\n{''.join(seen)}")

    async def drain() -> None:
        while await stdout.readline():
            pass

    return process, found.group(1), asyncio.create_task(drain())


async def stop_process(process: asyncio.subprocess.Process, drain: asyncio.Task[None]) -> None:
    process.terminate()
    await asyncio.wait_for(process.wait(), 20)
    await drain


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc; 0 where that is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class App:
    """One app under test: its process, its URL, and its results so far."""

    name: str
    process: asyncio.subprocess.Process
    url: str
    drain: asyncio.Task[None]
    check: bool
    total: Result

    async def run(self, fake: FakeSlack, arrivals: Arrivals, events: int, concurrency: int,
                  first: int) -> Result:
        before, fake_before = cpu_seconds(self.process.pid), time.process_time()
        result = await load(self.name, self.url, fake, arrivals, events, concurrency,
                            self.check, first)
        result.cpu = cpu_seconds(self.process.pid) - before
        self.total.cpu += result.cpu
        self.total.fake_cpu += time.process_time() - fake_before
        self.total.events += result.events
        self.total.elapsed += result.elapsed
        self.total.latencies += result.latencies
        return result


async def main(events: int, concurrency: int, rounds: int, answer_cache: bool) -> None:
    async with FakeSlack() as fake, contextlib.AsyncExitStack() as stack:
        arrivals = Arrivals(fake)
        fake.set_response("chat.postMessage", arrivals)
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "BOT_", "DISCORD_")) and "proxy" not in k.lower()}
        base.update(SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
                    SLACK_API_URL=fake.api_url, PYTHONPATH=str(ROOT))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        ours_env = {**base, "BOT_NOW": NOW, "BOT_HTTP_HOST": "127.0.0.1", "BOT_HTTP_PORT": "0",
                    "LOG_LEVEL": "INFO", "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                    "BOT_ANSWER_CACHE": str(answer_cache).lower()}
        apps = []
        for name, args, env, check in (
            ("ours", [sys.executable, "-m", "bot", "run"], ours_env, True),
            ("bare", [sys.executable, __file__, "--serve-bare"], base, False),
        ):
            process, url, drain = await start_process(args, env, tmp)
            stack.push_async_callback(stop_process, process, drain)
            apps.append(App(name, process, url, drain, check, Result(name, 0, 0.0, [])))
        for app in apps:  # every user asks once: later answers find their zone cached
            await load(app.name, app.url, fake, arrivals, WARM_UP, concurrency, app.check, 0)
        first = WARM_UP
        # Rounds alternate between the apps, so a busy neighbour on the machine hurts both;
        # each round's pair gives a ratio of its own, and their spread shows the noise.
        pairs: list[float] = []
        for _ in range(rounds):
            rates = []
            for app in apps:
                rates.append((await app.run(fake, arrivals, events // rounds, concurrency,
                                            first)).rate)
                first += events // rounds
            pairs.append(rates[0] / rates[1])
    ours, bare = (app.total for app in apps)
    ms = 1000
    print(f"{ours.events} app_mention events per app in {rounds} alternating rounds, "
          f"concurrency {concurrency}, HTTP mode on loopback, answer cache "
          f"{'on' if answer_cache else 'off'}")
    print(f"{'app':<6} {'events/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'CPU ms/event':>13} "
          f"{'fake CPU ms/event':>18}")
    for result in (ours, bare):
        print(f"{result.name:<6} {result.rate:>9,.0f} {result.percentile(50) * ms:>8.1f} "
              f"{result.percentile(99) * ms:>8.1f} {result.cpu_per_event * ms:>13.2f} "
              f"{result.fake_cpu / result.events * ms:>18.2f}")
    print(f"ratio ours / bare: events/s {ours.rate / bare.rate:.2f} (target ≥ 0.8), "
          f"CPU per event {bare.cpu_per_event / max(ours.cpu_per_event, 1e-9):.2f}")
    print(f"ratio per round: median {statistics.median(pairs):.2f}, "
          f"range {min(pairs):.2f}-{max(pairs):.2f} over {len(pairs)} rounds")


async def serve_bare() -> None:
    """The baseline: slack-bolt alone, replying "ok", set up like the adapter's client."""
    import logging

    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.app import client_logger, json_text, retry_handlers

    logging.basicConfig(level=logging.INFO)  # as the bot's LOG_LEVEL=INFO
    async with aiohttp.ClientSession(json_serialize=json_text) as session:
        client = AsyncWebClient(token=os.environ["SLACK_BOT_TOKEN"],
                                base_url=os.environ["SLACK_API_URL"], session=session,
                                retry_handlers=retry_handlers(), logger=client_logger())
        app = AsyncApp(client=client, signing_secret=os.environ["SLACK_SIGNING_SECRET"],
                       name="bare")

        @app.event("app_mention")
        async def answer(event: JsonDict, client: AsyncWebClient) -> None:
            await client.chat_postMessage(channel=event["channel"], text="ok")

        runner = web.AppRunner(app.web_app(path="/slack/events"), access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        print(f"bare ready: http://127.0.0.1:{runner.addresses[0][1]}/slack/events",
              flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=9000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--no-answer-cache", dest="answer_cache", action="store_false",
                        help="work every answer out afresh (BOT_ANSWER_CACHE=false)")
    parser.add_argument("--serve-bare", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.serve_bare:
        import signal

        loop = asyncio.new_event_loop()
        task = loop.create_task(serve_bare())
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
        try:
            loop.run_until_complete(task)
        except asyncio.CancelledError:
            pass
        finally:
            loop.close()
    else:
        asyncio.run(main(options.events, options.concurrency, options.rounds,
                         options.answer_cache))
