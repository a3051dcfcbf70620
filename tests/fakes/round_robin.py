"""A round-robin HTTP proxy on loopback: what a load balancer in front of several bot
instances does to Slack's requests, and nothing more.

Each request goes to the next upstream in turn, with its method, path, query, headers
(hop-by-hop ones aside) and body unchanged, so Slack's signature still verifies; the
upstream's status, headers and body come back as they are. Which upstream served each
request is recorded (``served``), so a test can send a retry to the instance that did
not see the original.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from types import TracebackType

import aiohttp
from aiohttp import web

# RFC 9110 7.6.1: a proxy does not forward these; Host names the proxy, not the upstream.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
                        "te", "trailer", "transfer-encoding", "upgrade", "host",
                        "content-length"})


@dataclass
class Served:
    """One request the proxy forwarded: to which upstream (its index), what, and how it
    went."""

    upstream: int
    path: str
    body: bytes
    status: int


@dataclass
class RoundRobinProxy:
    upstreams: list[str]  # base URLs, e.g. http://127.0.0.1:41234
    served: list[Served] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        self._turn = itertools.cycle(range(len(self.upstreams)))
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RoundRobinProxy:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._client = aiohttp.ClientSession(auto_decompress=False)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"
        return self

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None,
                        trace: TracebackType | None) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._client is not None:
            await self._client.close()

    def served_by(self, upstream: int) -> list[Served]:
        return [s for s in self.served if s.upstream == upstream]

    async def _forward(self, request: web.Request) -> web.StreamResponse:
        assert self._client is not None
        upstream = next(self._turn)
        body = await request.read()
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        target = self.upstreams[upstream] + request.rel_url.path_qs
        try:
            async with self._client.request(request.method, target, headers=headers,
                                            data=body, allow_redirects=False) as answer:
                content = await answer.read()
                status = answer.status
                back = {k: v for k, v in answer.headers.items()
                        if k.lower() not in HOP_BY_HOP}
        except aiohttp.ClientError:
            self.served.append(Served(upstream, request.path, body, 502))
            return web.Response(status=502, text="upstream unreachable")
        self.served.append(Served(upstream, request.path, body, status))
        return web.Response(status=status, body=content, headers=back)
