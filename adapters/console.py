"""The console: chat with the bot in a terminal, with no Discord or Slack account.

It is the default adapter (started when no platform is configured) and the quickest way
to try the bot or rehearse a day on a simulated clock: the prompt shows the simulated
time whenever it is not real time. Lines are read on a daemon thread so the event loop
(and, later, reminders) keeps running while the user types.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import queue
import sys
import threading
from pathlib import Path
from typing import TextIO

from bot import timefmt
from bot.core import Core
from bot.messages import Attachment, IncomingMessage, Outgoing, UserRef
from bot.program import examples
from bot.render_text import render

QUIT_WORDS = frozenset({"quit", "exit", "/quit", "/exit", "bye", ":q"})
PLATFORM = "console"


class ConsoleAdapter:
    """The terminal chat, and (as a messenger) the place rehearsals show every reminder:
    channel announcements and speakers' DMs appear here with their simulated time."""

    name = "console"
    fallback = True
    platform = PLATFORM
    rehearsal = True  # show every announcement and speaker reminder here
    send_rate = float("inf")

    def __init__(
        self,
        core: Core,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        user: str | None = None,
    ) -> None:
        self.core = core
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin is sys.stdin and self.stdin.isatty()
        name = user or _login_name()
        self.user = UserRef(PLATFORM, name, name)
        self._prompt_shown = ""
        self._sent = 0

    def say(self, text: str) -> None:
        print(text, file=self.stdout, flush=True)

    async def _zone(self) -> timefmt.ZoneInfo:
        saved = await self.core.preferences.timezone(self.user)
        program = self.core.catalog.current.program
        default = self.core.router.default_zone
        return saved or default or program.workshop.timezone

    async def _prompt(self) -> str:
        clock = self.core.clock
        if not clock.simulated:
            return "you> "
        now = clock.now()
        zone = await self._zone()
        local = now.astimezone(zone)
        stamp = f"{timefmt.short_date(local.date(), with_year=True)} " \
                f"{timefmt.clock(local, timefmt.uses_12h(zone))} {local:%Z}"
        speed = f" ×{clock.speed:g}" if clock.speed != 1 else ""
        return f"[{stamp}{speed}] you> "

    async def _banner(self) -> str:
        program = self.core.catalog.current.program
        days = program.program_days()
        when = timefmt.long_date(days[0]) if days else "no sessions scheduled"
        lines = [f"Workshop Bot · {program.workshop.full_name} · {when}"]
        if self.core.clock.simulated:
            zone = await self._zone()
            now = timefmt.instant(self.core.clock.now(), zone, self.core.clock.now())
            lines.append(f"Simulated time: {now}, running {self.core.clock.speed:g}× real time.")
        speaker = examples(program).speaker
        lines.append(f"Ask anything (“what's on now?”, “when is {speaker}'s talk?”); "
                     "“help” lists commands, “quit” leaves.")
        return "\n".join(lines)

    async def deliver(self, message: Outgoing) -> str | None:
        """Print a reminder or notice, stamped with the (simulated) time it fired."""
        zone = await self._zone()
        now = self.core.clock.now()
        local = now.astimezone(zone)
        stamp = (f"{timefmt.short_date(local.date(), with_year=True)} "
                 f"{timefmt.clock(local, timefmt.uses_12h(zone))} {local:%Z}")
        if message.direct:
            to = "you" if message.target == self.user.id else message.label or message.target
            where = f"DM to {to}"
        else:
            where = f"#{message.target}"
        text = render(message.reply)
        for button in message.buttons:
            text += f"\n  [{button.label}: say “{button.command} {button.value}”]"
        prefix = "\n" if self._prompt_shown else ""
        self.say(f"{prefix}── {stamp} · {where} ──\n{text}")
        if self._prompt_shown:
            print(self._prompt_shown, end="", file=self.stdout, flush=True)
        self._sent += 1
        return f"console-{self._sent}"

    def _save(self, attachment: Attachment) -> str:
        """A file that came with an answer (an export) is written to ./exports/."""
        folder = Path("exports")
        folder.mkdir(exist_ok=True)
        path = folder / Path(attachment.filename).name
        path.write_bytes(attachment.data)
        return f"Saved {path} ({len(attachment.data):,} bytes)."

    async def find_delivered(self, message: Outgoing) -> str | None:
        """The console keeps no history: after a crash a reminder may print again."""
        return None

    async def run(self) -> None:
        self.say(await self._banner())
        requests: queue.Queue[str] = queue.Queue()
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        reader = threading.Thread(
            target=self._read_lines, args=(requests, asyncio.get_running_loop(), lines),
            name="console-reader", daemon=True,
        )
        reader.start()
        while True:
            prompt = await self._prompt()
            self._prompt_shown = prompt if self.interactive else ""
            requests.put(prompt)
            line = await lines.get()
            self._prompt_shown = ""
            if line is None:
                self.say("Bye!")
                return
            text = line.strip()
            if not text:
                continue
            if text.casefold() in QUIT_WORDS:
                self.say("Bye!")
                return
            message = IncomingMessage(self.user, text, is_direct=True)
            reply = await self.core.router.handle(message)
            self.say(render(reply))
            if reply.attachment is not None:
                self.say(self._save(reply.attachment))

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


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "you"


def create(core: Core) -> ConsoleAdapter:
    """Entry point: the console is always available as the fallback adapter."""
    return ConsoleAdapter(core)
