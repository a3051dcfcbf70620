"""The console: chat with the bot in a terminal, with no Discord or Slack account.

It is the default adapter (started when no platform is configured) and the quickest way
to try the bot or rehearse a day on a simulated clock: the prompt shows the simulated
time whenever it is not real time.

In a terminal the line is read with prompt_toolkit, in the bot's own event loop, so
reminders keep firing while the user types: everything printed meanwhile (announcements,
log lines) goes above the prompt instead of into the half-typed line, and the prompt is
redrawn every second from the clock, so its simulated time is never stale. Anywhere else
(a pipe, CI, a test) lines are read plainly on a daemon thread and nothing waits on a
terminal.

On a program that is already over (the bundled 2021 workshop), ``run`` gives the console
a rehearsal clock (:class:`bot.clock.RehearsalClock`) and the banner says so in one line.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import getpass
import logging
import queue
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from zoneinfo import ZoneInfo

from bot import timefmt
from bot.adapter import DeliveryError, PlatformInfo
from bot.clock import RehearsalClock
from bot.core import Core
from bot.events import Message, Place
from bot.messages import Attachment, Outgoing, UserRef
from bot.program import examples
from bot.render_text import render

if TYPE_CHECKING:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

QUIT_WORDS = frozenset({"quit", "exit", "/quit", "/exit", "bye", ":q"})
PLATFORM = "console"
EXPORTS = Path("exports")  # where the console saves files that come with answers
REFRESH_SECONDS = 1.0  # how often a terminal prompt on a simulated clock is redrawn


@dataclass(frozen=True, slots=True)
class Terminal:
    """Where prompt_toolkit reads keys and draws: the process's terminal (None, None), or
    a pipe input and a recording output in tests. Everything printed while the prompt
    waits (answers, announcements, log lines) is drawn on the same output, above it."""

    input: Input | None = None
    output: Output | None = None


class ConsoleAdapter:
    """The terminal chat, and (as a messenger) the place rehearsals show every reminder:
    channel announcements and speakers' DMs appear here with their simulated time."""

    name = "console"
    fallback = True
    connected = True  # the terminal is always there
    # A rehearsal screen: every announcement and speaker reminder is shown here.
    info = PlatformInfo(PLATFORM, rehearsal=True)

    def __init__(
        self,
        core: Core,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        user: str | None = None,
        terminal: Terminal | None = None,
    ) -> None:
        self.core = core
        self.stdin = stdin or sys.stdin
        self._stdout = stdout
        if terminal is None and stdin is None and stdout is None and _is_terminal():
            terminal = Terminal()
        self.terminal = terminal
        # A terminal that prompt_toolkit does not drive (stdout is piped): input()'s prompt.
        self.interactive = terminal is None and self.stdin is sys.stdin and self.stdin.isatty()
        name = user or _login_name()
        self.user = UserRef(PLATFORM, name, name)
        self._sent = 0
        self._closed = False  # after "Bye!": nothing more is printed
        # The terminal prompt while it runs (tests read what it last drew).
        self.prompt_session: PromptSession[str] | None = None

    @property
    def stdout(self) -> TextIO:
        """The given stream, else sys.stdout as it is now: inside the terminal prompt that
        is prompt_toolkit's proxy, which prints above the prompt."""
        return self._stdout or sys.stdout

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    async def _zone(self) -> ZoneInfo:
        return await self.core.zone_of(self.user)

    def prompt_text(self, zone: ZoneInfo) -> str:
        """The prompt, with the clock read now: "[Mon 13 Dec 2021 8:45 AM PST ×60] you> "."""
        clock = self.core.clock
        if not clock.simulated:
            return "you> "
        speed = f" ×{clock.speed:g}" if clock.speed != 1 else ""
        return f"[{_stamp(clock.now(), zone)}{speed}] you> "

    async def _banner(self) -> str:
        program = self.core.program
        days = program.program_days()
        when = timefmt.long_date(days[0]) if days else "no sessions scheduled"
        lines = [f"Workshop Bot · {program.workshop.full_name} · {when}"]
        clock = self.core.clock
        if clock.simulated:
            zone = await self._zone()
            now = clock.now()
            at = timefmt.instant(now, zone, now)
            if isinstance(clock, RehearsalClock):
                ago = timefmt.duration(clock.real_now - clock.program_end)
                lines.append(
                    f"Rehearsal clock: the program ended {ago} ago, so the clock starts at "
                    f"{at} on its first day and runs {clock.speed:g}× real time; for the "
                    "real clock, start with --at now (or BOT_NOW=now).")
            else:
                lines.append(f"Simulated time: {at}, running {clock.speed:g}× real time.")
        speaker = examples(program).speaker
        lines.append(f"Ask anything (“what's on now?”, “when is {speaker}'s talk?”); "
                     "“help” lists commands, “quit” leaves.")
        return "\n".join(lines)

    async def deliver(self, message: Outgoing) -> str | None:
        """Print a reminder or notice, stamped with the (simulated) time it fired. In a
        terminal it lands above the prompt, which then redraws with the current time.
        Once the conversation is over (after "Bye!") it is refused, not printed after the
        goodbye: the reminder service logs it as not sent."""
        zone = await self._zone()
        if self._closed:
            raise DeliveryError("the console conversation has ended", permanent=True)
        stamp = _stamp(self.core.clock.now(), zone)
        if message.direct:
            to = "you" if message.target == self.user.id else message.label or message.target
            where = f"DM to {to}"
        else:
            where = f"#{message.target}"
        text = render(message.reply)
        for button in message.buttons:
            text += f"\n  [{button.label}: say “{button.command} {button.value}”]"
        prefix = "\n" if self.interactive else ""
        self.say(f"{prefix}── {stamp} · {where} ──\n{text}")
        self._sent += 1
        return f"console-{self._sent}"

    def _save(self, attachment: Attachment) -> str:
        """A file that came with an answer (an export) is written to ./exports/, and the
        answer says where in full: the folder is wherever the console was started."""
        folder = EXPORTS.absolute()
        folder.mkdir(exist_ok=True)
        path = folder / Path(attachment.filename).name
        path.write_bytes(attachment.data)
        return f"Saved {path} ({len(attachment.data):,} bytes)."

    async def find_delivered(self, message: Outgoing) -> str | None:
        """The console keeps no history: after a crash a reminder may print again."""
        return None

    async def run(self) -> None:
        banner = await self._banner()
        try:
            if self.terminal is not None:
                await self._run_in_terminal(self.terminal, banner)
            else:
                self.say(banner)
                await self._run_on_lines()
                self.say("Bye!")
        finally:
            self._closed = True

    async def _answer(self, line: str | None) -> bool:
        """Answer one line; False when the conversation is over."""
        if line is None:
            return False
        text = line.strip()
        if not text:
            return True
        if text.casefold() in QUIT_WORDS:
            return False
        reply = await self.core.receive(Message(self.user, text, Place(is_direct=True),
                                                addressed=True))
        if reply is None:
            return True
        self.say(render(reply))
        if reply.attachment is not None:
            self.say(self._save(reply.attachment))
        return True

    async def _run_in_terminal(self, terminal: Terminal, banner: str) -> None:
        """Read lines with prompt_toolkit. Its app session is the terminal's (or the
        test's pipe and output), so the prompt and what ``patch_stdout`` prints above it,
        the banner and "Bye!" included, share one output; the prompt's text is a
        function, read at every redraw."""
        from prompt_toolkit import PromptSession
        from prompt_toolkit.application import create_app_session
        from prompt_toolkit.patch_stdout import patch_stdout

        refresh = REFRESH_SECONDS if self.core.clock.simulated else 0.0  # 0: never
        before = (sys.stdout, sys.stderr)
        with create_app_session(input=terminal.input, output=terminal.output), \
                patch_stdout(), _logging_to_current_streams(before):
            session: PromptSession[str] = PromptSession(refresh_interval=refresh)
            self.prompt_session = session
            self.say(banner)
            try:
                while True:
                    zone = await self._zone()  # a "tz" answer changes it: once per line
                    try:
                        line = await session.prompt_async(
                            functools.partial(self.prompt_text, zone))
                    except (EOFError, KeyboardInterrupt):  # Ctrl-D, Ctrl-C
                        line = None
                    if not await self._answer(line):
                        break
                self.say("Bye!")
            finally:
                self.prompt_session = None

    async def _run_on_lines(self) -> None:
        requests: queue.Queue[str] = queue.Queue()
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        reader = threading.Thread(
            target=self._read_lines, args=(requests, asyncio.get_running_loop(), lines),
            name="console-reader", daemon=True,
        )
        reader.start()
        while True:
            requests.put(self.prompt_text(await self._zone()) if self.interactive else "")
            if not await self._answer(await lines.get()):
                return

    def _read_lines(
        self,
        requests: queue.Queue[str],
        loop: asyncio.AbstractEventLoop,
        lines: asyncio.Queue[str | None],
    ) -> None:
        """Runs on the reader thread: one line per prompt, None at end of input."""
        if self.interactive:
            with contextlib.suppress(ImportError):
                import readline  # noqa: F401  (line editing and history for input())
        while True:
            prompt = requests.get()
            line: str | None
            try:
                line = input(prompt) if self.interactive else (self.stdin.readline() or None)
            except (EOFError, KeyboardInterrupt, ValueError, OSError):
                line = None
            try:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            except RuntimeError:
                return  # the loop has closed: the bot is shutting down
            if line is None:
                return


