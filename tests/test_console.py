"""The console adapter in-process: the prompt_toolkit prompt on a pipe and a recording
output (what a terminal would show), the plain line reader used everywhere else, and the
rehearsal clock ``run`` gives a console on a program that is over."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from prompt_toolkit.input import PipeInput, create_pipe_input
from prompt_toolkit.output import DummyOutput

import adapters.console as console_module
from adapters.console import ConsoleAdapter, Terminal
from bot.adapter import DeliveryError
from bot.app import open_core
from bot.clock import RehearsalClock, SimulatedClock, SystemClock, rehearsal_clock
from bot.messages import Outgoing, Reply
from bot.services import Services
from tests.conftest import make_settings
from tests.fakes.slack_server import FakeSlack
from tests.slack.conftest import BOT_TOKEN, SECRET
from tests.slack.test_cli import Bot, environment
from tests.support import wait_until

MORNING = datetime.fromisoformat("2021-12-13T08:45:00-08:00")


class Screen(DummyOutput):
    """A terminal that keeps the text written to it (escape sequences are not text and
    are dropped), so a test sees what reached the screen."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def write(self, data: str) -> None:
        self.written.append(data)

    def write_raw(self, data: str) -> None:
        self.written.append(data)

    @property
    def text(self) -> str:
        return "".join(self.written)


def prompt_line(console: ConsoleAdapter) -> str:
    """The prompt's row as prompt_toolkit last drew it: its text and what is typed."""
    session = console.prompt_session
    drawn = session.app.renderer.last_rendered_screen if session is not None else None
    if drawn is None:
        return ""
    row = drawn.data_buffer[0]
    return "".join(row[x].char for x in range(max(row, default=-1) + 1)).rstrip()


@dataclass
class Running:
    """A console running in a terminal the test drives: its keys, its screen, the task."""

    console: ConsoleAdapter
    keys: PipeInput
    screen: Screen
    task: asyncio.Task[None]


@contextlib.asynccontextmanager
async def in_terminal(core: Services, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Running]:
    """The console on a pipe input and a recording screen, its prompt already drawn (and
    redrawn every 50 ms); the chat is ended by the test, or cancelled on the way out."""
    monkeypatch.setattr(console_module, "REFRESH_SECONDS", 0.05)
    screen = Screen()
    with create_pipe_input() as keys:
        console = ConsoleAdapter(core.core, terminal=Terminal(keys, screen), user="alice")
        task = asyncio.create_task(console.run())
        try:
            await wait_until(lambda: "you>" in prompt_line(console))
            yield Running(console, keys, screen, task)
        finally:
            task.cancel()


def announcement(text: str) -> Outgoing:
    return Outgoing(key=f"test:{text}", platform="console", target="announcements",
                    direct=False, reply=Reply(lines=((text,),), zone=ZoneInfo("UTC"), now=MORNING))


