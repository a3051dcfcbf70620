"""Benchmark of the Slack adapter in HTTP mode against a bare slack-bolt app (issue: Slack).

In one run, on one loopback fake of Slack (tests/fakes/slack_server.py), it measures:

* ours: ``workshop-bot run`` in its own process (HTTP mode, SQLite, the bundled program,
  the clock starting at 10:15 on the workshop day) answering the questions of the mix;
* bare: a slack-bolt AsyncApp in its own process, with the same Web API client set-up
  (one shared HTTP session writing JSON with orjson, the same retry handlers, the same
  logger level; ``adapters/slack/service.py``) and the same aiohttp server, that replies "ok"
  to every mention.

The questions (``--mix``):

* ``crowd`` (the default): a crowd from ``bench/crowd.py`` built from the bundled
  program with ``--seed``: 1,000 askers (Slack users; as many as questions in a run of
  fewer) and questions of 16 families, varied phrasings, misspelt names, title
  fragments, clock times, people and topics the program does not have, txt-speak; no
  question text twice in the run. Both apps get the
  same questions in the same order (round k of ours and of bare asks the same slice).
  An answer cannot be checked against a fixed text, so each event is checked to get
  exactly one reply and none the apology (``bot.messages.APOLOGY``); the share of
  "Sorry, I did not understand" replies is printed, for information. The bot's clock is
  its own (BOT_NOW), not the instants crowd.py gives the questions.
* ``repeat``: the old two questions, "what's next?" and "when is kraska" in turn from
  500 users, every answer checked for "Michael Carbin" / "Tim Kraska".

Each of ``--concurrency`` workers sends a signed ``app_mention`` event (a channel of
its own per event) and waits until that event's chat.postMessage reaches the fake
before sending the next. First every user asks once in each app, so saved timezones are
cached, as in a running bot: in the repeat mix with the two questions, in the crowd mix
with one fixed question ("what's next?", which the crowd then never asks), so the
measured questions are all ones the bot has not seen. Then ``--rounds`` rounds
alternate between the apps, so load from elsewhere on the machine falls on both alike.

Reported per app: events per second, p50/p99 latency from sending the event to the
arrival of its chat.postMessage, and the CPU time the app's process spent per event;
then the ratios ours / bare (the target is an events/s ratio of at least 0.8).

The bot answers the same question asked in the same second once (``bot/answer_cache.py``),
as the workers of the repeat mix do (the crowd never asks a text twice, so there it
does not help); ``--no-answer-cache`` turns that off (BOT_ANSWER_CACHE=false), so every
answer is worked out and rendered afresh.

    .venv/bin/python bench/slack_bench.py [--mix crowd|repeat] [--events 9000]
        [--concurrency 20] [--rounds 9] [--seed 7] [--no-answer-cache]
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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bench.crowd import MIXES, Crowd, Question  # noqa: E402
from bench.crowd import load as load_program  # noqa: E402
from bot.messages import APOLOGY  # noqa: E402
from tests.fakes.slack_server import ApiCall, FakeSlack, JsonDict, SignedPoster  # noqa: E402

TOKEN = "xoxb-bench-token"
SECRET = "bench-signing-secret"
NOW = "2021-12-13T10:15:00-08:00"
QUESTIONS = ("what's next?", "when is kraska")
EXPECTED = ("Michael Carbin", "Tim Kraska")
USERS = 500  # the repeat mix's askers
ASKERS = 1000  # the crowd mix's
WARM_TEXT = "what's next?"  # the crowd's warm-up question, asked once by every asker
NOT_UNDERSTOOD = "Sorry, I did not understand"
CACHE_LINE = re.compile(r"answer cache: .*")
READY = re.compile(r"(?:Slack adapter ready: HTTP mode on|bare ready:) (http://[^\s,]+)")
START_WITHIN = 60.0
SETTLE = 1.0  # seconds to wait at the end for a second reply to any event


@dataclass(frozen=True, slots=True)
class Ask:
    """One mention to send: who asks, what, and a fragment the answer must have (None:
    any answer but the apology)."""

    user: str
    text: str
    expected: str | None = None


def repeat_asks(first: int, count: int) -> list[Ask]:
    """The repeat mix's events ``first`` to ``first + count``: the two questions in
    turn, from the 500 users in turn."""
    return [Ask(f"U{n % USERS:07d}", QUESTIONS[n % 2], EXPECTED[n % 2])
            for n in range(first, first + count)]


def slack_user(asker: str) -> str:
    """crowd.py's asker "u00042" as a Slack user id."""
    return f"U{int(asker.lstrip('u')):07d}"