def _stamp(now: datetime, zone: ZoneInfo) -> str:
    """ "Mon 13 Dec 2021 8:45 AM PST": the (simulated) time in the prompt and on reminders."""
    local = now.astimezone(zone)
    return (f"{timefmt.short_date(local.date(), with_year=True)} "
            f"{timefmt.clock(local, timefmt.uses_12h(zone))} {local:%Z}")


@contextlib.contextmanager
def _logging_to_current_streams(before: tuple[TextIO, TextIO]) -> Iterator[None]:
    """Point log handlers that write to ``before`` (stdout and stderr outside the prompt)
    at sys.stdout / sys.stderr as they are now (prompt_toolkit's proxies, inside
    ``patch_stdout``), so a log line is printed above the prompt: the handlers hold the
    streams of when logging was set up, which would write into the line being typed.
    Put back on the way out."""
    real = {id(before[0]): sys.stdout, id(before[1]): sys.stderr,
            id(sys.__stdout__): sys.stdout, id(sys.__stderr__): sys.stderr}
    named = list(logging.Logger.manager.loggerDict.values())  # a copy: threads add loggers
    loggers = [logging.getLogger(), *(x for x in named if isinstance(x, logging.Logger))]
    moved: list[tuple[logging.StreamHandler[TextIO], TextIO]] = []
    for logger in loggers:
        for handler in logger.handlers:
            if (type(handler) is logging.StreamHandler
                    and (proxy := real.get(id(handler.stream))) is not None):
                moved.append((handler, handler.stream))
                handler.setStream(proxy)
    try:
        yield
    finally:
        for handler, stream in moved:
            handler.setStream(stream)


def _is_terminal() -> bool:
    """Both ends are a terminal: the prompt can draw. A pipe, a closed or missing stream
    (CI, a service) is not, and then nothing waits on a terminal."""
    try:
        return (sys.stdin is not None and sys.stdout is not None
                and sys.stdin.isatty() and sys.stdout.isatty())
    except (ValueError, OSError):  # a closed stream
        return False


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"


def create(core: Core) -> ConsoleAdapter:
    """Entry point: the console is always available as the fallback adapter."""
    return ConsoleAdapter(core)
