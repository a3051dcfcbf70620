"""A TCP proxy between the bot and PostgreSQL that the tests can break on purpose.

``pass``: bytes flow both ways. ``refuse``: the port stops listening (a new connection
gets "connection refused", as when the server is down) and every open connection is
cut. ``stall``: connections are accepted and kept, but nothing flows in either
direction (a server that hangs). Back to ``pass``, the port listens again and stalled
connections carry on where they stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Literal

Mode = Literal["pass", "refuse", "stall"]
CHUNK = 65536


class PgProxy:
    def __init__(self, target_host: str = "127.0.0.1", target_port: int = 5432) -> None:
        self.target = (target_host, target_port)
        self.mode: Mode = "pass"
        self.port = 0
        self.connections = 0  # accepted so far (the tests check the bot came back)
        self._server: asyncio.Server | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> PgProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port,
                                                  reuse_address=True)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def url(self, base: str) -> str:
        """``base`` (a postgresql:// URL on the real server) pointed at the proxy."""
        from sqlalchemy.engine import make_url

        return make_url(base).set(host="127.0.0.1", port=self.port).render_as_string(
            hide_password=False)

    async def set_mode(self, mode: Mode) -> None:
        self.mode = mode
        if mode == "refuse":
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()
                self._server = None
            for writer in list(self._writers):
                writer.transport.abort()
            self._writers.clear()
            self._flowing.set()
        elif mode == "stall":
            self._flowing.clear()
        else:
            self._flowing.set()
            if self._server is None:
                await self.start()

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in list(self._writers):
            writer.transport.abort()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
                      ) -> None:
        self.connections += 1
        self._writers.add(writer)
        try:
            await self._flowing.wait()  # a stalled server accepts and says nothing
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except (OSError, asyncio.CancelledError):
            writer.transport.abort()
            self._writers.discard(writer)
            return
        self._writers.add(up_writer)
        pumps = [asyncio.create_task(self._pump(reader, up_writer)),
                 asyncio.create_task(self._pump(up_reader, writer))]
        self._tasks.update(pumps)
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
                self._tasks.discard(pump)
            for end in (writer, up_writer):
                end.transport.abort()
                self._writers.discard(end)

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await source.read(CHUNK):
                await self._flowing.wait()
                sink.write(data)
                await sink.drain()
