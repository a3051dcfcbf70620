"""Every database call is bounded (BOT_DB_TIMEOUT): a server that accepts connections and
never answers, a query the server sits on, a pool whose connections are all taken, and
a SQLite file another process keeps locked each cost the caller one timeout-family
error (what it already turns into the apology), not a wait as long as the stall.

The safety net around each call is generous and only there so a regression fails
instead of hanging; no test measures how long anything took."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.settings import SettingsError, load_settings
from bot.store.database import Database
from bot.store.outage import is_database_down

SAFETY_NET = 60  # seconds; the timeouts below are a fraction of a second
TIMEOUT = 0.3


class SilentServer:
    """A TCP listener that accepts every connection and never sends a byte: a database
    server that hangs (overloaded, or half-dead behind a load balancer)."""

    def __init__(self) -> None:
        self.accepted = 0
        self._held: list[asyncio.StreamWriter] = []
        self._server: asyncio.Server | None = None
        self.port = 0

    async def __aenter__(self) -> SilentServer:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for writer in self._held:
            writer.transport.abort()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    @property
    def url(self) -> str:
        return f"postgresql://bot@127.0.0.1:{self.port}/workshop"

    async def _accept(self, _reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                      ) -> None:
        self.accepted += 1
        self._held.append(writer)  # kept open, and never answered


@pytest.fixture
async def silent() -> AsyncIterator[SilentServer]:
    async with SilentServer() as server:
        yield server


async def test_a_server_that_never_answers_times_out_queries(silent: SilentServer) -> None:
    db = Database(silent.url, timeout=TIMEOUT)
    try:
        async with asyncio.timeout(SAFETY_NET):
            with pytest.raises(TimeoutError) as raised:
                async with db.session() as session:
                    await session.exec(text("SELECT 1"))  # type: ignore[call-overload]
        assert is_database_down(raised.value)
        assert silent.accepted >= 1  # it got as far as the stalled server
    finally:
        await db.dispose()


async def test_migrating_on_a_server_that_never_answers_times_out(
    silent: SilentServer,
) -> None:
    db = Database(silent.url, timeout=TIMEOUT)
    try:
        async with asyncio.timeout(SAFETY_NET):
            with pytest.raises(TimeoutError):
                await db.migrate()
        assert silent.accepted >= 1
    finally:
        await db.dispose()


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs PostgreSQL")
async def test_a_query_the_server_sits_on_times_out(postgres_url: str) -> None:
    """Connected, and then nothing comes back in time: the statement is given up."""
    db = Database(postgres_url, timeout=TIMEOUT)
    try:
        async with db.engine.connect() as conn:
            assert (await conn.execute(text("SELECT 1"))).scalar() == 1
        async with asyncio.timeout(SAFETY_NET):
            with pytest.raises(TimeoutError) as raised:
                async with db.engine.connect() as conn:
                    await conn.execute(text("SELECT pg_sleep(30)"))
        assert is_database_down(raised.value)
        async with db.engine.connect() as conn:  # and the next query works again
            assert (await conn.execute(text("SELECT 2"))).scalar() == 2
    finally:
        await db.dispose()


async def test_waiting_for_a_pooled_connection_times_out(database_url: str) -> None:
    """Every connection is held (stuck in stalled queries, say): the next caller gets a
    timeout instead of queueing behind them for as long as they last."""
    db = Database(database_url, timeout=TIMEOUT)
    await db.migrate()
    held: list[AsyncConnection] = []
    try:
        async with asyncio.timeout(SAFETY_NET):
            with pytest.raises(PoolTimeout) as raised:
                for _ in range(100):  # far more than any pool holds
                    held.append(await db.engine.connect())
        assert 1 < len(held) < 100
        assert is_database_down(raised.value)
    finally:
        for conn in held:
            await conn.close()
        await db.dispose()


async def test_a_sqlite_file_locked_by_another_process_times_out_writes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bot.db"
    db = Database(f"sqlite:///{path}", timeout=TIMEOUT)
    await db.migrate()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
    try:
        async with asyncio.timeout(SAFETY_NET):
            with pytest.raises(OperationalError, match="database is locked") as raised:
                async with db.writing() as conn:
                    await conn.execute(text("INSERT INTO directchannel VALUES "
                                            "('slack', 'U1', 'D1')"))
        assert is_database_down(raised.value)
    finally:
        other.execute("ROLLBACK")
        other.close()
        await db.dispose()


def test_the_timeout_is_a_setting(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.delenv("BOT_DB_TIMEOUT", raising=False)
    assert load_settings().bot_db_timeout == 5
    monkeypatch.setenv("BOT_DB_TIMEOUT", "0.5")
    assert load_settings().bot_db_timeout == 0.5
    monkeypatch.setenv("BOT_DB_TIMEOUT", "0")
    with pytest.raises(SettingsError, match=r"^BOT_DB_TIMEOUT: "):
        load_settings()


# -- the command line on a stalled server ------------------------------------------------

CLEAN = {k: v for k, v in os.environ.items()
         if not k.startswith(("BOT_", "DATABASE_", "DISCORD_", "SLACK_", "LOG_"))}


async def _workshop_bot(silent: SilentServer, cwd: Path, *args: str) -> tuple[int, str, str]:
    """Run the command as a subprocess while this loop keeps the silent server going."""
    env = {**CLEAN, "DATABASE_URL": silent.url, "BOT_DB_TIMEOUT": str(TIMEOUT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(SAFETY_NET):
        out, err = await process.communicate()
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def test_ask_on_a_server_that_never_answers_is_one_line(
    silent: SilentServer, tmp_path: Path,
) -> None:
    status, out, err = await _workshop_bot(silent, tmp_path, "ask", "what's on now?")
    assert status == 1, err
    assert out == ""
    assert err.startswith("workshop-bot: cannot use the database postgresql+asyncpg://")
    assert len(err.strip().splitlines()) == 1
    assert silent.accepted >= 1


async def test_migrate_on_a_server_that_never_answers_is_one_line_and_exit_2(
    silent: SilentServer, tmp_path: Path,
) -> None:
    status, out, err = await _workshop_bot(silent, tmp_path, "migrate")
    assert status == 2, err
    assert out == ""
    assert err == (f"workshop-bot: cannot use the database "
                   f"postgresql+asyncpg://bot@127.0.0.1:{silent.port}/workshop: no answer "
                   f"within {TIMEOUT:g} s (BOT_DB_TIMEOUT)\n")