def crowd_asks(questions: Sequence[Question]) -> list[Ask]:
    return [Ask(slack_user(q.asker), q.text) for q in questions]


def slack_escape(text: str) -> str:
    """The text as Slack sends it: &, < and > as entities."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@dataclass
class Result:
    name: str
    events: int
    elapsed: float
    latencies: list[float]
    cpu: float = 0.0  # CPU seconds the app's process used during the run
    fake_cpu: float = 0.0  # CPU seconds this process (the fake Slack, the senders) used
    not_understood: int = 0  # replies that were the help for a question not understood
    apologies: list[str] = field(default_factory=list)  # the questions answered so

    @property
    def cpu_per_event(self) -> float:
        return self.cpu / self.events

    @property
    def rate(self) -> float:
        return self.events / self.elapsed

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1]


class Arrivals:
    """The fake's chat.postMessage answer: notes when each channel's reply arrived, and
    counts every channel's replies (each event has a channel of its own)."""

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        self.waiting: dict[str, asyncio.Future[str]] = {}
        self.asked: set[str] = set()
        self.replies: Counter[str] = Counter()

    def expect(self, channel: str) -> asyncio.Future[str]:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self.waiting[channel] = future
        self.asked.add(channel)
        return future

    def __call__(self, call: ApiCall) -> JsonDict:
        channel = call.args["channel"]
        self.replies[channel] += 1
        future = self.waiting.pop(channel, None)
        if future is not None and not future.done():
            future.set_result(call.args.get("text", ""))
        return {"ok": True, "channel": channel, "ts": self.fake.next_ts()}

    def problems(self) -> list[str]:
        """Events that got more than one reply, and replies to no event."""
        twice = sorted(c for c in self.asked if self.replies[c] > 1)
        stray = sorted(c for c in self.replies if c not in self.asked)
        out = []
        if twice:
            out.append(f"{len(twice)} events got more than one reply (first: {twice[:5]})")
        if stray:
            out.append(f"{len(stray)} replies went to channels no event came from "
                       f"(first: {stray[:5]})")
        return out


async def load(
    name: str, url: str, fake: FakeSlack, arrivals: Arrivals, asks: Sequence[Ask],
    concurrency: int, check: bool, first: int,
) -> Result:
    """The mentions ``asks`` (in channels numbered from ``first``) from ``concurrency``
    workers, each waiting for its answer."""
    result = Result(name, len(asks), 0.0, [])
    todo = iter(enumerate(asks, first))
    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        poster = SignedPoster(session, url, SECRET)

        async def worker() -> None:
            for n, ask in todo:
                channel = f"C{n:08d}"
                body = fake.event_callback({
                    "type": "app_mention", "user": ask.user, "channel": channel,
                    "text": f"<@{fake.bot_user_id}> {slack_escape(ask.text)}",
                    "ts": fake.next_ts(),
                })
                body["event"]["event_ts"] = body["event"]["ts"]
                answered = arrivals.expect(channel)
                began = time.perf_counter()
                response = await poster.event(body)
                assert response.status == 200, (name, response.status, response.text)
                text = await asyncio.wait_for(answered, 30)
                result.latencies.append(time.perf_counter() - began)
                if not check:
                    continue
                assert ask.expected is None or ask.expected in text, (name, ask.text, text)
                if APOLOGY in text:
                    result.apologies.append(ask.text)
                elif text.startswith(NOT_UNDERSTOOD):
                    result.not_understood += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        result.elapsed = time.perf_counter() - began
    return result


