"""``workshop-bot run`` with Slack configured, as a subprocess: the settings errors, and
the whole bot serving Slack (beside the console, or alone until SIGTERM) on the fake."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import WORKSHOP_MORNING
from tests.fakes.slack_server import FakeSlack, SignedPoster
from tests.slack.conftest import APP_TOKEN, BOT_TOKEN, PROXY_VARIABLES, SECRET

SETTINGS = ("DATABASE_URL", "BOT_PROGRAM", "BOT_TIMEZONE", "BOT_NOW", "BOT_SPEED", "BOT_CONSOLE",
            "LOG_LEVEL", "DISCORD_TOKEN", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN",
            "SLACK_SIGNING_SECRET", "SLACK_API_URL", "SLACK_COMMAND", "BOT_HTTP_HOST",
            "BOT_HTTP_PORT")
WITHIN = 20.0  # seconds for the subprocess to start, answer or stop


def environment(**settings: str) -> dict[str, str]:
    """This process's environment without any bot setting or proxy, plus ``settings``;
    the web pages off unless ``settings`` turn them on (they need BOT_WEB_SECRET)."""
    drop = {*SETTINGS, *PROXY_VARIABLES}
    clean = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("BOT_WEB")}
    return {**clean, "BOT_WEB": "false", **settings}


@pytest.mark.parametrize(("settings", "error"), [
    ({"SLACK_BOT_TOKEN": BOT_TOKEN},
     "SLACK_SIGNING_SECRET: required in HTTP mode (SLACK_APP_TOKEN is not set); "
     "copy it from the Slack app settings: Basic Information"),
    ({"SLACK_BOT_TOKEN": APP_TOKEN, "SLACK_SIGNING_SECRET": SECRET},
     "SLACK_BOT_TOKEN: expected the bot token, which starts with xoxb- "
     "(Slack app settings: OAuth & Permissions)"),
    ({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_APP_TOKEN": BOT_TOKEN},
     "SLACK_APP_TOKEN: expected an app-level token, which starts with xapp- "
     "(Slack app settings: Basic Information, App-Level Tokens)"),
])
def test_unusable_slack_settings_are_one_line_and_exit_2(
    tmp_path: Path, settings: dict[str, str], error: str
):
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, input="",
        env=environment(LOG_LEVEL="WARNING", **settings),
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 2
    assert done.stderr.splitlines() == [f"workshop-bot: {error}"]
    assert done.stdout == ""


class Bot:
    """``workshop-bot run`` in a subprocess, its output read as it comes."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.out: list[str] = []
        self.err: list[str] = []
        assert process.stdout is not None and process.stderr is not None
        self._readers = [asyncio.create_task(self._read(process.stdout, self.out)),
                         asyncio.create_task(self._read(process.stderr, self.err))]

    @staticmethod
    async def _read(stream: asyncio.StreamReader, lines: list[str]) -> None:
        while line := await stream.readline():
            lines.append(line.decode().rstrip("\n"))

    async def wait_for(self, lines: list[str], pattern: str) -> re.Match[str]:
        async with asyncio.timeout(WITHIN):
            while True:
                for line in lines:
                    if found := re.search(pattern, line):
                        return found
                if self.process.returncode is not None:
                    raise AssertionError(f"the bot exited: {self.err}")
                await asyncio.sleep(0.05)

    async def finish(self) -> int:
        """The exit status, once the bot stopped and its output was read to the end."""
        async with asyncio.timeout(WITHIN):
            status = await self.process.wait()
            await asyncio.gather(*self._readers)
        return status

    async def kill(self) -> None:
        if self.process.returncode is None:
            self.process.kill()
            await self.process.wait()
        await asyncio.gather(*self._readers)


async def start(tmp_path: Path, **settings: str) -> Bot:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path,
        env=environment(BOT_NOW=WORKSHOP_MORNING, **settings),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    return Bot(process)


async def test_run_serves_slack_over_http_beside_the_console(fake: FakeSlack, tmp_path: Path):
    bot = await start(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake.api_url, BOT_HTTP_HOST="127.0.0.1", BOT_HTTP_PORT="0",
        BOT_CONSOLE="true",
    )
    try:
        ready = await bot.wait_for(bot.err, r"Slack adapter ready: HTTP mode on (\S+),")
        async with aiohttp.ClientSession() as session:
            poster = SignedPoster(session, ready.group(1), SECRET)
            event = fake.app_mention(f"<@{fake.bot_user_id}> what's next?")
            assert (await poster.event(event)).status == 200
        post = await fake.wait_for_call("chat.postMessage", within=WITHIN)
        assert "Michael Carbin" in post.args["text"]

        assert bot.process.stdin is not None
        bot.process.stdin.write(b"when is kraska\n")
        await bot.wait_for(bot.out, r"Talk by Tim Kraska")
        bot.process.stdin.close()  # the console leaves, and the bot stops
        assert await bot.finish() == 0
    finally:
        await bot.kill()
    log = "\n".join(bot.err)
    assert "slack adapter starting" in log and "console adapter starting" in log
    assert "Unclosed" not in log and "Traceback" not in log


async def test_run_serves_slack_in_socket_mode_until_sigterm(fake: FakeSlack, tmp_path: Path):
    bot = await start(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_APP_TOKEN=APP_TOKEN,
                      SLACK_API_URL=fake.api_url)
    try:
        await bot.wait_for(bot.err, r"Slack adapter ready: Socket Mode, bot @workshop-bot")
        event = fake.app_mention(f"<@{fake.bot_user_id}> what's next?")
        await fake.wait_for_ack(await fake.send_envelope("events_api", event), within=WITHIN)
        post = await fake.wait_for_call("chat.postMessage", within=WITHIN)
        assert "Michael Carbin" in post.args["text"]

        bot.process.send_signal(signal.SIGTERM)
        assert await bot.finish() == 0
    finally:
        await bot.kill()
    await fake.wait_until(lambda: fake.socket_count == 0, what="the socket to close")
    log = "\n".join(bot.err)
    assert "Stopping on signal" in log
    assert "Unclosed" not in log and "Traceback" not in log
