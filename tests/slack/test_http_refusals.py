"""What the HTTP endpoint does with requests that are not Slack's (issue 11, item 4).

Real HTTP requests to the running adapter, with the log captured at DEBUG (so every
library logs all it would): a forged, malformed, stale, oversized or unreadable request
gets 401, 413 or 400 and one short WARNING line that holds none of its body; a burst of
them is a few lines and a summary; nothing is an ERROR or a traceback; and the bot goes on
answering signed requests. The refusal log's windows are tested on a clock moved by hand.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator

import pytest

from adapters.slack.http_checks import MAX_BODY
from adapters.slack.refusals import LOGGED_PER_WINDOW, RefusalLog
from tests.fakes.slack_server import FakeSlack, PostResult, SlackSigner
from tests.slack.conftest import SECRET, RunningBot, StartBot

MARK = "BODY-MARK-7f3a"  # in every body sent here: no log line may ever hold it
FORGED = "v0=" + "0" * 64
REFUSED = re.compile(r"Slack HTTP: refused a request from 127\.0\.0\.1: (.+) \((\d{3})\)")
SUMMARY = re.compile(r"Slack HTTP: (\d+) more (\w+) requests refused in the last \d+ s")
BURST = 2000
SENDERS = 50  # requests in flight at once during the burst
WITHIN = 5.0


@pytest.fixture
async def bot(caplog: pytest.LogCaptureFixture, start_bot: StartBot) -> RunningBot:
    """The adapter in HTTP mode, started with the root logger at DEBUG: the libraries'
    loggers take their levels from it at start."""
    caplog.set_level(logging.DEBUG)
    return await start_bot()


def event_body(fake: FakeSlack, text: str = "what's next?") -> str:
    return json.dumps(fake.app_mention(f"<@{fake.bot_user_id}> {text}"))


async def post(bot: RunningBot, data: bytes | str | AsyncIterator[bytes], *,
               content_type: str = "application/json", sign: str | bytes | None = None,
               headers: dict[str, str] | None = None) -> PostResult:
    """A raw POST to the endpoint; ``sign`` is the body to sign (str or bytes) when the
    signature should be right, else the headers say what they say."""
    sent = {"Content-Type": content_type, **(headers or {})}
    if sign is not None:
        text = sign.decode() if isinstance(sign, bytes) else sign
        sent.update(SlackSigner(SECRET).headers(text))
    session = bot.poster.session
    async with session.post(bot.poster.url, data=data, headers=sent) as response:
        return PostResult(response.status, await response.text(), dict(response.headers))


def forged(timestamp: int | None = None) -> dict[str, str]:
    return {"X-Slack-Request-Timestamp": str(timestamp or int(time.time())),
            "X-Slack-Signature": FORGED}


def refusals(caplog: pytest.LogCaptureFixture) -> list[tuple[str, int]]:
    """(why, status) of every refusal line logged."""
    found = [REFUSED.fullmatch(r.getMessage()) for r in caplog.records]
    return [(m[1], int(m[2])) for m in found if m]


# The router's own DEBUG line of each question ("slack/U0ALICE asked 'search …' -> search",
# its first 80 characters) is the core's choice, made for debugging answers: the body of a
# request is what no line may hold, and the question is not looked for in that one line.
QUESTION_LOGGER = "bot.router"


def assert_quiet(caplog: pytest.LogCaptureFixture) -> None:
    """No ERROR, no traceback, and no line holding (part of) a body."""
    for record in caplog.records:
        assert record.levelno < logging.ERROR, record.getMessage()
        assert record.exc_info is None, record.getMessage()
        if record.name != QUESTION_LOGGER:
            assert MARK not in record.getMessage(), (record.name, record.getMessage()[:200])
    for record in caplog.records:
        if REFUSED.fullmatch(record.getMessage()):
            assert record.levelno == logging.WARNING
            assert len(record.getMessage()) < 200  # one short line


# ------------------------------------------------------------------------------ unsigned


@pytest.mark.parametrize(("body", "content_type"), [
    ('{"event": {"text": "' + MARK + '"', "application/json"),  # malformed JSON
    ("[" * 100_000 + MARK, "application/json"),  # nesting deeper than the parser goes
    ("payload=%7B" + MARK, "application/x-www-form-urlencoded"),  # a broken payload
    ("{" + MARK + "}", "text/plain; charset=bogus"),  # a charset nobody has
])
async def test_a_malformed_body_with_a_bad_signature_gets_401_and_one_line(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture, body: str,
    content_type: str,
):
    mark = fake.mark()
    response = await post(bot, body, content_type=content_type, headers=forged())
    assert response.status == 401
    assert refusals(caplog) == [
        ("a wrong signature (another signing secret, or a changed body)", 401)]
    assert_quiet(caplog)
    await fake.assert_no_call(since=mark)


async def test_a_body_that_is_not_utf8_gets_401_and_one_line(
    bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    response = await post(bot, b'{"text": "\xff\xfe' + MARK.encode() + b'"}', headers=forged())
    assert response.status == 401
    assert refusals(caplog) == [("a body that is not UTF-8", 401)]
    assert_quiet(caplog)


@pytest.mark.parametrize(("headers", "why"), [
    ({}, "no signature"),
    ({"X-Slack-Signature": FORGED}, "no signature"),
    ({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": FORGED},
     "a malformed timestamp"),
    ({"X-Slack-Request-Timestamp": "9" * 5000, "X-Slack-Signature": FORGED},
     "a malformed timestamp"),  # more digits than int() takes
    ({"X-Slack-Request-Timestamp": "-1", "X-Slack-Signature": FORGED},
     "a malformed timestamp"),
    (forged(int(time.time()) - 3600), "a timestamp more than 5 minutes off (a replay, or a "
     "wrong clock)"),
])
async def test_headers_that_are_no_signature_get_401_and_one_line(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture,
    headers: dict[str, str], why: str,
):
    response = await post(bot, event_body(fake, MARK), headers=headers)
    assert response.status == 401
    assert refusals(caplog) == [(why, 401)]
    assert_quiet(caplog)


async def test_a_signature_that_is_not_ascii_gets_401_and_one_line(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())),
               "X-Slack-Signature": "v0=" + "é" * 64}  # hmac.compare_digest would raise
    response = await post(bot, event_body(fake, MARK), headers=headers)
    assert response.status == 401
    assert refusals(caplog) == [("a malformed signature", 401)]
    assert_quiet(caplog)


async def test_forged_megabyte_requests_leave_a_few_lines_in_the_log(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    body = '{"event": {"text": "' + MARK + "x" * (1_000_000 - 40) + '"}}'
    assert len(body) < MAX_BODY
    for _ in range(20):
        assert (await post(bot, body, headers=forged())).status == 401
    assert_quiet(caplog)
    logged = sum(len(r.getMessage()) for r in caplog.records)
    assert logged < 5_000  # before: the 20 bodies, 20 MB
    assert len(refusals(caplog)) == LOGGED_PER_WINDOW


async def test_a_burst_of_forged_requests_is_a_few_lines_and_a_summary(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    body = event_body(fake, MARK)
    statuses: list[int] = []

    async def sender(count: int) -> None:
        for _ in range(count):
            statuses.append((await post(bot, body, headers=forged())).status)

    mark = fake.mark()
    await asyncio.gather(*(sender(BURST // SENDERS) for _ in range(SENDERS)))
    assert statuses == [401] * BURST
    await fake.assert_no_call(since=mark)  # none reached a listener

    # a signed request still gets its answer
    signed = event_body(fake)
    assert (await post(bot, signed, sign=signed)).status == 200
    await fake.wait_for_call("chat.postMessage", within=WITHIN)

    await bot.stop()  # the last window is summed up at shutdown
    lines = refusals(caplog)
    summaries = [SUMMARY.fullmatch(r.getMessage()) for r in caplog.records]
    counted = [(int(m[1]), m[2]) for m in summaries if m]
    assert {kind for _, kind in counted} == {"unsigned"}
    assert len(lines) + sum(n for n, _ in counted) == BURST  # every refusal is accounted for
    # a few lines a window, a summary a window (a slow machine may take more than one)
    assert len(lines) <= LOGGED_PER_WINDOW * len(counted)
    assert len(caplog.records) < 30
    assert_quiet(caplog)


# ------------------------------------------------------------------------------ oversized


async def test_an_oversized_request_gets_413_before_it_is_read(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    body = '{"event": {"text": "' + MARK + "x" * 2 * MAX_BODY + '"}}'
    mark = fake.mark()
    response = await post(bot, body, sign=body)  # signed even: size comes first
    assert response.status == 413
    assert refusals(caplog) == [(f"a body of {len(body)} bytes (the limit is {MAX_BODY})", 413)]
    assert_quiet(caplog)
    await fake.assert_no_call(since=mark)


async def test_an_oversized_chunked_request_gets_413_once_the_limit_is_read(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: sent chunked
        yield ('{"event": {"text": "' + MARK).encode()
        for _ in range(40):
            yield b"x" * 65536

    response = await post(bot, chunks(), headers=forged())
    assert response.status == 413
    assert refusals(caplog) == [(f"a body over {MAX_BODY} bytes", 413)]
    assert_quiet(caplog)


# ------------------------------------------------------------------------------ unreadable


@pytest.mark.parametrize(("body", "content_type"), [
    ('{"event": ' + MARK, "application/json"),
    ('["' + MARK + '"]', "application/json"),  # JSON, but not an object
    ("null", "application/json"),
    ("[" * 100_000, "application/json"),
    ("payload=%5B1%5D", "application/x-www-form-urlencoded"),  # a payload that is a list
])
async def test_a_signed_body_that_is_not_an_object_gets_400_and_one_line(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture, body: str,
    content_type: str,
):
    mark = fake.mark()
    response = await post(bot, body, content_type=content_type, sign=body)
    assert response.status == 400
    assert refusals(caplog) == [("a signed body that is neither a JSON object nor a form", 400)]
    assert_quiet(caplog)
    await fake.assert_no_call(since=mark)


# ------------------------------------------------------------------------------ signed


async def test_signed_requests_are_answered_and_their_bodies_not_logged(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    body = event_body(fake, f"search {MARK}")
    assert (await post(bot, body, sign=body)).status == 200
    answer = await fake.wait_for_call("chat.postMessage", within=WITHIN)
    assert MARK in answer.args["text"]  # the answer quotes the search term...
    form = bot.poster  # ...and a slash command, with the same words
    assert (await form.command(fake.slash_command("/workshop", f"search {MARK}"))).status == 200
    reply = await fake.wait_for_response_post()
    assert MARK in reply.body["text"]
    assert refusals(caplog) == []
    assert_quiet(caplog)  # ...yet no log line, at DEBUG, holds the request or the answer


# ------------------------------------------------------------------------------ the log's windows


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def window_log(caplog: pytest.LogCaptureFixture) -> tuple[RefusalLog, Clock]:
    caplog.set_level(logging.WARNING, logger="test.refusals")
    clock = Clock()
    return RefusalLog(logging.getLogger("test.refusals"), clock, window=60.0,
                      per_window=3), clock


def test_a_window_logs_its_first_refusals_and_sums_up_the_rest(
    window_log: tuple[RefusalLog, Clock], caplog: pytest.LogCaptureFixture
):
    log, clock = window_log
    for n in range(10):
        log.refused("unsigned", "refused %d", n)
        clock.now += 1
    assert caplog.messages == ["refused 0", "refused 1", "refused 2"]
    clock.now += 50  # 60 s after the first: the window is over
    log.refused("unsigned", "refused %d", 10)
    assert caplog.messages[3:] == [
        "Slack HTTP: 7 more unsigned requests refused in the last 60 s", "refused 10"]


def test_tick_sums_up_windows_that_are_over_and_close_all(
    window_log: tuple[RefusalLog, Clock], caplog: pytest.LogCaptureFixture
):
    log, clock = window_log
    for _ in range(5):
        log.refused("unsigned", "unsigned")
    clock.now += 30
    for _ in range(4):
        log.refused("oversized", "oversized")
    log.tick()
    assert caplog.messages.count("unsigned") == 3
    assert len(caplog.messages) == 6  # nothing is over yet
    clock.now += 30
    log.tick()  # the first window is over, the second is not
    assert caplog.messages[-1] == "Slack HTTP: 2 more unsigned requests refused in the last 60 s"
    clock.now += 10
    log.close()
    assert caplog.messages[-1] == (
        "Slack HTTP: 1 more oversized requests refused in the last 40 s")
    log.close()  # nothing is said twice
    log.tick()
    assert len(caplog.messages) == 8


def test_a_quiet_window_says_nothing_more(
    window_log: tuple[RefusalLog, Clock], caplog: pytest.LogCaptureFixture
):
    log, clock = window_log
    log.refused("unsigned", "one")
    clock.now += 120
    log.tick()
    log.close()
    assert caplog.messages == ["one"]


async def test_the_summaries_run_every_window_until_cancelled(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.WARNING, logger="test.refusals")
    clock = Clock()
    log = RefusalLog(logging.getLogger("test.refusals"), clock, window=0.01, per_window=1)
    log.refused("unsigned", "first")
    log.refused("unsigned", "second")
    clock.now += 1
    task = asyncio.create_task(log.summarise())
    try:
        async with asyncio.timeout(WITHIN):
            while len(caplog.messages) < 2:  # noqa: ASYNC110  (the log has no event)
                await asyncio.sleep(0.01)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    assert caplog.messages == ["first",
                               "Slack HTTP: 1 more unsigned requests refused in the last 1 s"]

