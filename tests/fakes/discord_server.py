"""A loopback fake of Discord (REST API v10 and the gateway websocket) for end-to-end tests.

The REAL discord.py client talks to it over 127.0.0.1; nothing reaches discord.com. The
tests point ``DISCORD_API_URL`` at :attr:`FakeDiscord.api_url` and
``DISCORD_GATEWAY_URL`` at :attr:`FakeDiscord.gateway_url`, send events the way Discord
would (:meth:`FakeDiscord.send_guild_message`, :meth:`~FakeDiscord.send_slash_command`,
...) and assert on the requests the bot made (:meth:`FakeDiscord.wait_for_request`).

What it does like Discord, because discord.py or our bot depends on it:

- REST: login (``/users/@me``, ``/oauth2/applications/@me``), command sync, messages
  (create with ``nonce``/``enforce_nonce`` de-duplication, edit (only the bot's own),
  delete, fetch (only from the channel they are in), replies, multipart attachments, also
  on interaction answers and follow-ups), DM channels, channels and threads (fetch,
  delete: 404 Unknown Channel afterwards), forum posts and threads on a message,
  reactions and reaction users, interaction callbacks, follow-ups and ``@original``
  edits. Responses carry ``Content-Type: application/json`` exactly (discord.py compares
  it literally).
- Members: roles (:meth:`FakeDiscord.add_role`, :meth:`~FakeDiscord.give_role`) in every
  member object, and the permissions Discord resolves from them in interactions
  (@everyone has no Manage Messages, as by default).
- Gateway: HELLO, heartbeats, IDENTIFY -> READY + GUILD_CREATE, RESUME with replay of
  the events the client missed, RECONNECT (op 7), INVALID_SESSION (op 9), and the
  message-content rule: without the privileged intent, guild messages that do not
  mention the bot arrive with empty content.
- Shards: IDENTIFY's ``shard`` array ``[id, count]`` (none: shard 0 of 1, which sees
  everything). Each session gets a READY and GUILD_CREATEs for the guilds of its shard
  only, each guild's events go to the session whose shard is ``(guild_id >> 22) %
  count``, DMs (events without a guild) to shard 0, and a shard outside its count is
  closed with 4010. ``GET /gateway/bot`` recommends ``shards``; ``guild_shards`` puts
  each guild on a chosen shard of that count. What went where is in
  :attr:`FakeDiscord.deliveries`.
- Processes: the REST API is also served under ``/via/<name>/api/v10``
  (:meth:`FakeDiscord.api_url_for`), so each bot process can be given its own base and
  every recorded request says which process sent it (:attr:`RecordedRequest.via`).
- Faults: any status on the next matching requests (:meth:`FakeDiscord.inject`) and
  429s shaped like Discord's (:meth:`FakeDiscord.rate_limit_next`).

Exceptions inside the fake's own handlers are kept in :attr:`FakeDiscord.errors` (and
answered with a 400 that discord.py does not retry), so a bug in the fake fails a test
instead of hanging it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import itertools
import math
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from aiohttp import WSMsgType, web

from tests.fakes import discord_payloads as p
from tests.fakes import wire
from tests.fakes.discord_payloads import Json


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None
                  ) -> web.Response:
    """A JSON response discord.py accepts: ``web.json_response`` appends "; charset=utf-8"
    to the Content-Type, and discord.py then treats the body as text."""
    return web.Response(status=status, body=wire.dumps_bytes(data),
                        content_type="application/json", headers=headers)


def error_response(status: int, code: int, message: str) -> web.Response:
    return json_response({"message": message, "code": code}, status=status)


@dataclass
class RecordedRequest:
    """One REST request the fake received, and what it answered."""

    method: str
    path: str  # decoded and relative to /api/v10, e.g. "/channels/1/messages"
    raw_path: str  # as sent on the wire (percent-encoded), relative to /api/v10
    query: dict[str, str]
    json: Any
    headers: dict[str, str]
    files: list[Json] = field(default_factory=list)
    via: str | None = None  # the <name> of /via/<name>/api/v10 it came through
    status: int | None = None  # set once answered
    response: Any = None
    at: float = field(default_factory=time.monotonic)

    def __repr__(self) -> str:  # short, for assertion messages
        query = f"?{self.query}" if self.query else ""
        return f"<{self.method} {self.path}{query} -> {self.status}>"


@dataclass
class GatewayFrame:
    """One payload a client sent on the gateway."""

    conn_id: int
    op: int
    d: Any
    at: float = field(default_factory=time.monotonic)


@dataclass
class Delivery:
    """One event dispatched to a session: which shard ``(id, count)`` it went to."""

    event: str
    data: Json
    shard: tuple[int, int]
    seq: int


@dataclass
class _Injection:
    method: str
    pattern: re.Pattern[str]
    remaining: int
    status: int
    body: Any
    headers: dict[str, str]


class Session:
    """A gateway session: survives reconnects and replays what the client missed."""

    def __init__(self, session_id: str, intents: int, identify: Json,
                 shard: tuple[int, int] = (0, 1)) -> None:
        self.session_id = session_id
        self.intents = intents
        self.identify = identify
        self.shard = shard  # (shard id, shard count) from IDENTIFY
        self.seq = 0
        self.sent: list[tuple[int, Json]] = []  # (seq, payload), replayed on RESUME
        self.conn: _Conn | None = None
        self.invalid = False

    def next_seq(self) -> int:
        self.seq += 1
        return self.seq


class _Conn:
    def __init__(self, conn_id: int, ws: web.WebSocketResponse, query: dict[str, str]) -> None:
        self.id = conn_id
        self.ws = ws
        self.query = query
        self.session: Session | None = None
        self.lock = asyncio.Lock()
        self.closed = False

    async def send(self, payload: Json) -> None:
        async with self.lock:
            if not self.ws.closed:
                await self.ws.send_str(wire.dumps(payload))


Handler = Callable[[web.Request, RecordedRequest, "re.Match[str]"], Awaitable[web.Response]]
Listener = Callable[[RecordedRequest], None]


class FakeDiscord:
    """Fake Discord REST and gateway on 127.0.0.1, on a free port.

    The world: a bot user (whose application id equals its user id, as for real bots),
    an owner, a human ``user`` ("alice"), and ``guild_count`` guilds, each with a text
    channel "general" and a forum "ideas". ``token`` set makes wrong tokens fail the way
    Discord fails them (401 on REST, close code 4004 on the gateway). ``shards`` is what
    ``GET /gateway/bot`` recommends; ``guild_shards`` (instead of ``guild_count``) makes
    one guild per entry, on that shard of ``shards``.
    """

    EVENT_INTENTS: ClassVar[dict[tuple[str, bool], int]] = {
        ("MESSAGE_CREATE", True): p.INTENT_GUILD_MESSAGES,
        ("MESSAGE_CREATE", False): p.INTENT_DIRECT_MESSAGES,
        ("MESSAGE_UPDATE", True): p.INTENT_GUILD_MESSAGES,
        ("MESSAGE_UPDATE", False): p.INTENT_DIRECT_MESSAGES,
        ("MESSAGE_DELETE", True): p.INTENT_GUILD_MESSAGES,
        ("MESSAGE_DELETE", False): p.INTENT_DIRECT_MESSAGES,
        ("MESSAGE_REACTION_ADD", True): p.INTENT_GUILD_MESSAGE_REACTIONS,
        ("MESSAGE_REACTION_ADD", False): p.INTENT_DIRECT_MESSAGE_REACTIONS,
        ("MESSAGE_REACTION_REMOVE", True): p.INTENT_GUILD_MESSAGE_REACTIONS,
        ("MESSAGE_REACTION_REMOVE", False): p.INTENT_DIRECT_MESSAGE_REACTIONS,
        ("THREAD_CREATE", True): p.INTENT_GUILDS,
    }

    def __init__(
        self,
        *,
        token: str | None = None,
        heartbeat_interval_ms: int = 41250,
        guild_count: int = 1,
        echo_own_messages: bool = True,
        enforce_intents: bool = True,
        interaction_response_deadline: float | None = 3.0,
        ratelimit_headers: bool = False,
        requests_per_second: float | None = None,
        message_content_allowed: bool = True,
        shards: int = 1,
        guild_shards: Sequence[int] | None = None,
    ) -> None:
        if shards < 1:
            raise ValueError("Discord recommends at least one shard")
        if guild_shards is not None and not all(0 <= s < shards for s in guild_shards):
            raise ValueError(f"guild_shards {guild_shards!r} must each be below {shards}")
        if (len(guild_shards) if guild_shards is not None else guild_count) < 1:
            raise ValueError("the fake needs at least one guild")
        self.shards = shards  # GET /gateway/bot's recommendation
        self.token = token
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.echo_own_messages = echo_own_messages  # Discord echoes the bot's own posts
        self.enforce_intents = enforce_intents
        # The Developer Portal's Message Content switch: off, an IDENTIFY that asks for the
        # intent is closed with 4014 "Disallowed intent(s)".
        self.message_content_allowed = message_content_allowed
        self.interaction_response_deadline = interaction_response_deadline
        self.ratelimit_headers = ratelimit_headers
        # Discord's global limit for a bot (about 50 requests a second): enforced over a
        # sliding second when set; every request over it gets a real-looking 429.
        self.requests_per_second = requests_per_second
        self.rate_limited = 0  # how many requests the enforced limit refused
        self._recent: collections.deque[float] = collections.deque()
        self.ids = p.Snowflakes()
        self._conn_ids = itertools.count(1)

        self.users: dict[int, Json] = {}
        self.bot_user = self.make_user("workshop-bot", bot=True)
        self.app_id = int(self.bot_user["id"])
        self.owner_user = self.make_user("owner")
        self.user = self.make_user("alice")  # the default human author
        self.guilds: dict[int, Json] = {}
        self.channels: dict[int, Json] = {}  # guild channels, threads and DMs, by id
        self.dm_channels: dict[int, Json] = {}  # by recipient user id
        self.member_roles: dict[tuple[int, int], list[str]] = {}  # (guild, user) -> role ids
        placed: list[int | None] = (list(guild_shards) if guild_shards is not None
                                    else [None] * guild_count)
        for number, shard in enumerate(placed, start=1):
            self._make_guild(f"Workshop {number}", shard=shard)
        first = next(iter(self.guilds.values()))
        self.guild_id = int(first["id"])
        self.channel_id = int(first["channels"][0]["id"])  # text channel "general"
        self.forum_id = int(first["channels"][1]["id"])  # forum channel "ideas"

        self.requests: list[RecordedRequest] = []
        self.listeners: list[Listener] = []  # called with every answered request
        self.gateway_frames: list[GatewayFrame] = []  # everything clients sent
        self.gateway_queries: list[dict[str, str]] = []  # query string of each connection
        self.dropped_events: list[tuple[str, Json]] = []  # filtered out by intents
        self.deliveries: list[Delivery] = []  # every dispatched event, with its shard
        self.errors: list[BaseException] = []  # exceptions inside the fake's handlers
        self.messages: dict[int, Json] = {}
        self.reactions: dict[tuple[int, str], list[int]] = {}  # (message, emoji) -> user ids
        self.commands: dict[int | None, list[Json]] = {}  # by guild id; None is global
        self.interactions: dict[int, Json] = {}
        self.interaction_originals: dict[str, Json] = {}  # token -> @original message
        self._nonces: dict[tuple[int, str], int] = {}  # (channel, nonce) -> message id
        self._injections: list[_Injection] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._sessions: dict[str, Session] = {}
        self._conns: dict[int, _Conn] = {}
        self._changed: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._install_routes()

    # ---------------------------------------------------------------- lifecycle

    async def start(self) -> None:
        self._changed = asyncio.Condition()
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway_handler)
        app.router.add_route("*", p.API_PREFIX + "/{tail:.*}", self._rest_handler)
        app.router.add_route("*", "/via/{via}" + p.API_PREFIX + "/{tail:.*}",
                             self._rest_handler)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        for conn in list(self._conns.values()):
            if not conn.ws.closed:
                await conn.ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    @property
    def api_url(self) -> str:
        """For DISCORD_API_URL (discord.http.Route.BASE)."""
        return f"{self.base_url}{p.API_PREFIX}"

    def api_url_for(self, via: str) -> str:
        """A DISCORD_API_URL of its own for one bot process: its requests are recorded
        with ``via`` set to ``via``."""
        return f"{self.base_url}/via/{via}{p.API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """For DISCORD_GATEWAY_URL; discord.py appends ?v=10&encoding=json&compress=..."""
        return f"ws://127.0.0.1:{self._port}/gateway"

    # ---------------------------------------------------------------- the world

    def make_user(self, name: str, *, bot: bool = False) -> Json:
        data = p.user(self.ids.next(), name, bot=bot)
        self.users[int(data["id"])] = data
        return data

    def _make_guild(self, name: str, *, shard: int | None = None) -> Json:
        guild_id = self.ids.next(shard=shard, shard_count=self.shards)
        channels = [
            p.text_channel(self.ids.next(), guild_id, "general"),
            p.forum_channel(self.ids.next(), guild_id, "ideas", self.ids.next(), position=1),
        ]
        data = p.guild(guild_id, name, owner=self.owner_user, me=self.bot_user,
                       channels=channels)
        self.guilds[guild_id] = data
        for channel in channels:
            self.channels[int(channel["id"])] = channel
        return data

    def add_guild(self, name: str, *, shard: int | None = None) -> int:
        """Another guild (on ``shard`` of :attr:`shards`, when given), known to clients that
        connect afterwards; its id."""
        return int(self._make_guild(name, shard=shard)["id"])

    def add_text_channel(self, name: str, guild_id: int | None = None) -> int:
        """Another text channel in a guild (known to clients that connect afterwards)."""
        guild_id = guild_id or self.guild_id
        channel = p.text_channel(self.ids.next(), guild_id, name,
                                 position=len(self.guilds[guild_id]["channels"]))
        self.guilds[guild_id]["channels"].append(channel)
        self.channels[int(channel["id"])] = channel
        return int(channel["id"])

    async def open_thread(self, name: str, *, parent_id: int | None = None,
                          owner: Json | None = None) -> int:
        """A public thread someone started in a text channel (THREAD_CREATE is sent)."""
        parent_id = parent_id or self.channel_id
        created = self._new_thread(parent_id, self.ids.next(), {"name": name},
                                   p.PUBLIC_THREAD)
        created["owner_id"] = (owner or self.user)["id"]
        await self.dispatch("THREAD_CREATE", dict(created, newly_created=True))
        return int(created["id"])

    async def add_role(self, name: str, *, permissions: int = 0,
                       guild_id: int | None = None) -> Json:
        """A new role in a guild; connected clients get GUILD_ROLE_CREATE, later ones find
        it in GUILD_CREATE."""
        guild_id = guild_id or self.guild_id
        roles = self.guilds[guild_id]["roles"]
        created = p.role(self.ids.next(), name, permissions, position=len(roles))
        roles.append(created)
        await self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild_id), "role": created})
        return created

    def give_role(self, user: Json, role: Json, guild_id: int | None = None) -> None:
        """``user`` has ``role`` from now on (in the member objects of later events)."""
        held = self.member_roles.setdefault((guild_id or self.guild_id, int(user["id"])), [])
        if role["id"] not in held:
            held.append(role["id"])

    def roles_of(self, user: Json, guild_id: int | None) -> list[str]:
        if guild_id is None:
            return []
        return list(self.member_roles.get((guild_id, int(user["id"])), []))

    def permissions_of(self, user: Json, channel_id: int) -> int:
        """A member's resolved permissions in a channel, as interactions carry them: the
        owner and administrators have all; anyone else has @everyone's and their roles'.
        (The fake's channels and threads have no permission overwrites.)"""
        guild_id = self.guild_of_channel(channel_id)
        if guild_id is None:
            return 0
        guild = self.guilds[guild_id]
        if guild["owner_id"] == user["id"]:
            return int(p.ALL_PERMISSIONS)
        held = set(self.roles_of(user, guild_id)) | {str(guild_id)}  # @everyone's id
        value = 0
        for role in guild["roles"]:
            if role["id"] in held:
                value |= int(role["permissions"])
        return int(p.ALL_PERMISSIONS) if value & p.ADMINISTRATOR else value

    def member_of(self, user: Json | None, author: Json, guild_id: int | None) -> Json:
        """A member object for ``author`` (``user`` None leaves out the user, as inside
        MESSAGE_CREATE)."""
        return p.member(user, roles=self.roles_of(author, guild_id))

    async def delete_channel(self, channel_id: int) -> Json:
        """Someone deletes a channel or thread: it is gone (404 Unknown Channel from now
        on), a forum post takes its messages along, and clients get THREAD_DELETE or
        CHANNEL_DELETE. A thread's starter message in a text channel stays, as on
        Discord."""
        gone = self.channels.pop(channel_id)
        for message_id in [i for i, m in self.messages.items()
                           if int(m["channel_id"]) == channel_id]:
            del self.messages[message_id]
        if gone["type"] in (p.PUBLIC_THREAD, p.PRIVATE_THREAD):
            await self.dispatch("THREAD_DELETE", {"id": gone["id"], "guild_id": gone["guild_id"],
                                                  "parent_id": gone["parent_id"],
                                                  "type": gone["type"]})
        else:
            guild = self.guilds.get(int(gone.get("guild_id") or 0))
            if guild is not None:
                guild["channels"] = [c for c in guild["channels"] if c["id"] != gone["id"]]
            await self.dispatch("CHANNEL_DELETE", gone)
        return gone

    def threads_in(self, parent_id: int) -> list[Json]:
        """The threads (forum posts included) whose parent is ``parent_id``, oldest first."""
        return [c for c in self.channels.values()
                if c["type"] in (p.PUBLIC_THREAD, p.PRIVATE_THREAD)
                and c.get("parent_id") == str(parent_id)]

    def dm_channel_for(self, recipient: Json) -> Json:
        user_id = int(recipient["id"])
        channel = self.dm_channels.get(user_id)
        if channel is None:
            channel = p.dm_channel(self.ids.next(), recipient)
            self.dm_channels[user_id] = channel
            self.channels[int(channel["id"])] = channel
        return channel

    @staticmethod
    def shard_of(guild_id: int | str, shard_count: int) -> int:
        """The shard a guild's events go to, as Discord computes it."""
        return (int(guild_id) >> 22) % shard_count

    def guilds_on(self, shard: tuple[int, int]) -> list[Json]:
        """The guilds a session IDENTIFYed as ``shard`` (id, count) is sent."""
        shard_id, count = shard
        return [g for g in self.guilds.values() if self.shard_of(g["id"], count) == shard_id]

    def routes_to(self, shard: tuple[int, int], data: Json) -> bool:
        """Whether an event goes to a session of ``shard``: a guild's events to the shard
        its id falls on, everything without a guild (DMs) to shard 0."""
        shard_id, count = shard
        guild_id = data.get("guild_id")
        if guild_id is None:
            return shard_id == 0
        return self.shard_of(guild_id, count) == shard_id

    def delivered(self, event: str, data_id: int | str) -> list[tuple[int, int]]:
        """The shards each dispatch of ``event`` with this ``id`` went to."""
        return [d.shard for d in self.deliveries
                if d.event == event and str(d.data.get("id")) == str(data_id)]

    def guild_of_channel(self, channel_id: int) -> int | None:
        channel = self.channels.get(channel_id)
        if channel is None or "guild_id" not in channel:
            return None
        return int(channel["guild_id"])

    def message_payload(self, *, channel_id: int, author: Json, content: str = "",
                        **fields: Any) -> Json:
        return p.message(self.ids.next(), channel_id=channel_id, author=author, content=content,
                         **fields)

    def bot_messages(self, channel_id: int | None = None) -> list[Json]:
        """Messages the bot created (in one channel), oldest first."""
        return [m for m in self.messages.values() if m["author"]["id"] == self.bot_user["id"]
                and (channel_id is None or int(m["channel_id"]) == channel_id)]

    # ---------------------------------------------------------------- waiting

    async def _notify(self) -> None:
        assert self._changed is not None, "the fake is not started"
        async with self._changed:
            self._changed.notify_all()

    async def _wait(self, check: Callable[[], Any], within: float, what: str) -> Any:
        assert self._changed is not None, "the fake is not started"
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        async with self._changed:
            while True:
                result = check()
                if result:
                    return result
                remaining = deadline - loop.time()
                if remaining <= 0:
                    raise TimeoutError(f"timed out after {within} s waiting for {what}; "
                                       f"requests={self.requests!r}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), remaining)

    def mark(self) -> int:
        """An index to pass as ``since=``, so only later requests count."""
        return len(self.requests)

    def find_requests(self, method: str, path_regex: str, *, since: int = 0,
                      answered: bool = True) -> list[RecordedRequest]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests[since:]
                if r.method == method.upper() and pattern.fullmatch(r.path)
                and (not answered or r.status is not None)]

    async def wait_for_request(
        self,
        method: str,
        path_regex: str,
        within: float = 5.0,
        *,
        since: int = 0,
        predicate: Callable[[RecordedRequest], bool] | None = None,
        status: int | None = None,
    ) -> RecordedRequest:
        """The first answered request (at index >= since) whose path fullmatches."""

        def check() -> RecordedRequest | None:
            for request in self.find_requests(method, path_regex, since=since):
                if (status is None or request.status == status) and (
                        predicate is None or predicate(request)):
                    return request
            return None

        found: RecordedRequest = await self._wait(check, within, f"{method} {path_regex}")
        return found

    async def wait_for_requests(self, method: str, path_regex: str, count: int,
                                within: float = 5.0, *, since: int = 0
                                ) -> list[RecordedRequest]:
        def check() -> list[RecordedRequest] | None:
            found = self.find_requests(method, path_regex, since=since)
            return found if len(found) >= count else None

        result: list[RecordedRequest] = await self._wait(
            check, within, f"{count}x {method} {path_regex}")
        return result

    def frames(self, op: int) -> list[GatewayFrame]:
        return [f for f in self.gateway_frames if f.op == op]

    @property
    def identify_count(self) -> int:
        return len(self.frames(p.OP_IDENTIFY))

    @property
    def resume_count(self) -> int:
        return len(self.frames(p.OP_RESUME))

    @property
    def heartbeat_count(self) -> int:
        return len(self.frames(p.OP_HEARTBEAT))

    async def wait_for_gateway_op(self, op: int, count: int = 1, within: float = 5.0
                                  ) -> GatewayFrame:
        def check() -> GatewayFrame | None:
            frames = self.frames(op)
            return frames[count - 1] if len(frames) >= count else None

        frame: GatewayFrame = await self._wait(check, within, f"gateway op {op} x{count}")
        return frame

    async def wait_for_shard(self, shard: tuple[int, int], within: float = 5.0) -> Session:
        """A live session IDENTIFYed (or RESUMEd) as ``shard`` (id, count)."""

        def check() -> Session | None:
            return next((s for s in self._sessions.values()
                         if s.conn and not s.invalid and s.shard == shard), None)

        session: Session = await self._wait(check, within, f"a session on shard {shard}")
        return session

    async def wait_for_session(self, within: float = 5.0) -> Session:
        """A client that has IDENTIFYed or RESUMEd and is connected."""

        def check() -> Session | None:
            return next((s for s in self._sessions.values() if s.conn and not s.invalid), None)

        session: Session = await self._wait(check, within, "a live gateway session")
        return session

    @property
    def sessions(self) -> list[Session]:
        return list(self._sessions.values())

    # ---------------------------------------------------------------- fault injection

    def inject(self, method: str, path_regex: str, *, times: int = 1, status: int = 500,
               body: Any = None, headers: dict[str, str] | None = None) -> None:
        """Answer the next ``times`` matching requests with this status and body."""
        self._injections.append(_Injection(method.upper(), re.compile(path_regex), times,
                                           status, body, dict(headers or {})))

    def rate_limit_next(self, method: str, path_regex: str, *, times: int = 1,
                        retry_after: float = 0.1, is_global: bool = False,
                        scope: str = "user", via: bool = True) -> None:
        """The next ``times`` matching requests get a 429 as Discord sends it.

        discord.py retries a 429 only when it has a ``Via`` header (otherwise it takes
        it for a Cloudflare ban), sleeps the body's ``retry_after`` (not the whole-second
        Retry-After header), and gives up after five tries.
        """
        headers = {
            "Retry-After": str(max(1, math.ceil(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else scope,
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        if via:
            headers["Via"] = "1.1 google"
        body = {"message": "You are being rate limited.", "retry_after": retry_after,
                "global": is_global}
        self.inject(method, path_regex, times=times, status=429, body=body, headers=headers)

    def add_route(self, method: str, path_regex: str, handler: Handler) -> None:
        """Override or extend the REST API; checked before the built-in routes."""
        self._routes.insert(0, (method.upper(), re.compile(path_regex), handler))

    # ---------------------------------------------------------------- REST

    def _install_routes(self) -> None:
        routes: list[tuple[str, str, Handler]] = [
            ("GET", r"/users/@me", self._me),
            ("GET", r"/users/(\d+)", self._get_user),
            ("GET", r"/oauth2/applications/@me", self._app_info),
            ("GET", r"/applications/@me", self._app_info),
            ("GET", r"/gateway", self._gateway_info),
            ("GET", r"/gateway/bot", self._gateway_bot),
            ("PUT", r"/applications/(\d+)/commands", self._sync_commands),
            ("PUT", r"/applications/(\d+)/guilds/(\d+)/commands", self._sync_commands),
            ("GET", r"/applications/(\d+)/commands", self._get_commands),
            ("GET", r"/applications/(\d+)/guilds/(\d+)/commands", self._get_commands),
            ("POST", r"/users/@me/channels", self._create_dm),
            ("GET", r"/channels/(\d+)", self._get_channel),
            ("DELETE", r"/channels/(\d+)", self._delete_channel),
            ("POST", r"/channels/(\d+)/typing", self._no_content),
            ("POST", r"/channels/(\d+)/messages", self._create_message),
            ("GET", r"/channels/(\d+)/messages/(\d+)", self._get_message),
            ("PATCH", r"/channels/(\d+)/messages/(\d+)", self._edit_message),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)", self._delete_message),
            ("POST", r"/channels/(\d+)/threads", self._create_thread),
            ("POST", r"/channels/(\d+)/messages/(\d+)/threads", self._thread_from_message),
            ("PUT", r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)/@me",
             self._add_own_reaction),
            ("DELETE", r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)/(@me|\d+)",
             self._remove_reaction),
            ("GET", r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)", self._reaction_users),
            ("POST", r"/interactions/(\d+)/([^/]+)/callback", self._interaction_callback),
            ("POST", r"/webhooks/(\d+)/([^/]+)", self._webhook_execute),
            ("GET", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", self._webhook_get),
            ("PATCH", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", self._webhook_edit),
            ("DELETE", r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)",
             self._webhook_delete),
        ]
        self._routes = [(method, re.compile(regex), handler) for method, regex, handler in routes]

    async def _read_body(self, request: web.Request) -> tuple[Any, list[Json]]:
        """The JSON body; for multipart uploads, ``payload_json`` plus the files."""
        body: Any = None
        files: list[Json] = []
        if not request.can_read_body:
            return body, files
        if request.content_type == "multipart/form-data":
            reader = await request.multipart()
            async for part in reader:
                data = await part.read()  # type: ignore[union-attr]
                if part.name == "payload_json":
                    body = wire.loads(data)
                else:
                    files.append({"name": part.name, "filename": part.filename,  # type: ignore[union-attr]
                                  "data": bytes(data)})
            return body, files
        text = await request.text()
        if text:
            try:
                body = wire.loads(text)
            except ValueError:
                body = text
        return body, files

    async def _rest_handler(self, request: web.Request) -> web.StreamResponse:
        body, files = await self._read_body(request)
        via = request.match_info.get("via")
        prefix = len(p.API_PREFIX) + (len(f"/via/{via}") if via is not None else 0)
        record = RecordedRequest(
            method=request.method,
            path=request.path[prefix:] or "/",
            raw_path=request.raw_path.split("?", 1)[0][prefix:] or "/",
            query=dict(request.query),
            json=body,
            headers=dict(request.headers),
            files=files,
            via=via,
        )
        self.requests.append(record)
        try:
            response = await self._route(request, record)
        except Exception as exc:  # a bug in the fake must be seen, not hang a test
            self.errors.append(exc)
            response = error_response(400, 0, f"fake discord crashed: {exc!r}")
        record.status = response.status
        if record.response is None and response.body is not None:
            with contextlib.suppress(ValueError, TypeError):
                record.response = wire.loads(response.body)  # type: ignore[arg-type]
        if (self.ratelimit_headers and response.status < 300
                and "X-RateLimit-Limit" not in response.headers):
            # With X-RateLimit-Remaining, Reset-After (or Reset) is required: discord.py
            # raises KeyError without one.
            response.headers.update({
                "X-RateLimit-Limit": "50",
                "X-RateLimit-Remaining": "49",
                "X-RateLimit-Reset-After": "1.0",
                "X-RateLimit-Reset": f"{time.time() + 1:.3f}",
                "X-RateLimit-Bucket": "fake-" + re.sub(r"\d+", "N", record.path),
            })
        for listener in self.listeners:
            listener(record)
        await self._notify()
        return response

    def _over_global_limit(self) -> bool:
        if self.requests_per_second is None:
            return False
        now = time.monotonic()
        while self._recent and now - self._recent[0] >= 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.requests_per_second:
            self.rate_limited += 1
            return True
        self._recent.append(now)
        return False

    async def _route(self, request: web.Request, record: RecordedRequest) -> web.Response:
        if self._over_global_limit():
            retry = max(0.01, 1.0 - (time.monotonic() - self._recent[0]))
            return json_response(
                {"message": "You are being rate limited.", "retry_after": retry, "global": True},
                status=429, headers={"Via": "1.1 google", "Retry-After": str(math.ceil(retry)),
                                     "X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"})
        if (self.token is not None
                and not record.path.startswith(("/interactions/", "/webhooks/"))
                and request.headers.get("Authorization") != f"Bot {self.token}"):
            return error_response(401, 0, "401: Unauthorized")
        for injection in self._injections:
            if (injection.remaining > 0 and injection.method == record.method
                    and injection.pattern.fullmatch(record.path)):
                injection.remaining -= 1
                body = injection.body if injection.body is not None else {
                    "message": "injected", "code": 0}
                return json_response(body, status=injection.status, headers=injection.headers)
        for method, pattern, handler in self._routes:
            if method == record.method and (match := pattern.fullmatch(record.path)):
                return await handler(request, record, match)
        return error_response(404, 0, "404: Not Found")

    async def _no_content(self, _r: web.Request, _rec: RecordedRequest, _m: re.Match[str]
                          ) -> web.Response:
        return web.Response(status=204)

    async def _me(self, _r: web.Request, _rec: RecordedRequest, _m: re.Match[str]
                  ) -> web.Response:
        return json_response(dict(self.bot_user, verified=True, mfa_enabled=False,
                                  locale="en-US", email=None))

    async def _get_user(self, _r: web.Request, _rec: RecordedRequest, m: re.Match[str]
                        ) -> web.Response:
        found = self.users.get(int(m.group(1)))
        return json_response(found) if found else error_response(404, 10013, "Unknown User")

    async def _app_info(self, _r: web.Request, _rec: RecordedRequest, _m: re.Match[str]
                        ) -> web.Response:
        return json_response(p.app_info(self.app_id, self.bot_user, self.owner_user,
                                        len(self.guilds)))

    async def _gateway_info(self, _r: web.Request, _rec: RecordedRequest, _m: re.Match[str]
                            ) -> web.Response:
        return json_response({"url": self.gateway_url})

    async def _gateway_bot(self, _r: web.Request, _rec: RecordedRequest, _m: re.Match[str]
                           ) -> web.Response:
        return json_response({
            "url": self.gateway_url,
            "shards": self.shards,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0,
                                    "max_concurrency": 1},
        })

    async def _sync_commands(self, _r: web.Request, rec: RecordedRequest, m: re.Match[str]
                             ) -> web.Response:
        guild_id = int(m.group(2)) if m.lastindex and m.lastindex >= 2 else None
        previous = {c["name"]: c for c in self.commands.get(guild_id, [])}
        stored = []
        for command in rec.json or []:
            old = previous.get(command["name"])
            item: Json = {"type": 1, "default_member_permissions": None, "dm_permission": True,
                          "nsfw": False, "integration_types": [0], "contexts": None}
            item.update(command)
            item.update(id=old["id"] if old else str(self.ids.next()),
                        application_id=str(self.app_id), version=str(self.ids.next()))
            if guild_id is not None:
                item["guild_id"] = str(guild_id)
            stored.append(item)
        self.commands[guild_id] = stored
        return json_response(stored)

    async def _get_commands(self, _r: web.Request, _rec: RecordedRequest, m: re.Match[str]
                            ) -> web.Response:
        guild_id = int(m.group(2)) if m.lastindex and m.lastindex >= 2 else None
        return json_response(self.commands.get(guild_id, []))

    async def _create_dm(self, _r: web.Request, rec: RecordedRequest, _m: re.Match[str]
                         ) -> web.Response:
        # discord.py sends recipient_id as an int; Discord accepts strings too.
        recipient = self.users.get(int((rec.json or {}).get("recipient_id", 0)))
        if recipient is None:
            return error_response(400, 50007, "Cannot send messages to this user")
        return json_response(self.dm_channel_for(recipient))

    async def _get_channel(self, _r: web.Request, _rec: RecordedRequest, m: re.Match[str]
                           ) -> web.Response:
        channel = self.channels.get(int(m.group(1)))
        return json_response(channel) if channel else error_response(404, 10003,
                                                                      "Unknown Channel")

    async def _delete_channel(self, _r: web.Request, _rec: RecordedRequest, m: re.Match[str]
                              ) -> web.Response:
        channel_id = int(m.group(1))
        if channel_id not in self.channels:
            return error_response(404, 10003, "Unknown Channel")
        return json_response(await self.delete_channel(channel_id))

    def _attachments(self, files: list[Json]) -> list[Json]:
        """Message.attachments for uploaded files (the bytes stay in the recorded request)."""
        return [{"id": str(self.ids.next()), "filename": f["filename"], "size": len(f["data"]),
                 "url": f"{self.base_url}/attachments/{f['filename']}",
                 "proxy_url": f"{self.base_url}/attachments/{f['filename']}"}
                for f in files]

    def _store_message(self, message: Json) -> None:
        self.messages[int(message["id"])] = message
        channel = self.channels.get(int(message["channel_id"]))
        if channel is not None:
            channel["last_message_id"] = message["id"]

    def _message_from_body(self, channel_id: int, body: Json, *, author: Json,
                           extra: Json | None = None) -> Json:
        extra = dict(extra or {})
        for key in ("embeds", "components"):
            if body.get(key):
                extra[key] = body[key]
        if body.get("message_reference"):
            # discord.py sends the reference's ids as ints; Discord answers with strings.
            reference = {k: str(v) if k.endswith("_id") and v is not None else v
                         for k, v in body["message_reference"].items()}
            reference.setdefault("channel_id", str(channel_id))
            extra["message_reference"] = reference
            extra["type"] = p.MESSAGE_REPLY
            extra["referenced_message"] = self.messages.get(int(reference.get("message_id", 0)))
        guild_id = self.guild_of_channel(channel_id)
        if guild_id is not None:
            extra.setdefault("guild_id", str(guild_id))
        return self.message_payload(
            channel_id=channel_id, author=author, content=body.get("content") or "",
            nonce=body.get("nonce"), flags=int(body.get("flags") or 0), extra=extra,
        )

    async def _create_message(self, _r: web.Request, rec: RecordedRequest, m: re.Match[str]
                              ) -> web.Response:
        channel_id = int(m.group(1))
        if channel_id not in self.channels:
            return error_response(404, 10003, "Unknown Channel")
        body = rec.json or {}
        if not (body.get("content") or body.get("embeds") or rec.files
                or body.get("sticker_ids") or body.get("components") or body.get("poll")):
            return error_response(400, 50006, "Cannot send an empty message")
        nonce = body.get("nonce")
        if nonce is not None and body.get("enforce_nonce"):
            existing = self._nonces.get((channel_id, str(nonce)))
            if existing is not None and existing in self.messages:
                # Discord: a repeated nonce returns the message it already created.
                return json_response(self.messages[existing])
        message = self._message_from_body(channel_id, body, author=self.bot_user)
        if rec.files:
            message["attachments"] = self._attachments(rec.files)
        self._store_message(message)
        if nonce is not None:
            self._nonces[(channel_id, str(nonce))] = int(message["id"])
        if self.echo_own_messages:
            await self._echo(message)
        return json_response(message)

    async def _echo(self, message: Json) -> None:
        """Discord sends the bot its own new messages as MESSAGE_CREATE."""
        event = dict(message)
        if "guild_id" in event:
            event["member"] = self.member_of(None, message["author"], int(event["guild_id"]))
        await self.dispatch("MESSAGE_CREATE", event)

    def _message_in(self, channel_id: int, message_id: int) -> Json | web.Response:
        """The message, or Discord's 404: Unknown Channel, or Unknown Message when it is not
        in that channel."""
        if channel_id not in self.channels:
            return error_response(404, 10003, "Unknown Channel")
        found = self.messages.get(message_id)
        if found is None or int(found["channel_id"]) != channel_id:
            return error_response(404, 10008, "Unknown Message")
        return found

    async def _get_message(self, _r: web.Request, _rec: RecordedRequest, m: re.Match[str]
                           ) -> web.Response:
        found = self._message_in(int(m.group(1)), int(m.group(2)))
        return found if isinstance(found, web.Response) else json_response(found)

    async def _edit_message(self, _r: web.Request, rec: RecordedRequest, m: re.Match[str]
                            ) -> web.Response:
        found = self._message_in(int(m.group(1)), int(m.group(2)))
        if isinstance(found, web.Response):
            return found
        if found["author"]["id"] != self.bot_user["id"] and set(rec.json or {}) - {"flags"}:
            return error_response(403, 50005, "Cannot edit a message authored by another user")
        for key in ("content", "embeds", "components", "flags", "attachments"):
            if key in (rec.json or {}):
                found[key] = rec.json[key]
        found["edited_timestamp"] = p.now_iso()
        await self.dispatch("MESSAGE_UPDATE", dict(found))
        return json_response(found)

    async def _delete_message(self, _r: web.Request, _rec: RecordedRequest, m: re.Match[str]
                              ) -> web.Response:
        if self.messages.pop(int(m.group(2)), None) is None:
            return error_response(404, 10008, "Unknown Message")
        return web.Response(status=204)

    def _new_thread(self, parent_id: int, thread_id: int, body: Json, type_: int) -> Json:
        data = p.thread(
            thread_id, parent_id=parent_id, guild_id=self.guild_of_channel(parent_id),
            owner_id=self.bot_user["id"], name=body["name"], type_=type_,
            auto_archive_duration=body.get("auto_archive_duration") or 1440,
            applied_tags=body.get("applied_tags"),
        )
        self.channels[thread_id] = data
        return data

    async def _create_thread(self, _r: web.Request, rec: RecordedRequest, m: re.Match[str]
                             ) -> web.Response:
        parent_id = int(m.group(1))
        parent = self.channels.get(parent_id)
        if parent is None:
            return error_response(404, 10003, "Unknown Channel")
        body = rec.json or {}
        if parent["type"] in (p.GUILD_FORUM, p.GUILD_MEDIA):  # a forum post: thread + message
            if "message" not in body:
                return error_response(400, 50035, "Invalid Form Body (message required)")
            thread_id = self.ids.next()
            created = self._new_thread(parent_id, thread_id, body, p.PUBLIC_THREAD)
            starter = self._message_from_body(thread_id, body["message"], author=self.bot_user)
            starter["id"] = str(thread_id)  # a forum post's first message has the thread's id
            starter["attachments"] = self._attachments(rec.files)
            self._store_message(starter)
            created.update(message_count=1, last_message_id=starter["id"])
            out = dict(created, message=starter)
        else:
            created = self._new_thread(parent_id, self.ids.next(), body,
                                       int(body.get("type") or p.PRIVATE_THREAD))
            out = created
        await self.dispatch("THREAD_CREATE", dict(created, newly_created=True))
        if "message" in out and self.echo_own_messages:
            await self._echo(out["message"])  # Discord also sends the post's first message
        return json_response(out)

    async def _thread_from_message(self, _r: web.Request, rec: RecordedRequest,
                                   m: re.Match[str]) -> web.Response:
        parent_id, message_id = int(m.group(1)), int(m.group(2))
        found = self._message_in(parent_id, message_id)
        if isinstance(found, web.Response):
            return found
        if message_id in self.channels:
            return error_response(400, 160004, "A thread has already been created for this "
                                  "message")
        # A thread started from a message takes the message's id.
        created = self._new_thread(parent_id, message_id, rec.json or {}, p.PUBLIC_THREAD)
        await self.dispatch("THREAD_CREATE", dict(created, newly_created=True))
        return json_response(created)

    # ---------------------------------------------------------------- reactions

    def _update_reaction_summary(self, message_id: int, key: str) -> None:
        """Keep message.reactions (with the right counts: Reaction.users() asks for
        ``limit=count``) in step with who reacted."""
        found = self.messages.get(message_id)
        if found is None:
            return
        users = self.reactions.get((message_id, key), [])
        summary = [r for r in found.get("reactions", []) if p.reaction_key(r["emoji"]) != key]
        if users:
            summary.append({
                "emoji": p.emoji_object(key),
                "count": len(users),
                "count_details": {"normal": len(users), "burst": 0},
                "burst_colors": [],
                "me": int(self.bot_user["id"]) in users,
                "me_burst": False,
                "burst_me": False,
                "burst_count": 0,
            })
        found["reactions"] = summary

    async def _add_own_reaction(self, _r: web.Request, _rec: RecordedRequest,
                                m: re.Match[str]) -> web.Response:
        message_id, key = int(m.group(2)), p.emoji_key(m.group(3))
        found = self._message_in(int(m.group(1)), message_id)
        if isinstance(found, web.Response):
            return found
        users = self.reactions.setdefault((message_id, key), [])
        if int(self.bot_user["id"]) not in users:
            users.append(int(self.bot_user["id"]))
        self._update_reaction_summary(message_id, key)
        return web.Response(status=204)

    async def _remove_reaction(self, _r: web.Request, _rec: RecordedRequest,
                               m: re.Match[str]) -> web.Response:
        message_id, key, who = int(m.group(2)), p.emoji_key(m.group(3)), m.group(4)
        user_id = int(self.bot_user["id"]) if who == "@me" else int(who)
        users = self.reactions.get((message_id, key), [])
        if user_id in users:
            users.remove(user_id)
        self._update_reaction_summary(message_id, key)
        return web.Response(status=204)

    async def _reaction_users(self, _r: web.Request, rec: RecordedRequest,
                              m: re.Match[str]) -> web.Response:
        # discord.py percent-encodes the emoji; the recorded raw_path shows it.
        message_id, key = int(m.group(2)), p.emoji_key(m.group(3))
        found = self._message_in(int(m.group(1)), message_id)
        if isinstance(found, web.Response):
            return found
        limit = int(rec.query.get("limit", 25))
        after = int(rec.query.get("after", 0))
        ids = sorted(u for u in self.reactions.get((message_id, key), []) if u > after)[:limit]
        return json_response([self.users[u] for u in ids if u in self.users])

    # ---------------------------------------------------------------- interactions

    async def _interaction_callback(self, _r: web.Request, rec: RecordedRequest,
                                    m: re.Match[str]) -> web.Response:
        interaction_id, token = int(m.group(1)), m.group(2)
        pending = self.interactions.get(interaction_id)
        if pending is None or pending["token"] != token:
            return error_response(404, 10062, "Unknown interaction")
        if pending["responded"]:
            return error_response(400, 40060, "Interaction has already been acknowledged.")
        deadline = self.interaction_response_deadline
        if deadline is not None and time.monotonic() - pending["created"] > deadline:
            return error_response(404, 10062, "Unknown interaction")
        pending["responded"] = True
        body = rec.json or {}
        callback_type = int(body.get("type", 0))
        data = body.get("data") or {}
        flags = int(data.get("flags") or 0)
        # discord.py 2.7 reads the callback's body; with 204 the handler raises TypeError.
        summary: Json = {
            "id": str(interaction_id),
            "type": pending["payload"]["type"],
            "response_message_loading": callback_type == p.CALLBACK_DEFERRED_MESSAGE,
            "response_message_ephemeral": bool(flags & p.EPHEMERAL),
        }
        out: Json = {"interaction": summary}
        if callback_type in (p.CALLBACK_MESSAGE, p.CALLBACK_DEFERRED_MESSAGE):
            channel_id = int(pending["payload"].get("channel_id") or 0)
            original = self._message_from_body(
                channel_id, data, author=self.bot_user,
                extra={"webhook_id": str(self.app_id), "application_id": str(self.app_id),
                       "interaction_metadata": {"id": str(interaction_id),
                                                "type": pending["payload"]["type"],
                                                "user": pending["user"],
                                                "authorizing_integration_owners": {}},
                       "type": p.MESSAGE_CHAT_INPUT_COMMAND},
            )
            loading = p.LOADING if callback_type == p.CALLBACK_DEFERRED_MESSAGE else 0
            original["flags"] = flags | loading
            original["attachments"] = self._attachments(rec.files)
            self.interaction_originals[token] = original
            self._store_message(original)
            summary["response_message_id"] = original["id"]
            out["resource"] = {"type": callback_type, "message": original}
        elif callback_type == p.CALLBACK_UPDATE_MESSAGE and pending["payload"].get("message"):
            out["resource"] = {"type": callback_type, "message": pending["payload"]["message"]}
        if rec.query.get("with_response") in ("1", "true", "True"):
            return json_response(out)
        return web.Response(status=204)

    def _interaction_by_token(self, app_id: int, token: str) -> Json | None:
        if app_id != self.app_id:
            return None
        return next((i for i in self.interactions.values() if i["token"] == token), None)

    async def _webhook_execute(self, _r: web.Request, rec: RecordedRequest, m: re.Match[str]
                               ) -> web.Response:
        pending = self._interaction_by_token(int(m.group(1)), m.group(2))
        if pending is None or not pending["responded"]:  # follow-ups need a response first
            return error_response(404, 10015, "Unknown Webhook")
        channel_id = int(pending["payload"].get("channel_id") or 0)
        followup = self._message_from_body(
            channel_id, rec.json or {}, author=self.bot_user,
            extra={"webhook_id": str(self.app_id), "application_id": str(self.app_id)},
        )
        followup["attachments"] = self._attachments(rec.files)
        self._store_message(followup)
        if rec.query.get("wait") in ("1", "true", "True"):
            return json_response(followup)
        return web.Response(status=204)

    def _webhook_message(self, token: str, which: str) -> Json | None:
        if which == "@original":
            return self.interaction_originals.get(token)
        return self.messages.get(int(which))

    async def _webhook_get(self, _r: web.Request, _rec: RecordedRequest, m: re.Match[str]
                           ) -> web.Response:
        found = self._webhook_message(m.group(2), m.group(3))
        return json_response(found) if found else error_response(404, 10008, "Unknown Message")

    async def _webhook_edit(self, _r: web.Request, rec: RecordedRequest, m: re.Match[str]
                            ) -> web.Response:
        found = self._webhook_message(m.group(2), m.group(3))
        if found is None:
            return error_response(404, 10008, "Unknown Message")
        for key in ("content", "embeds", "components", "attachments"):
            if key in (rec.json or {}):
                found[key] = rec.json[key]
        found["flags"] = int(found.get("flags", 0)) & ~p.LOADING
        found["edited_timestamp"] = p.now_iso()
        return json_response(found)

    async def _webhook_delete(self, _r: web.Request, _rec: RecordedRequest, m: re.Match[str]
                              ) -> web.Response:
        token, which = m.group(2), m.group(3)
        found = self._webhook_message(token, which)
        if found is None:
            return error_response(404, 10008, "Unknown Message")
        self.messages.pop(int(found["id"]), None)
        if which == "@original":
            self.interaction_originals.pop(token, None)
        return web.Response(status=204)

    # ---------------------------------------------------------------- gateway

    async def _gateway_handler(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = _Conn(next(self._conn_ids), ws, dict(request.query))
        self._conns[conn.id] = conn
        self.gateway_queries.append(conn.query)
        # Plain-text JSON frames are fine even though discord.py asks for zlib-stream.
        await conn.send({"op": p.OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                         "s": None, "t": None})
        try:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                payload = wire.loads(frame.data)
                op, d = payload.get("op"), payload.get("d")
                self.gateway_frames.append(GatewayFrame(conn.id, op, d))
                if op == p.OP_HEARTBEAT:
                    await conn.send({"op": p.OP_HEARTBEAT_ACK, "d": None, "s": None, "t": None})
                elif op == p.OP_IDENTIFY:
                    await self._on_identify(conn, d)
                elif op == p.OP_RESUME:
                    await self._on_resume(conn, d)
                await self._notify()
        finally:
            conn.closed = True
            if conn.session is not None and conn.session.conn is conn:
                conn.session.conn = None
            self._conns.pop(conn.id, None)
            await self._notify()
        return ws

    async def _on_identify(self, conn: _Conn, d: Json) -> None:
        if self.token is not None and d.get("token") != self.token:
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        if (not self.message_content_allowed
                and int(d.get("intents") or 0) & p.INTENT_MESSAGE_CONTENT):
            await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = d.get("shard") or [0, 1]
        if not (isinstance(shard, list) and len(shard) == 2
                and all(isinstance(n, int) for n in shard) and 0 <= shard[0] < shard[1]):
            await conn.ws.close(code=4010, message=b"Invalid shard.")
            return
        session = Session(secrets.token_hex(16), int(d.get("intents") or 0), d,
                          (shard[0], shard[1]))
        self._sessions[session.session_id] = session
        session.conn = conn
        conn.session = session
        ready: Json = {
            "v": 10,
            "user": dict(self.bot_user, verified=True, mfa_enabled=False, email=None),
            "guilds": [{"id": g["id"], "unavailable": True}
                       for g in self.guilds_on(session.shard)],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,  # where discord.py RESUMEs
            "application": {"id": str(self.app_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "geo_ordered_rtc_regions": [],
            "_trace": ["fake-discord"],
        }
        if "shard" in d:
            ready["shard"] = d["shard"]
        await self._send_dispatch(session, "READY", ready)
        for data in self.guilds_on(session.shard):
            # GUILD_CREATE carries the guild's active threads (forum posts included).
            threads = [c for c in self.channels.values() if c.get("guild_id") == data["id"]
                       and c["type"] in (p.PUBLIC_THREAD, p.PRIVATE_THREAD)
                       and not c["thread_metadata"]["archived"]]
            await self._send_dispatch(session, "GUILD_CREATE", dict(data, threads=threads))

    async def _on_resume(self, conn: _Conn, d: Json) -> None:
        session = self._sessions.get(str(d.get("session_id")))
        if (session is None or session.invalid
                or (self.token is not None and d.get("token") != self.token)):
            await conn.send({"op": p.OP_INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        session.conn = conn
        conn.session = session
        last = int(d.get("seq") or 0)
        for seq, payload in session.sent:
            if seq > last:  # replay what the client missed while it was away
                await conn.send(payload)
        await self._send_dispatch(session, "RESUMED", {"_trace": ["fake-discord"]})

    async def _send_dispatch(self, session: Session, event: str, data: Json) -> int:
        seq = session.next_seq()
        payload = {"op": p.OP_DISPATCH, "t": event, "s": seq, "d": data}
        session.sent.append((seq, payload))
        if session.conn is not None and not session.conn.closed:
            await session.conn.send(payload)
        return seq

    def _filter_for_session(self, session: Session, event: str, data: Json) -> Json | None:
        """What this session may see: intents decide which events it gets, and without
        the privileged MESSAGE_CONTENT intent guild messages that do not mention the bot
        (and are not its own) arrive with empty content, as on Discord."""
        if not self.enforce_intents:
            return data
        in_guild = "guild_id" in data
        needed = self.EVENT_INTENTS.get((event, in_guild))
        if needed and not session.intents & needed:
            return None
        if (event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and in_guild
                and not session.intents & p.INTENT_MESSAGE_CONTENT):
            bot_id = self.bot_user["id"]
            mentioned = any(u.get("id") == bot_id for u in data.get("mentions", []))
            own = data.get("author", {}).get("id") == bot_id
            if not (mentioned or own):
                data = dict(data, content="", embeds=[], attachments=[], components=[])
                data.pop("poll", None)
        return data

    async def dispatch(self, event: str, data: Json) -> list[int]:
        """Send a DISPATCH to every valid session of the shard it belongs to (see
        :meth:`routes_to`); returns the sequence numbers used.

        Events for a disconnected but resumable session are kept and replayed on RESUME.
        """
        seqs = []
        for session in list(self._sessions.values()):
            if session.invalid or not self.routes_to(session.shard, data):
                continue
            filtered = self._filter_for_session(session, event, data)
            if filtered is None:
                self.dropped_events.append((event, data))
                continue
            seq = await self._send_dispatch(session, event, filtered)
            self.deliveries.append(Delivery(event, data, session.shard, seq))
            seqs.append(seq)
        return seqs

    def end_sessions(self) -> None:
        """Forget every session (its client has gone), so nothing is kept for a RESUME."""
        for session in self._sessions.values():
            session.invalid = True
            session.sent.clear()

    async def send_op(self, op: int, d: Any = None) -> None:
        for conn in list(self._conns.values()):
            await conn.send({"op": op, "d": d, "s": None, "t": None})

    async def send_reconnect(self) -> None:
        """op 7: discord.py closes the socket and RESUMEs (op 6) at resume_gateway_url."""
        await self.send_op(p.OP_RECONNECT)

    async def send_invalid_session(self, resumable: bool = False) -> None:
        """op 9. Not resumable: discord.py IDENTIFYs again, after
        ``Client.before_identify_hook`` (5 s by default)."""
        if not resumable:
            for session in self._sessions.values():
                session.invalid = True
        await self.send_op(p.OP_INVALID_SESSION, resumable)

    async def request_heartbeat(self) -> None:
        """op 1 from the server: the client must heartbeat at once."""
        await self.send_op(p.OP_HEARTBEAT, None)

    async def close_gateway(self, code: int = 4000) -> None:
        """Drop every gateway connection, as a network failure or a Discord restart does."""
        for conn in list(self._conns.values()):
            await conn.ws.close(code=code)

    # ---------------------------------------------------------------- events

    def mention_of(self, who: Json) -> Json:
        """An entry of MESSAGE_CREATE.mentions (users carry a partial member in guilds)."""
        return dict(who, member=p.member(None))

    def guild_message_event(
        self,
        content: str,
        *,
        author: Json | None = None,
        channel_id: int | None = None,
        mention_bot: bool = True,
        mentions: list[Json] | None = None,
        extra: Json | None = None,
    ) -> Json:
        """A new message in a guild channel, stored, and its MESSAGE_CREATE event (not yet
        dispatched: a caller can note its id first). ``mention_bot`` prefixes ``<@bot>``
        and puts the bot in ``mentions`` (so content arrives without the message-content
        intent); ``mentions`` adds other users (their ``<@id>`` must be in ``content``)."""
        author = author or self.user
        channel_id = channel_id or self.channel_id
        mentioned = [self.mention_of(u) for u in mentions or []]
        if mention_bot:
            content = f"<@{self.bot_user['id']}> {content}"
            mentioned.insert(0, self.mention_of(self.bot_user))
        sent = self.message_payload(channel_id=channel_id, author=author, content=content,
                                    guild_id=self.guild_of_channel(channel_id),
                                    mentions=mentioned, extra=extra)
        self._store_message(sent)
        return dict(sent, member=self.member_of(None, author,
                                                self.guild_of_channel(channel_id)))

    async def send_guild_message(
        self,
        content: str,
        *,
        author: Json | None = None,
        channel_id: int | None = None,
        mention_bot: bool = True,
        mentions: list[Json] | None = None,
        extra: Json | None = None,
    ) -> Json:
        """MESSAGE_CREATE in a guild channel (see :meth:`guild_message_event`); returns
        the stored message."""
        event = self.guild_message_event(content, author=author, channel_id=channel_id,
                                         mention_bot=mention_bot, mentions=mentions,
                                         extra=extra)
        await self.dispatch("MESSAGE_CREATE", event)
        return self.messages[int(event["id"])]

    async def send_dm(self, content: str, *, author: Json | None = None,
                      extra: Json | None = None) -> Json:
        """MESSAGE_CREATE in a DM channel (no guild_id, no member)."""
        author = author or self.user
        channel = self.dm_channel_for(author)
        sent = self.message_payload(channel_id=int(channel["id"]), author=author,
                                    content=content, extra=extra)
        self._store_message(sent)
        await self.dispatch("MESSAGE_CREATE", dict(sent, channel_type=p.DM))
        return sent

    async def redeliver(self, sent: Json) -> None:
        """Dispatch a stored message's MESSAGE_CREATE again (a duplicate delivery)."""
        event = dict(sent, member=self.member_of(None, sent["author"], int(sent["guild_id"]))
                     ) if "guild_id" in sent else dict(sent, channel_type=p.DM)
        await self.dispatch("MESSAGE_CREATE", event)

    def _find_command(self, name: str, guild_id: int | None) -> tuple[Json | None, int | None]:
        if guild_id is not None:
            for command in self.commands.get(guild_id, []):
                if command["name"] == name:
                    return command, guild_id
        for command in self.commands.get(None, []):
            if command["name"] == name:
                return command, None
        return None, None

    def interaction_payload(
        self,
        interaction_type: int,
        data: Json | None = None,
        *,
        user: Json | None = None,
        in_guild: bool = True,
        channel_id: int | None = None,
        message: Json | None = None,
    ) -> Json:
        """An INTERACTION_CREATE payload, registered so its callback is accepted.

        discord.py 2.7 reads ``attachment_size_limit`` unconditionally: without it the
        interaction kills the client.
        """
        user = user or self.user
        interaction_id = self.ids.next()
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(self.app_id),
            "type": interaction_type,
            "token": "itok-" + secrets.token_urlsafe(24),
            "version": 1,
            "locale": "en-US",
            "app_permissions": p.ALL_PERMISSIONS,
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if data is not None:
            payload["data"] = data
        if in_guild:
            channel_id = channel_id or self.channel_id
            guild_id = self.guild_of_channel(channel_id)
            resolved = self.permissions_of(user, channel_id)
            payload.update(
                guild_id=str(guild_id),
                guild={"id": str(guild_id), "locale": "en-US", "features": []},
                guild_locale="en-US",
                channel_id=str(channel_id),
                channel=dict(self.channels[channel_id], permissions=str(resolved)),
                member=p.member(user, permissions=resolved,
                                roles=self.roles_of(user, guild_id)),
                authorizing_integration_owners={"0": str(guild_id)},
                context=0,
            )
        else:
            channel = self.dm_channel_for(user)
            payload.update(channel_id=channel["id"], channel=dict(channel), user=user,
                           authorizing_integration_owners={"0": str(self.guild_id)}, context=1)
        if message is not None:
            payload["message"] = message
        self.interactions[interaction_id] = {"token": payload["token"], "payload": payload,
                                             "responded": False, "created": time.monotonic(),
                                             "user": user}
        return payload

    def _command_data(self, name: str, values: dict[str, object] | list[Json] | None,
                      focused: str | None, in_guild: bool, sub: str | None = None) -> Json:
        """``sub`` names a sub-command of a group (``/qa top``): Discord nests its options
        in one option of type 1 (SUB_COMMAND)."""
        command, guild_id = self._find_command(name, self.guild_id if in_guild else None)
        given = p.options(values, focused)
        data: Json = {
            "id": command["id"] if command else str(self.ids.next()),
            "name": name,
            "type": 1,
            "options": given if sub is None else [{"name": sub, "type": 1, "options": given}],
        }
        if guild_id is not None:
            # Guild commands carry data.guild_id; without it discord.py's CommandTree looks
            # only at global commands and raises CommandNotFound.
            data["guild_id"] = str(guild_id)
        return data

    async def send_slash_command(self, name: str, values: dict[str, object] | None = None, *,
                                 user: Json | None = None, in_guild: bool = True,
                                 channel_id: int | None = None, sub: str | None = None
                                 ) -> Json:
        """INTERACTION_CREATE for a slash command (``sub``: its sub-command), with
        ``{option: value}``."""
        payload = self.interaction_payload(
            p.INTERACTION_COMMAND, self._command_data(name, values, None, in_guild, sub),
            user=user, in_guild=in_guild, channel_id=channel_id)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def send_autocomplete(self, name: str, values: dict[str, object], focused: str, *,
                                user: Json | None = None, in_guild: bool = True,
                                channel_id: int | None = None, sub: str | None = None
                                ) -> Json:
        """INTERACTION_CREATE for autocomplete; ``focused`` names the option being typed."""
        payload = self.interaction_payload(
            p.INTERACTION_AUTOCOMPLETE, self._command_data(name, values, focused, in_guild,
                                                           sub),
            user=user, in_guild=in_guild, channel_id=channel_id)
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def interaction_callback_path(self, payload: Json) -> str:
        return rf"/interactions/{payload['id']}/{re.escape(payload['token'])}/callback"

    def _reaction_event(self, target: Json, emoji: str, who: Json, with_member: bool) -> Json:
        event: Json = {
            "user_id": who["id"],
            "channel_id": target["channel_id"],
            "message_id": target["id"],
            "emoji": p.emoji_object(p.emoji_key(emoji)),
            "burst": False,
            "burst_colors": [],
            "type": 0,  # RawReactionActionEvent reads it unconditionally (0 normal, 1 burst)
        }
        if target.get("author"):
            event["message_author_id"] = target["author"]["id"]
        guild_id = self.guild_of_channel(int(target["channel_id"]))
        if guild_id is not None:
            event["guild_id"] = str(guild_id)
            if with_member:
                event["member"] = self.member_of(who, who, guild_id)
        return event

    async def send_reaction_add(self, target: Json, emoji: str, *, user: Json | None = None
                                ) -> Json:
        who = user or self.user
        key = p.emoji_key(emoji)
        users = self.reactions.setdefault((int(target["id"]), key), [])
        if int(who["id"]) not in users:
            users.append(int(who["id"]))
        self._update_reaction_summary(int(target["id"]), key)
        event = self._reaction_event(target, emoji, who, with_member=True)
        await self.dispatch("MESSAGE_REACTION_ADD", event)
        return event

    async def send_reaction_remove(self, target: Json, emoji: str, *, user: Json | None = None
                                   ) -> Json:
        who = user or self.user
        key = p.emoji_key(emoji)
        users = self.reactions.get((int(target["id"]), key), [])
        if int(who["id"]) in users:
            users.remove(int(who["id"]))
        self._update_reaction_summary(int(target["id"]), key)
        # MESSAGE_REACTION_REMOVE never carries a member.
        event = self._reaction_event(target, emoji, who, with_member=False)
        await self.dispatch("MESSAGE_REACTION_REMOVE", event)
        return event