async def start_process(args: list[str], env: dict[str, str], cwd: Path,
                        kept: list[str] | None = None) -> tuple[
        asyncio.subprocess.Process, str, asyncio.Task[None]]:
    """Start a bot; its URL once it logs that it is ready; a task that drains its output
    (keeping in ``kept`` the answer cache's line, which the bot logs as it stops)."""
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
        while line := (await stdout.readline()).decode():
            if kept is not None and (found := CACHE_LINE.search(line)):
                kept.append(found.group(0))

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

    async def run(self, fake: FakeSlack, arrivals: Arrivals, asks: Sequence[Ask],
                  concurrency: int, first: int) -> Result:
        before, fake_before = cpu_seconds(self.process.pid), time.process_time()
        result = await load(self.name, self.url, fake, arrivals, asks, concurrency,
                            self.check, first)
        result.cpu = cpu_seconds(self.process.pid) - before
        self.total.cpu += result.cpu
        self.total.fake_cpu += time.process_time() - fake_before
        self.total.events += result.events
        self.total.elapsed += result.elapsed
        self.total.latencies += result.latencies
        self.total.not_understood += result.not_understood
        self.total.apologies += result.apologies
        return result


@dataclass
class Plan:
    """What the apps are asked: the warm-up, and each round's events (the same for both
    apps), with a line describing the mix."""

    warm_up: list[Ask]
    rounds: list[list[Ask]]
    about: str


async def plan(mix: str, events: int, rounds: int, seed: int) -> Plan:
    per_round = events // rounds
    if mix == "repeat":
        # As before the mixes: event numbers run on across both apps' turns (an even
        # number per turn, so each turn starts with "what's next?").
        return Plan(repeat_asks(0, USERS), [], f"mix repeat: {' / '.join(QUESTIONS)} in turn "
                    f"from {USERS} users, every answer checked for {' / '.join(EXPECTED)}")
    program = await load_program()
    questions = Crowd(program, seed).questions(per_round * rounds, "crowd", askers=ASKERS,
                                               seen={WARM_TEXT})
    askers = sorted({q.asker for q in questions})
    by_round = [crowd_asks(questions[k * per_round:(k + 1) * per_round]) for k in range(rounds)]
    families = Counter(q.family for q in questions)
    return Plan(
        [Ask(slack_user(a), WARM_TEXT) for a in askers], by_round,
        f"mix crowd, seed {seed}: {len(questions)} questions per app, "
        f"{len({q.text for q in questions})} distinct, {len(askers)} askers, "
        f"{len(families)} families ({min(families.values())}-{max(families.values())} "
        f"questions each), the same for both apps; warm-up: every asker asked "
        f"{WARM_TEXT!r} once in each app")