class Ticks:
    """A monotonic clock the test moves: a SimulatedClock on it advances only when told."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
async def core(sqlite_url: str, ticks: Ticks) -> AsyncIterator[Services]:
    clock = SimulatedClock(MORNING, 1.0, ticks)
    async with open_core(make_settings(sqlite_url), clock) as opened:
        yield opened


@pytest.fixture
def stderr_log(capsys: pytest.CaptureFixture[str]) -> Iterator[logging.Logger]:
    """A logger with a plain handler on stderr, as ``configure_logging`` sets up (on the
    stderr ``capsys`` reads, so a test can tell it was not written there)."""
    log = logging.getLogger("tests.console")
    handler = logging.StreamHandler(sys.stderr)
    log.addHandler(handler)
    log.propagate = False
    try:
        yield log
    finally:
        log.removeHandler(handler)
        log.propagate = True


async def test_the_terminal_prompt_answers_keeps_log_lines_above_it_and_shows_the_time(
    core: Services, ticks: Ticks, stderr_log: logging.Logger, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    handler = next(h for h in stderr_log.handlers if type(h) is logging.StreamHandler)
    stream = handler.stream
    async with in_terminal(core, monkeypatch) as chat:
        console, keys, screen = chat.console, chat.keys, chat.screen
        assert prompt_line(console) == "[Mon 13 Dec 2021 8:45 AM PST] you>"
        # the banner, above it (patch_stdout writes what was printed on its own thread)
        await wait_until(lambda: "Workshop Bot · ML for Systems" in screen.text)

        keys.send_text("when is kra")  # half typed: a log line must not land in it
        await wait_until(lambda: prompt_line(console).endswith("you> when is kra"))
        stderr_log.warning("a log line while the prompt waits")
        await wait_until(lambda: "a log line while the prompt waits" in screen.text)
        assert prompt_line(console).endswith("you> when is kra")

        keys.send_text("ska\r")
        await wait_until(lambda: "Speaker: Tim Kraska" in screen.text)

        ticks.now += timedelta(hours=1, minutes=20).total_seconds()
        await wait_until(lambda: prompt_line(console) == "[Mon 13 Dec 2021 10:05 AM PST] you>")

        keys.send_text("quit\r")
        await asyncio.wait_for(chat.task, 10)
    assert screen.text.rstrip().endswith("Bye!")
    assert "a log line" not in capsys.readouterr().err  # it went to the terminal, above
    assert handler.stream is stream  # put back once the prompt is gone


async def test_a_reminder_while_the_prompt_waits_is_printed_above_it(
    core: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with in_terminal(core, monkeypatch) as chat:
        console, keys, screen = chat.console, chat.keys, chat.screen
        keys.send_text("rem")
        await console.deliver(announcement("Starting soon"))
        await wait_until(lambda: "Starting soon" in screen.text)
        assert "── Mon 13 Dec 2021 8:45 AM PST · #announcements ──" in screen.text
        assert prompt_line(console) == "[Mon 13 Dec 2021 8:45 AM PST] you> rem"
        keys.send_text("\x15\x04")  # Ctrl-U clears the line, Ctrl-D on it ends the chat
        await asyncio.wait_for(chat.task, 10)
    assert screen.text.rstrip().endswith("Bye!")


async def test_without_a_terminal_lines_are_read_plainly_and_nothing_is_said_after_bye(
    core: Services,
) -> None:
    assert ConsoleAdapter(core.core).terminal is None  # pytest's stdin is no terminal
    out = io.StringIO()
    console = ConsoleAdapter(core.core, stdin=io.StringIO("when is kraska\n"), stdout=out,
                             user="alice")
    await asyncio.wait_for(console.run(), 10)
    assert "Speaker: Tim Kraska" in out.getvalue()
    assert out.getvalue().rstrip().endswith("Bye!")
    with pytest.raises(DeliveryError) as refused:
        await console.deliver(announcement("Too late"))
    assert refused.value.permanent
    assert "Too late" not in out.getvalue()


async def test_the_console_says_where_it_saved_an_export_in_full(
    core: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    console = ConsoleAdapter(core.core, stdin=io.StringIO("agenda ics all\n"), stdout=out,
                             user="alice")
    await asyncio.wait_for(console.run(), 10)
    saved = tmp_path / "exports" / "mlforsys-2021.ics"
    assert f"Saved {saved.resolve()} ({saved.stat().st_size:,} bytes)." in out.getvalue()


# -- the rehearsal clock ------------------------------------------------------------


async def test_a_console_alone_rehearses_a_program_that_is_over(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url)
    async with open_core(settings, rehearse_if_over=True) as core:
        clock = core.clock
        assert isinstance(clock, RehearsalClock)
        assert clock.program_end == datetime.fromisoformat("2021-12-13T17:55:00-08:00")
        started = clock.now() - datetime.fromisoformat("2021-12-13T08:30:00-08:00")
        assert timedelta(0) <= started < timedelta(seconds=30)


@pytest.mark.parametrize("settings", [{"bot_now": "now"}, {"bot_now": "NOW "}])
async def test_now_asks_for_the_real_clock(sqlite_url: str, settings: dict[str, str]) -> None:
    async with open_core(make_settings(sqlite_url, **settings), rehearse_if_over=True) as core:
        assert isinstance(core.clock, SystemClock)
        assert core.settings.real_time_asked


async def test_a_set_start_is_kept_and_not_a_rehearsal(sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, bot_now="2021-12-13T10:00:00-08:00")
    async with open_core(settings, rehearse_if_over=True) as core:
        assert type(core.clock) is SimulatedClock
        assert core.clock.now() >= datetime.fromisoformat("2021-12-13T10:00:00-08:00")


def test_a_program_still_to_come_or_under_way_is_never_rehearsed() -> None:
    now = datetime(2030, 5, 6, 12, tzinfo=UTC)
    assert rehearsal_clock((now + timedelta(days=1), now + timedelta(days=2)), now) is None
    assert rehearsal_clock((now - timedelta(hours=1), now + timedelta(hours=1)), now) is None
    assert rehearsal_clock(None, now) is None
    over = rehearsal_clock((now - timedelta(days=3), now - timedelta(days=2)), now, 60)
    assert over is not None and over.speed == 60
    assert over.start == now - timedelta(days=3) - timedelta(minutes=30)


def test_platforms_configured_is_read_from_the_tokens(sqlite_url: str) -> None:
    assert not make_settings(sqlite_url).platforms_configured
    assert make_settings(sqlite_url, slack_bot_token="xoxb-1").platforms_configured
    assert make_settings(sqlite_url, discord_token="abc").platforms_configured


async def test_with_a_platform_configured_the_clock_stays_real(tmp_path: Path) -> None:
    """Slack beside the console (BOT_CONSOLE), no BOT_NOW, on the bundled program that is
    over: Slack's attendees live in real time, so the console does too."""
    async with FakeSlack() as fake:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path,
            env=environment(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
                            SLACK_API_URL=fake.api_url, BOT_HTTP_HOST="127.0.0.1",
                            BOT_HTTP_PORT="0", BOT_CONSOLE="true"),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        bot = Bot(process)
        try:
            await bot.wait_for(bot.err, r"Slack adapter ready")
            assert process.stdin is not None
            process.stdin.write(b"what's next?\n")
            await bot.wait_for(bot.out, r"Nothing else is scheduled: the last session ended")
            process.stdin.close()
            assert await bot.finish() == 0
        finally:
            await bot.kill()
    assert not any(line.startswith(("Rehearsal", "Simulated")) for line in bot.out)
