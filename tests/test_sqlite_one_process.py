"""More than one process needs PostgreSQL: a second bot serving from the same SQLite
file says so in one line (and serves anyway), the first never does, and a bot that
stopped (however it stopped) leaves no lock behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.test_cli import SETTINGS, bot

WARNING = "Another workshop-bot process is serving from sqlite+aiosqlite:///data/workshop-bot.db"
STARTED = "console adapter starting"


def first_bot(tmp_path: Path, name: str = "first") -> tuple[subprocess.Popen[str], Path]:
    """A console bot that keeps serving (its input stays open) until it is stopped."""
    log = tmp_path / f"{name}.log"
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    process = subprocess.Popen([sys.executable, "-m", "bot", "run"], cwd=tmp_path, env=clean,
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=log.open("w"), text=True)
    deadline = time.monotonic() + 60
    while STARTED not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.05)
    return process, log


def test_a_second_bot_on_one_sqlite_file_warns_in_one_line(tmp_path: Path) -> None:
    first, log = first_bot(tmp_path)
    try:
        second = bot("run", cwd=tmp_path, stdin="help\n")
        assert second.returncode == 0, second.stderr
        assert "I answer questions about" in second.stdout  # it serves anyway
        [line] = [x for x in second.stderr.splitlines() if WARNING in x]
        assert line.endswith('more than one process needs PostgreSQL (README "Scaling out")')
    finally:
        assert first.stdin is not None
        first.stdin.close()
        assert first.wait(30) == 0
    assert WARNING not in log.read_text()
    alone = bot("run", cwd=tmp_path, stdin="help\n")
    assert alone.returncode == 0 and WARNING not in alone.stderr, alone.stderr


def test_a_killed_bot_leaves_no_lock_behind(tmp_path: Path) -> None:
    first, _ = first_bot(tmp_path)
    first.send_signal(signal.SIGKILL)
    first.wait(30)
    after = bot("run", cwd=tmp_path, stdin="help\n")
    assert after.returncode == 0, after.stderr
    assert WARNING not in after.stderr


def test_the_third_bot_still_sees_the_second_after_the_first_stopped(tmp_path: Path) -> None:
    first, _ = first_bot(tmp_path)
    second, second_log = first_bot(tmp_path, "second")
    try:
        assert WARNING in second_log.read_text()
        assert first.stdin is not None
        first.stdin.close()
        assert first.wait(30) == 0
        third = bot("run", cwd=tmp_path, stdin="help\n")
        assert third.returncode == 0, third.stderr
        assert WARNING in third.stderr  # the second one still serves
    finally:
        assert second.stdin is not None
        second.stdin.close()
        assert second.wait(30) == 0