async def main(events: int, concurrency: int, rounds: int, answer_cache: bool, mix: str,
               seed: int) -> None:
    asked = await plan(mix, events, rounds, seed)
    async with FakeSlack() as fake, contextlib.AsyncExitStack() as stack:
        arrivals = Arrivals(fake)
        fake.set_response("chat.postMessage", arrivals)
        base = {k: v for k, v in os.environ.items()
                if not k.startswith(("SLACK_", "BOT_", "DISCORD_")) and "proxy" not in k.lower()}
        base.update(BOT_WEB="false", SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET,
                    SLACK_API_URL=fake.api_url, PYTHONPATH=str(ROOT))
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        ours_env = {**base, "BOT_NOW": NOW, "BOT_HTTP_HOST": "127.0.0.1", "BOT_HTTP_PORT": "0",
                    "LOG_LEVEL": "INFO", "DATABASE_URL": f"sqlite:///{tmp}/bench.db",
                    "BOT_ANSWER_CACHE": str(answer_cache).lower()}
        apps = []
        cache: list[str] = []  # ours says at exit how many answers its cache gave
        for name, args, env, check in (
            ("ours", [sys.executable, "-m", "bot", "run"], ours_env, True),
            ("bare", [sys.executable, __file__, "--serve-bare"], base, False),
        ):
            process, url, drain = await start_process(args, env, tmp,
                                                      cache if check else None)
            stack.push_async_callback(stop_process, process, drain)
            apps.append(App(name, process, url, drain, check, Result(name, 0, 0.0, [])))
        first = 0
        for app in apps:  # every user asks once: later answers find their zone cached
            await load(app.name, app.url, fake, arrivals, asked.warm_up, concurrency,
                       app.check, first)
            first += len(asked.warm_up)
        # Rounds alternate between the apps, so a busy neighbour on the machine hurts both;
        # each round's pair gives a ratio of its own, and their spread shows the noise.
        pairs: list[float] = []
        for k in range(rounds):
            rates = []
            for app in apps:
                asks = asked.rounds[k] if asked.rounds else repeat_asks(first, events // rounds)
                rates.append((await app.run(fake, arrivals, asks, concurrency, first)).rate)
                first += len(asks)
            pairs.append(rates[0] / rates[1])
        await asyncio.sleep(SETTLE)  # a second reply to any event would be in by now
        problems = arrivals.problems()
    ours, bare = (app.total for app in apps)
    ms = 1000
    print(asked.about)
    print(f"{ours.events} app_mention events per app in {rounds} alternating rounds, "
          f"concurrency {concurrency}, HTTP mode on loopback, answer cache "
          f"{'on' if answer_cache else 'off'}")
    print(f"{'app':<6} {'mix':<7} {'events/s':>9} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'CPU ms/event':>13} {'fake CPU ms/event':>18}")
    for result in (ours, bare):
        print(f"{result.name:<6} {mix:<7} {result.rate:>9,.0f} "
              f"{result.percentile(50) * ms:>8.1f} {result.percentile(99) * ms:>8.1f} "
              f"{result.cpu_per_event * ms:>13.2f} {result.fake_cpu / result.events * ms:>18.2f}")
    print(f"ratio ours / bare ({mix} mix): events/s {ours.rate / bare.rate:.2f} (target ≥ 0.8), "
          f"CPU per event {bare.cpu_per_event / max(ours.cpu_per_event, 1e-9):.2f}")
    print(f"ratio per round: median {statistics.median(pairs):.2f}, "
          f"range {min(pairs):.2f}-{max(pairs):.2f} over {len(pairs)} rounds")
    print(f"ours replied \"{NOT_UNDERSTOOD}\" to {ours.not_understood / ours.events:.1%} "
          f"({ours.not_understood} of {ours.events}) of the measured events, the apology "
          f"to {len(ours.apologies)}; every event got "
          f"{'exactly one reply' if not problems else 'a reply, but see below'}")
    print(f"ours, {cache[0]} (warm-up included)" if cache else
          "ours: no answer cache" if not answer_cache else "ours did not report its cache")
    if ours.apologies:
        problems.append(f"{len(ours.apologies)} questions got the apology (first: "
                        f"{ours.apologies[:5]})")
    if problems:
        raise SystemExit("FAILED: " + "; ".join(problems))


async def serve_bare() -> None:
    """The baseline: slack-bolt alone, replying "ok", set up like the adapter's client."""
    import logging

    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from adapters.slack.service import client_logger, json_text, retry_handlers

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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mix", choices=MIXES, default="crowd",
                        help="crowd: bench/crowd.py's questions (default); repeat: the two")
    parser.add_argument("--events", type=int, default=9000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seed", type=int, default=7, help="the crowd's random seed")
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
        if options.events < options.rounds:
            parser.error("--events must be at least --rounds")
        asyncio.run(main(options.events, options.concurrency, options.rounds,
                         options.answer_cache, options.mix, options.seed))
