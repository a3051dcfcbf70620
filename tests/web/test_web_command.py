"""`workshop-bot web` and BOT_WEB_SECRET as an organizer meets them: a missing or short
secret is one line and exit 2 (for `run` beside a platform too, where the pages are on
by default), and `web` alone serves the pages, health and metrics until SIGTERM."""

from __future__ import annotations

import asyncio
import re
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from tests.slack.test_cli import environment

SECRET = "w" * 40
LISTENING = re.compile(r"HTTP server listening on (http://\S+)")


@pytest.mark.parametrize(("command", "settings", "error"), [
    (["web"], {}, "BOT_WEB_SECRET: required when the web pages are served"),
    (["web"], {"BOT_WEB_SECRET": "short"}, "BOT_WEB_SECRET: 5 characters is too short"),
    (["run"], {"BOT_WEB": "", "DISCORD_TOKEN": "abc.def.ghi"},
     "BOT_WEB_SECRET: required when the web pages are served (BOT_WEB, on by default "
     "beside a platform)"),
])
def test_a_missing_or_short_secret_is_one_line_and_exit_2(
        tmp_path: Path, command: list[str], settings: dict[str, str], error: str) -> None:
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path}/bot.db", **settings)
    if settings.get("BOT_WEB") == "":
        del env["BOT_WEB"]  # the default: on beside a platform
    done = subprocess.run([sys.executable, "-m", "bot", *command], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and error in lines[0], done.stderr
    assert "Traceback" not in done.stderr


async def test_web_alone_serves_the_pages_until_sigterm(tmp_path: Path) -> None:
    env = environment(DATABASE_URL=f"sqlite:///{tmp_path}/bot.db", BOT_WEB_SECRET=SECRET,
                      BOT_HTTP_HOST="127.0.0.1", BOT_HTTP_PORT="0", LOG_LEVEL="INFO")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", cwd=tmp_path, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    seen: list[str] = []
    try:
        async with asyncio.timeout(30):
            while (found := LISTENING.search("".join(seen))) is None:
                line = (await process.stdout.readline()).decode()
                assert line, "".join(seen)
                seen.append(line)
        base = found[1]
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{base}/healthz") as response:
                assert response.status == 200
                assert (await response.json())["database"] == "ok"
            async with session.get(f"{base}/mod") as response:
                assert response.status == 401  # no session: the page says how to log in
                assert "qa dashboard" in await response.text()
            async with session.get(f"{base}/ics/program.ics") as response:
                assert response.status == 200
                assert "BEGIN:VCALENDAR" in await response.text()
    finally:
        process.send_signal(signal.SIGTERM)
        rest = await asyncio.wait_for(process.stdout.read(), 30)
        code = await process.wait()
    log = "".join(seen) + rest.decode()
    assert code == 0, log
    assert "Stopping on signal" in log and SECRET not in log and "Traceback" not in log
