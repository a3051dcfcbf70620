"""``workshop-bot run`` with DISCORD_TOKEN: the real command, as a subprocess, against the
fake Discord this test serves; and the entry point's choices before anything connects."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.discord import create
from bot.app import open_core
from bot.settings import SettingsError
from tests.conftest import ROOT, make_settings
from tests.discord.conftest import TOKEN
from tests.discord.test_messages import answer_to
from tests.fakes.discord_server import FakeDiscord
from tests.support import ManualClock

CLEARED = ("DATABASE_URL", "BOT_PROGRAM", "BOT_TIMEZONE", "BOT_NOW", "BOT_SPEED", "BOT_CONSOLE",
           "LOG_LEVEL", "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET")


def environment(**settings: str) -> dict[str, str]:
    """The web pages off unless ``settings`` turn them on (they need BOT_WEB_SECRET)."""
    clean = {k: v for k, v in os.environ.items()
             if k not in CLEARED and not k.startswith(("DISCORD_", "BOT_WEB"))}
    return {**clean, "BOT_WEB": "false", **settings}


async def test_run_with_a_token_serves_discord_until_terminated(
        fake: FakeDiscord, tmp_path: Path) -> None:
    env = environment(DISCORD_TOKEN=TOKEN, DISCORD_API_URL=fake.api_url,
                      DISCORD_GATEWAY_URL=fake.gateway_url,
                      BOT_NOW="2021-12-13T10:15:00-08:00", BOT_SPEED="0", LOG_LEVEL="INFO")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        await fake.wait_for_request("PUT", rf"/applications/{fake.app_id}/commands", within=30)
        await fake.wait_for_session(within=10)
        question = await fake.send_dm("when is kraska")
        reply = await answer_to(fake, question, within=10)
        process.send_signal(signal.SIGTERM)
        status = await asyncio.wait_for(process.wait(), 15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    out, err = await process.communicate()
    log = err.decode()
    assert status == 0, log
    assert reply.json["content"] == "Tim Kraska:"
    assert "discord adapter starting" in log
    assert "Discord: 16 slash commands synced to every server (global)" in log
    assert "scope=bot+applications.commands&permissions=309237763136\n" in log  # the invite
    assert "Stopping on signal" in log
    assert TOKEN not in log
    assert out.decode() == ""  # the console did not start beside Discord


def test_a_token_with_spaces_is_a_one_line_settings_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"], cwd=tmp_path, capture_output=True, text=True,
        env=environment(DISCORD_TOKEN="Bot abc.def.ghi"), stdin=subprocess.DEVNULL,
        timeout=60, check=False)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith(
        "workshop-bot: DISCORD_TOKEN: must be the bot token alone")


def test_the_entry_point_does_not_import_discord_py() -> None:
    probe = "import sys, adapters.discord; print('discord' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"


async def test_no_token_no_discord_adapter(sqlite_url: str, clock: ManualClock) -> None:
    async with open_core(make_settings(sqlite_url), clock) as core:
        assert create(core.core) is None
    async with open_core(make_settings(sqlite_url, discord_token="a b"), clock) as core:
        with pytest.raises(SettingsError, match="DISCORD_TOKEN"):
            create(core.core)
