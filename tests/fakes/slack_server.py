"""A loopback fake of Slack, so tests run the real slack-bolt / slack-sdk end to end.

No test may reach slack.com, and mocks of our own code would not show whether the
adapter and the library really work together; so one aiohttp server on 127.0.0.1 plays
Slack's side of every conversation the bot has:

* ``/api/{method}``       the Web API (GET or POST; arguments from the query, a JSON body
                          or a form body, as slack-sdk sends them);
* ``/upload/{file_id}``   the upload URL handed out by ``files.getUploadURLExternal``;
* ``/socket``             the Socket Mode websocket (``apps.connections.open`` points here);
* ``/response/{key}``     ``response_url`` endpoints (what bolt's ``respond()`` posts to).

Everything received is recorded (``calls``, ``uploads``, ``response_posts``,
``socket_acks``) and can be awaited with the ``wait_for_*`` helpers, which always time
out so a bug fails fast. Knobs make a method answer 429 (``rate_limit``), an error
(``fail``) or drop the connection (``drop``). Payload builders produce realistic event,
slash-command and interactivity bodies and seed the fake's message store, and
:class:`SignedPoster` sends them to a bot in HTTP mode with a correct (or deliberately
wrong) signature.

The Web API surface is what the bot uses: ``auth.test``, ``apps.connections.open``,
``chat.postMessage``/``update``/``delete``/``postEphemeral``, ``reactions.add``/``remove``/
``get``, ``conversations.open``, ``conversations.history`` with message metadata,
``usergroups.users.list`` and the files upload v2 flow. Threads are kept as Slack keeps
them: a reply carries ``thread_ts`` and ``parent_user_id``, its parent counts
``reply_count``, and a parent deleted with replies stays behind as a tombstone. Only the
author may update or delete a message; reactions are per user and name. A message Slack
would refuse (too long, or blocks beyond Block Kit's limits: ``block_kit_problems``) is
refused as Slack does, with ``msg_too_long`` or ``invalid_blocks``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

import aiohttp
from aiohttp import web

from tests.fakes import wire

JsonDict = dict[str, Any]
# A configured answer for a method: a dict (sent as JSON with HTTP 200), or a callable
# taking the ApiCall and returning a dict or a web.Response (it may be async).
Responder = JsonDict | Callable[["ApiCall"], JsonDict | web.Response | Awaitable[Any]]
T = TypeVar("T")

DEFAULT_WAIT = 3.0
# How long "no such call" is watched for: a reply takes up to ~0.1 s on a loaded 2-core
# machine (the first one, with cold caches, the longest), so a wrong one would be seen.
QUIET_WINDOW = 0.5
BOT_SCOPES = ("app_mentions:read,channels:history,chat:write,commands,files:write,"
              "groups:history,im:history,im:write,reactions:read,reactions:write,"
              "usergroups:read,users:read")
TOMBSTONE_TEXT = "This message was deleted."


# ------------------------------------------------------------------------------ records


@dataclass
class ApiCall:
    """One Web API request as the fake received it, and what the fake answered."""

    method: str  # e.g. "chat.postMessage"
    http_method: str  # "GET" or "POST"
    args: JsonDict  # query arguments merged with the parsed body (the body wins)
    query: JsonDict
    body: Any  # the parsed JSON or form body; None when empty or of another type
    content_type: str
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)
    status: int = 0  # the HTTP status the fake answered (0: the connection was dropped)
    response: Any = None  # the JSON the fake answered (None for a custom web.Response)

    @property
    def token(self) -> str | None:
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            return auth.removeprefix("Bearer ")
        token = self.args.get("token")
        return token if isinstance(token, str) else None

    @property
    def ok(self) -> bool:
        """True when Slack would have carried the call out."""
        return self.status == 200 and isinstance(self.response, dict) and bool(
            self.response.get("ok")
        )


@dataclass
class ResponseUrlPost:
    """A post to a response_url (bolt's ``respond()``)."""

    key: str
    body: Any
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Upload:
    """The raw bytes a client sent to an upload URL."""

    file_id: str
    data: bytes
    content_type: str
    at: float = field(default_factory=time.monotonic)


@dataclass
class SocketAck:
    """A Socket Mode client's acknowledgement of an envelope."""

    envelope_id: str
    payload: JsonDict | None
    raw: JsonDict
    at: float = field(default_factory=time.monotonic)


@dataclass
class _Knob:
    """How many more calls a behaviour applies to (None: all of them)."""

    remaining: int | None
    error: str = ""
    retry_after: int = 0
    extra: JsonDict = field(default_factory=dict)

    def take(self) -> bool:
        if self.remaining is None:
            return True
        if self.remaining <= 0:
            return False
        self.remaining -= 1
        return True


def _truthy(value: Any) -> bool:
    """slack-sdk sends booleans as "1"/"0" (query/form) or true/false (JSON)."""
    return value is True or (isinstance(value, str | int) and str(value).lower() in ("1", "true"))


def _decode_json_arg(value: Any) -> Any:
    """JSON-body calls carry objects; form and query calls carry them as JSON strings."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        return json.loads(value)
    return value


# ------------------------------------------------------------------------------ Block Kit

# Slack's documented limits for what a message may carry (Block Kit reference).
MAX_TEXT = 40_000  # chat.postMessage's text; longer is msg_too_long
MAX_BLOCKS = 50
TEXT_OBJECT_CHARS = 3000
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
BUTTON_TEXT_CHARS = 75
BUTTON_VALUE_CHARS = 2000
ACTION_ID_CHARS = 255


def _text_object_problems(where: str, obj: Any, limit: int = TEXT_OBJECT_CHARS,
                          kinds: tuple[str, ...] = ("mrkdwn", "plain_text")) -> list[str]:
    if not isinstance(obj, dict) or obj.get("type") not in kinds:
        return [f"{where}: not a text object of type {'/'.join(kinds)}"]
    text = obj.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= limit:
        return [f"{where}: text must be 1 to {limit} characters"]
    if "verbatim" in obj and (obj["type"] != "mrkdwn" or not isinstance(obj["verbatim"], bool)):
        return [f"{where}: verbatim is a boolean of mrkdwn text only"]
    return []


def block_kit_problems(blocks: Any) -> list[str]:
    """What Slack would refuse in ``blocks`` (as ``invalid_blocks``): too many blocks, an
    empty or too long text, too many elements, a too long button label or value."""
    if not isinstance(blocks, list):
        return ["blocks: not a list"]
    problems = [] if len(blocks) <= MAX_BLOCKS else [f"blocks: more than {MAX_BLOCKS}"]
    for n, block in enumerate(blocks):
        where = f"blocks[{n}]"
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "section":
            problems += _text_object_problems(f"{where}.text", block.get("text"))
        elif kind == "context":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= CONTEXT_ELEMENTS:
                problems.append(f"{where}: 1 to {CONTEXT_ELEMENTS} elements")
                continue
            for m, element in enumerate(elements):
                problems += _text_object_problems(f"{where}.elements[{m}]", element)
        elif kind == "actions":
            elements = block.get("elements")
            if not isinstance(elements, list) or not 1 <= len(elements) <= ACTIONS_ELEMENTS:
                problems.append(f"{where}: 1 to {ACTIONS_ELEMENTS} elements")
                continue
            for m, button in enumerate(elements):
                at = f"{where}.elements[{m}]"
                if not isinstance(button, dict) or button.get("type") != "button":
                    problems.append(f"{at}: not a button")
                    continue
                problems += _text_object_problems(f"{at}.text", button.get("text"),
                                                  BUTTON_TEXT_CHARS, ("plain_text",))
                if len(str(button.get("value", ""))) > BUTTON_VALUE_CHARS:
                    problems.append(f"{at}.value: more than {BUTTON_VALUE_CHARS} characters")
                if not 1 <= len(str(button.get("action_id", ""))) <= ACTION_ID_CHARS:
                    problems.append(f"{at}.action_id: 1 to {ACTION_ID_CHARS} characters")
        else:
            problems.append(f"{where}: a block type the bot does not send ({kind!r})")
    return problems


def message_error(args: JsonDict) -> JsonDict | None:
    """Slack's error answer for a message it would refuse (None: it would take it)."""
    if len(str(args.get("text") or "")) > MAX_TEXT:
        return {"ok": False, "error": "msg_too_long"}
    if args.get("blocks") is not None:
        problems = block_kit_problems(_decode_json_arg(args["blocks"]))
        if problems:
            return {"ok": False, "error": "invalid_blocks", "errors": problems}
    return None


# ------------------------------------------------------------------------------ the fake


class FakeSlack:
    """One fake workspace with one installed bot; start it with ``async with``."""

    def __init__(
        self,
        *,
        team_id: str = "T0FAKE",
        team_name: str = "Fake Workspace",
        team_domain: str = "fake-workspace",
        app_id: str = "A0FAKE",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        bot_name: str = "workshop-bot",
        check_tokens: bool = True,
    ) -> None:
        self.team_id = team_id
        self.team_name = team_name
        self.team_domain = team_domain
        self.app_id = app_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.bot_name = bot_name
        self.check_tokens = check_tokens
        self.host = "127.0.0.1"
        self.port = 0

        # recordings
        self.calls: list[ApiCall] = []
        self.uploads: list[Upload] = []
        self.response_posts: list[ResponseUrlPost] = []
        self.socket_acks: list[SocketAck] = []
        self.socket_connects = 0

        # the workspace's state
        self.messages: dict[str, list[JsonDict]] = {}  # channel -> messages, oldest first
        self.ephemerals: list[JsonDict] = []
        self.dm_channels: dict[str, str] = {}  # user id -> D... channel id
        self.files: dict[str, JsonDict] = {}  # completed uploads by file id
        self.usergroups: dict[str, list[str]] = {}  # user group id (S…) -> member ids
        self.users: dict[str, str] = {}  # user id -> display name, for users.info
        self._pending_files: dict[str, JsonDict] = {}

        # behaviour knobs
        self._responders: dict[str, Responder] = {}
        self._rate_limits: dict[str, _Knob] = {}
        self._failures: dict[str, _Knob] = {}
        self._drops: dict[str, _Knob] = {}
        self._response_url_failures: dict[str, tuple[int, str]] = {}
        self._response_url_gate: asyncio.Event | None = None

        self._ids = itertools.count(1)
        self._ts_base = int(time.time())
        self._ts_seq = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._changed: asyncio.Condition | None = None
        self._sockets: list[web.WebSocketResponse] = []

    # -------------------------------------------------------------------- lifecycle

    async def start(self) -> FakeSlack:
        self._changed = asyncio.Condition()
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/{file_id}", self._handle_upload)
        app.router.add_get("/socket", self._handle_socket)
        app.router.add_post("/response/{key}", self._handle_response_url)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close(code=aiohttp.WSCloseCode.GOING_AWAY, message=b"fake stopping")
        self._sockets.clear()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL must be set to."""
        return f"{self.base_url}/api/"

    def response_url(self, key: str | None = None) -> str:
        return f"{self.base_url}/response/{key or uuid.uuid4().hex}"

    # -------------------------------------------------------------------- knobs

    def set_response(self, method: str, responder: Responder | None) -> None:
        """Replace the answer of a method (None restores the built-in one)."""
        if responder is None:
            self._responders.pop(method, None)
        else:
            self._responders[method] = responder

    def rate_limit(self, method: str, times: int = 1, retry_after: int = 0) -> None:
        """The next ``times`` calls of ``method`` answer HTTP 429 with ``Retry-After``."""
        self._rate_limits[method] = _Knob(times, retry_after=retry_after)

    def fail(
        self, method: str, error: str = "channel_not_found", times: int | None = 1, **extra: Any
    ) -> None:
        """The next ``times`` calls (None: all) answer HTTP 200 ``{"ok": false, "error"}``."""
        self._failures[method] = _Knob(times, error=error, extra=extra)

    def drop(self, method: str, times: int = 1) -> None:
        """The next ``times`` calls lose their connection before Slack acts on them."""
        self._drops[method] = _Knob(times)

    def fail_response_url(self, key: str, status: int = 404, body: str = "expired_url") -> None:
        """Posts to ``response_url(key)`` answer an error (``respond()`` does not raise)."""
        self._response_url_failures[key] = (status, body)

    def hold_response_urls(self) -> asyncio.Event:
        """Posts to response_urls are recorded but not answered until the event is set."""
        self._response_url_gate = asyncio.Event()
        return self._response_url_gate

    # -------------------------------------------------------------------- queries and waits

    def mark(self) -> int:
        """An index into ``calls`` for :meth:`assert_no_call`: only later calls count."""
        return len(self.calls)

    def after(self, call: ApiCall) -> int:
        """The :meth:`mark` of the calls that came after ``call``."""
        return next(n for n, c in enumerate(self.calls) if c is call) + 1

    def calls_for(self, method: str, *, ok_only: bool = False) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method and (c.ok or not ok_only)]

    def posted(self, channel: str) -> list[JsonDict]:
        """The messages the bot really posted in a channel (accepted by the fake)."""
        return [m for m in self.messages.get(channel, []) if m.get("user") == self.bot_user_id]

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def wait_until(
        self, predicate: Callable[[], T | None], *, what: str, within: float = DEFAULT_WAIT
    ) -> T:
        """Wait until ``predicate()`` returns something truthy (re-checked on every record)."""
        assert self._changed is not None, "FakeSlack is not started"
        try:
            async with self._changed:
                await asyncio.wait_for(self._changed.wait_for(predicate), within)
        except TimeoutError:
            seen = [(c.method, c.status) for c in self.calls]
            raise AssertionError(
                f"timed out after {within}s waiting for {what}; Web API calls so far: {seen}"
            ) from None
        result = predicate()
        assert result
        return result

    async def wait_for_call(
        self,
        method: str,
        *,
        count: int = 1,
        ok_only: bool = False,
        where: Callable[[ApiCall], bool] | None = None,
        within: float = DEFAULT_WAIT,
    ) -> ApiCall:
        """Wait until ``count`` matching calls arrived; return the last of them."""

        def found() -> ApiCall | None:
            matching = [
                c for c in self.calls_for(method, ok_only=ok_only) if where is None or where(c)
            ]
            return matching[count - 1] if len(matching) >= count else None

        return await self.wait_until(found, what=f"{count} x {method}", within=within)

    async def assert_no_call(self, method: str | None = None, *, since: int,
                             during: float = QUIET_WINDOW) -> None:
        """Let the bot run for ``during`` seconds more, then check it made no such call at
        index >= ``since``: a :meth:`mark` taken before the events that must get no reply
        were sent (or :meth:`after` the last expected call), since a wrong reply to an
        early event arrives while the test is still sending or waiting for acks."""
        await asyncio.sleep(during)
        made = [c.method for c in self.calls[since:] if method is None or c.method == method]
        assert not made, f"unexpected Web API calls: {made}"

    async def wait_for_response_post(
        self, *, count: int = 1, within: float = DEFAULT_WAIT
    ) -> ResponseUrlPost:
        return await self.wait_until(
            lambda: self.response_posts[count - 1] if len(self.response_posts) >= count else None,
            what=f"{count} response_url post(s)",
            within=within,
        )

    async def wait_for_upload(self, *, within: float = DEFAULT_WAIT) -> Upload:
        return await self.wait_until(
            lambda: self.uploads[0] if self.uploads else None, what="an upload", within=within
        )

    # -------------------------------------------------------------------- the Web API

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        content_type = request.content_type or ""
        body: Any = None
        if raw and content_type == "application/json":
            body = json.loads(raw)
        elif raw and content_type == "application/x-www-form-urlencoded":
            body = dict(parse_qsl(raw.decode(), keep_blank_values=True))
        query = dict(request.query)
        args: JsonDict = {**query, **(body if isinstance(body, dict) else {})}
        call = ApiCall(
            method=request.match_info["method"],
            http_method=request.method,
            args=args,
            query=query,
            body=body,
            content_type=content_type,
            headers=dict(request.headers),
        )
        drop = self._drops.get(call.method)
        if drop is not None and drop.take():
            self.calls.append(call)
            await self._notify()
            assert request.transport is not None
            request.transport.close()  # the client sees ServerDisconnectedError
            return web.Response(status=499)  # never reaches the client
        response = await self._answer(call)
        call.status = response.status
        self.calls.append(call)
        await self._notify()
        return response

    async def _answer(self, call: ApiCall) -> web.Response:
        limit = self._rate_limits.get(call.method)
        if limit is not None and limit.take():
            call.response = {"ok": False, "error": "ratelimited"}
            return web.json_response(
                call.response, status=429, headers={"Retry-After": str(limit.retry_after)},
                dumps=wire.dumps)
        auth_error = self._check_token(call)
        if auth_error:
            call.response = {"ok": False, "error": auth_error}
            return web.json_response(call.response, dumps=wire.dumps)
        failure = self._failures.get(call.method)
        if failure is not None and failure.take():
            call.response = {"ok": False, "error": failure.error, **failure.extra}
            return web.json_response(call.response, dumps=wire.dumps)

        responder = self._responders.get(call.method)
        if responder is None:
            builtin = getattr(self, "_m_" + call.method.replace(".", "_"), None)
            if builtin is None:
                call.response = {"ok": False, "error": "unknown_method"}
                return web.json_response(call.response, dumps=wire.dumps)
            result = builtin(call)
        elif callable(responder):
            result = responder(call)
        else:
            result = responder
        if asyncio.iscoroutine(result):
            result = await result
        if isinstance(result, web.Response):
            return result
        call.response = result
        headers = {"X-OAuth-Scopes": BOT_SCOPES} if call.method == "auth.test" else None
        return web.json_response(result, headers=headers, dumps=wire.dumps)

    def _check_token(self, call: ApiCall) -> str | None:
        """Slack's token rules: app-level tokens only open sockets, bot tokens do the rest."""
        if not self.check_tokens:
            return None
        token = call.token
        if not token:
            return "not_authed"
        if call.method == "apps.connections.open":
            return None if token.startswith("xapp-") else "not_allowed_token_type"
        if token.startswith("xapp-"):
            return "not_allowed_token_type"
        if not token.startswith(("xoxb-", "xoxp-")):
            return "invalid_auth"
        return None

    # ---- the message store

    def next_ts(self) -> str:
        return f"{self._ts_base}.{next(self._ts_seq):06d}"

    def add_message(self, channel: str, message: JsonDict) -> JsonDict:
        """Put a message into a channel's history (e.g. a user's message the bot saw)."""
        stored = {"type": "message", **message}
        stored.setdefault("ts", self.next_ts())
        self._count_reply(channel, stored)
        self.messages.setdefault(channel, []).append(stored)
        return stored

    def _count_reply(self, channel: str, message: JsonDict) -> None:
        """A reply names its parent's author; the parent counts its replies, as on Slack."""
        thread_ts = message.get("thread_ts")
        if not thread_ts or thread_ts == message["ts"]:
            return
        parent = self.find_message(channel, thread_ts)
        if parent is None:
            return
        if parent.get("user"):
            message.setdefault("parent_user_id", parent["user"])
        parent["thread_ts"] = thread_ts
        parent["reply_count"] = parent.get("reply_count", 0) + 1
        parent["latest_reply"] = message["ts"]
        users = parent.setdefault("reply_users", [])
        if message.get("user") and message["user"] not in users:
            users.append(message["user"])

    def delete_message(self, channel: str, ts: str) -> bool:
        """Delete a message as its author or an admin would. A thread's parent with replies
        becomes a tombstone ("This message was deleted."), its replies stay."""
        found = self.find_message(channel, ts)
        if found is None or found.get("subtype") == "tombstone":
            return False
        if found.get("reply_count"):
            keep = {k: found[k] for k in ("ts", "thread_ts", "reply_count", "reply_users",
                                           "latest_reply") if k in found}
            found.clear()
            found.update({"type": "message", "subtype": "tombstone", "text": TOMBSTONE_TEXT,
                          "user": "USLACKBOT", "hidden": True, **keep})
        else:
            self.messages[channel].remove(found)
        return True

    def thread_replies(self, channel: str, thread_ts: str) -> list[JsonDict]:
        """The replies in a thread, oldest first (not the parent)."""
        return [m for m in self.messages.get(channel, [])
                if m.get("thread_ts") == thread_ts and m["ts"] != thread_ts]

    def top_level(self, channel: str) -> list[JsonDict]:
        """A channel's messages outside threads (parents included), oldest first."""
        return [m for m in self.messages.get(channel, [])
                if m.get("thread_ts", m["ts"]) == m["ts"]]

    def add_reaction(self, channel: str, ts: str, user: str, name: str) -> bool:
        """``user`` reacts with ``name`` (no event: e.g. while the bot is offline)."""
        message = self.find_message(channel, ts)
        if message is None:
            return False
        reactions = message.setdefault("reactions", [])
        for reaction in reactions:
            if reaction["name"] == name:
                if user in reaction["users"]:
                    return False
                reaction["users"].append(user)
                reaction["count"] += 1
                return True
        reactions.append({"name": name, "users": [user], "count": 1})
        return True

    def remove_reaction(self, channel: str, ts: str, user: str, name: str) -> bool:
        message = self.find_message(channel, ts)
        for reaction in (message or {}).get("reactions", []):
            if reaction["name"] == name and user in reaction["users"]:
                reaction["users"].remove(user)
                reaction["count"] -= 1
                if not reaction["users"]:
                    message["reactions"].remove(reaction)  # type: ignore[index]
                    if not message["reactions"]:  # type: ignore[index]
                        del message["reactions"]  # type: ignore[attr-defined]
                return True
        return False

    def reactions_on(self, channel: str, ts: str) -> dict[str, list[str]]:
        """Reaction name -> the users who reacted, on one message."""
        message = self.find_message(channel, ts) or {}
        return {r["name"]: list(r["users"]) for r in message.get("reactions", [])}

    def find_message(self, channel: str, ts: str) -> JsonDict | None:
        return next((m for m in self.messages.get(channel, []) if m.get("ts") == ts), None)

    def _dm_for(self, user: str) -> str:
        if user not in self.dm_channels:
            self.dm_channels[user] = "D" + user.lstrip("UW")[:9].rjust(9, "0")
        return self.dm_channels[user]

    def _resolve_channel(self, channel: str) -> str:
        """chat.postMessage to a user id posts in the bot's DM with that user."""
        return self._dm_for(channel) if channel[:1] in ("U", "W") else channel

    def _bot_message(self, args: JsonDict, ts: str) -> JsonDict:
        message: JsonDict = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "app_id": self.app_id,
            "team": self.team_id,
            "text": args.get("text") or "",
            "ts": ts,
            "bot_profile": {"id": self.bot_id, "app_id": self.app_id, "name": self.bot_name},
        }
        if args.get("blocks") is not None:
            message["blocks"] = _decode_json_arg(args["blocks"])
        if args.get("thread_ts"):
            message["thread_ts"] = args["thread_ts"]
        if args.get("metadata") is not None:
            metadata = _decode_json_arg(args["metadata"])
            message["metadata"] = {
                "event_type": metadata.get("event_type"),
                "event_payload": metadata.get("event_payload", {}),
            }
        return message

    # ---- methods (the name after _m_ is the Web API method with "." replaced by "_")

    def _m_auth_test(self, call: ApiCall) -> JsonDict:
        return {
            "ok": True,
            "url": f"https://{self.team_domain}.slack.com/",
            "team": self.team_name,
            "user": self.bot_name,
            "team_id": self.team_id,
            "user_id": self.bot_user_id,
            "bot_id": self.bot_id,
            "is_enterprise_install": False,
        }

    def _m_chat_postMessage(self, call: ApiCall) -> JsonDict:
        args = call.args
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        refused = message_error(args)
        if refused is not None:
            return refused
        channel = self._resolve_channel(args["channel"])
        message = self._bot_message(args, self.next_ts())
        self._count_reply(channel, message)
        self.messages.setdefault(channel, []).append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": dict(message)}

    def _m_chat_postEphemeral(self, call: ApiCall) -> JsonDict:
        args = call.args
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("user"):
            return {"ok": False, "error": "user_not_found"}
        refused = message_error(args)
        if refused is not None:
            return refused
        ts = self.next_ts()
        self.ephemerals.append(
            {"channel": args["channel"], "user": args["user"], "message_ts": ts,
             "message": self._bot_message(args, ts)}
        )
        return {"ok": True, "message_ts": ts}

    def _m_chat_update(self, call: ApiCall) -> JsonDict:
        args = call.args
        message = self.find_message(args.get("channel", ""), args.get("ts", ""))
        if message is None or message.get("subtype") == "tombstone":
            return {"ok": False, "error": "message_not_found"}
        if message.get("user") != self.bot_user_id:  # a bot may edit only its own messages
            return {"ok": False, "error": "cant_update_message"}
        refused = message_error(args)
        if refused is not None:
            return refused
        update = self._bot_message(args, message["ts"])
        for key in ("text", "blocks", "metadata"):
            if key in update and args.get(key) is not None:
                message[key] = update[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self.next_ts()}
        return {"ok": True, "channel": args["channel"], "ts": message["ts"],
                "text": message.get("text", ""), "message": dict(message)}

    def _m_chat_delete(self, call: ApiCall) -> JsonDict:
        args = call.args
        channel, ts = args.get("channel", ""), args.get("ts", "")
        message = self.find_message(channel, ts)
        if message is None or message.get("subtype") == "tombstone":
            return {"ok": False, "error": "message_not_found"}
        if message.get("user") != self.bot_user_id:
            return {"ok": False, "error": "cant_delete_message"}
        self.delete_message(channel, ts)
        return {"ok": True, "channel": channel, "ts": ts}

    def _m_reactions_add(self, call: ApiCall) -> JsonDict:
        args = call.args
        channel, ts = args.get("channel", ""), args.get("timestamp", "")
        if not channel or not ts:
            return {"ok": False, "error": "no_item_specified"}
        if self.find_message(channel, ts) is None:
            # a message the fake never saw (a user's) is created on demand
            self.add_message(channel, {"ts": ts})
        if not self.add_reaction(channel, ts, self.bot_user_id, args.get("name", "")):
            return {"ok": False, "error": "already_reacted"}
        return {"ok": True}

    def _m_reactions_remove(self, call: ApiCall) -> JsonDict:
        args = call.args
        channel, ts = args.get("channel", ""), args.get("timestamp", "")
        if not channel or not ts:
            return {"ok": False, "error": "no_item_specified"}
        if self.find_message(channel, ts) is None:
            return {"ok": False, "error": "message_not_found"}
        if not self.remove_reaction(channel, ts, self.bot_user_id, args.get("name", "")):
            return {"ok": False, "error": "no_reaction"}
        return {"ok": True}

    def _m_users_info(self, call: ApiCall) -> JsonDict:
        """A person's profile: ``self.users`` (id -> display name) knows the names."""
        user = str(call.args.get("user", ""))
        if user not in self.users:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": {"id": user, "name": user.lower(),
                                     "profile": {"display_name": self.users[user],
                                                 "real_name": self.users[user]}}}

    def _m_usergroups_users_list(self, call: ApiCall) -> JsonDict:
        group = call.args.get("usergroup")
        if not group:
            return {"ok": False, "error": "invalid_arguments"}
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": list(self.usergroups[group])}

    def _m_reactions_get(self, call: ApiCall) -> JsonDict:
        args = call.args
        message = self.find_message(args.get("channel", ""), args.get("timestamp", ""))
        if message is None or message.get("subtype") == "tombstone":
            return {"ok": False, "error": "message_not_found"}
        return {"ok": True, "type": "message", "channel": args["channel"],
                "message": json.loads(json.dumps(message))}  # a copy, as sent over the wire

    def _m_conversations_open(self, call: ApiCall) -> JsonDict:
        users = [u for u in str(call.args.get("users", "")).split(",") if u]
        if len(users) != 1:
            return {"ok": False, "error": "users_list_not_supplied"}
        existed = users[0] in self.dm_channels
        answer: JsonDict = {"ok": True, "channel": {"id": self._dm_for(users[0])}}
        if existed:
            answer.update({"no_op": True, "already_open": True})
        return answer

    def _m_conversations_history(self, call: ApiCall) -> JsonDict:
        """Top-level messages, newest first; metadata only with include_all_metadata."""
        args = call.args
        channel = args.get("channel")
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        with_metadata = _truthy(args.get("include_all_metadata"))
        inclusive = _truthy(args.get("inclusive"))
        found = [
            m for m in self.messages.get(channel, [])
            if m.get("thread_ts", m["ts"]) == m["ts"]
        ]
        found.sort(key=lambda m: m["ts"], reverse=True)
        if args.get("latest"):
            found = [m for m in found
                     if m["ts"] < args["latest"] or (inclusive and m["ts"] == args["latest"])]
        if args.get("oldest"):
            found = [m for m in found
                     if m["ts"] > args["oldest"] or (inclusive and m["ts"] == args["oldest"])]
        limit = int(args.get("limit") or 100)
        page = [dict(m) for m in found[:limit]]
        if not with_metadata:
            for message in page:
                message.pop("metadata", None)
        return {"ok": True, "messages": page, "has_more": len(found) > limit,
                "response_metadata": {"next_cursor": ""}}

    def _m_files_getUploadURLExternal(self, call: ApiCall) -> JsonDict:
        args = call.args
        try:
            length = int(args.get("length", ""))
        except ValueError:
            return {"ok": False, "error": "invalid_arguments"}
        if not args.get("filename"):
            return {"ok": False, "error": "invalid_arguments"}
        file_id = f"F0{next(self._ids):07d}"
        self._pending_files[file_id] = {"filename": args["filename"], "length": length}
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}",
                "file_id": file_id}

    async def _handle_upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        data = await request.read()
        self.uploads.append(Upload(file_id, data, request.content_type))
        await self._notify()
        pending = self._pending_files.get(file_id)
        if pending is None:
            return web.Response(status=404, text="file not found")
        pending["data"] = data
        return web.Response(text=f"OK - {len(data)}")  # what files.slack.com answers

    def _m_files_completeUploadExternal(self, call: ApiCall) -> JsonDict:
        args = call.args
        files = _decode_json_arg(args.get("files", ""))
        if not isinstance(files, list) or not files:
            return {"ok": False, "error": "invalid_arguments"}
        done = []
        for entry in files:
            pending = self._pending_files.get(entry.get("id", ""))
            if pending is None or "data" not in pending:
                return {"ok": False, "error": "file_not_found"}
            info = {"id": entry["id"], "name": pending["filename"],
                    "title": entry.get("title") or pending["filename"],
                    "size": len(pending["data"]), "user": self.bot_user_id}
            self.files[entry["id"]] = {**info, "data": pending["data"]}
            del self._pending_files[entry["id"]]
            done.append(info)
        if args.get("channel_id"):  # sharing the files posts a message
            shared: JsonDict = {"user": self.bot_user_id, "bot_id": self.bot_id,
                                "text": args.get("initial_comment", ""), "files": done}
            if args.get("thread_ts"):
                shared["thread_ts"] = args["thread_ts"]
            self.add_message(args["channel_id"], shared)
        return {"ok": True, "files": done}

    def _m_apps_connections_open(self, call: ApiCall) -> JsonDict:
        return {"ok": True, "url": f"ws://{self.host}:{self.port}/socket?ticket="
                                   f"{uuid.uuid4().hex}&app_id={self.app_id}"}

    # -------------------------------------------------------------------- response_url

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            body: Any = json.loads(raw) if raw else None
        except ValueError:
            body = raw.decode(errors="replace")
        key = request.match_info["key"]
        self.response_posts.append(ResponseUrlPost(key, body, dict(request.headers)))
        await self._notify()
        if self._response_url_gate is not None:
            await self._response_url_gate.wait()
        if key in self._response_url_failures:
            status, text = self._response_url_failures[key]
            return web.Response(status=status, text=text)
        refused = message_error(body) if isinstance(body, dict) else None
        if refused is not None:
            return web.Response(status=400, text=refused["error"])
        return web.Response(text="ok")

    # -------------------------------------------------------------------- Socket Mode

    async def _handle_socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()  # autoping answers the client's pings
        await ws.prepare(request)
        self._sockets.append(ws)
        self.socket_connects += 1
        await ws.send_json({
            "type": "hello",
            "num_connections": len(self._sockets),
            "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.app_id},
        }, dumps=wire.dumps)
        await self._notify()
        try:
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(frame.data)
                if isinstance(data, dict) and "envelope_id" in data:
                    self.socket_acks.append(
                        SocketAck(data["envelope_id"], data.get("payload"), data)
                    )
                    await self._notify()
        finally:
            if ws in self._sockets:
                self._sockets.remove(ws)
            await self._notify()
        return ws

    @property
    def socket_count(self) -> int:
        return len(self._sockets)

    async def wait_for_socket(self, *, within: float = DEFAULT_WAIT) -> web.WebSocketResponse:
        return await self.wait_until(
            lambda: self._sockets[-1] if self._sockets else None,
            what="a Socket Mode connection", within=within,
        )

    async def send_envelope(self, kind: str, payload: JsonDict, *, retry_attempt: int = 0,
                            socket: int | None = None) -> str:
        """Push an envelope (events_api, slash_commands, interactive) to the newest socket,
        or to the ``socket``-th open one (Slack spreads envelopes over an app's sockets)."""
        ws = await self.wait_for_socket() if socket is None else self._sockets[socket]
        envelope_id = str(uuid.uuid4())
        envelope: JsonDict = {
            "envelope_id": envelope_id,
            "payload": payload,
            "type": kind,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = "timeout" if retry_attempt else ""
        await ws.send_json(envelope, dumps=wire.dumps)
        return envelope_id

    async def send_disconnect(self, reason: str = "warning") -> None:
        """Ask the client to reconnect (it calls apps.connections.open again)."""
        ws = await self.wait_for_socket()
        await ws.send_json({"type": "disconnect", "reason": reason}, dumps=wire.dumps)

    async def wait_for_ack(self, envelope_id: str, *, within: float = DEFAULT_WAIT) -> SocketAck:
        return await self.wait_until(
            lambda: next((a for a in self.socket_acks if a.envelope_id == envelope_id), None),
            what=f"the ack of envelope {envelope_id}", within=within,
        )

    # -------------------------------------------------------------------- payload builders

    def event_callback(self, event: JsonDict) -> JsonDict:
        """Wrap an event in the Events API body (also the Socket Mode events_api payload)."""
        return {
            "token": "fake-verification-token",
            "team_id": self.team_id,
            "context_team_id": self.team_id,
            "api_app_id": self.app_id,
            "event": event,
            "type": "event_callback",
            "event_id": "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [{"enterprise_id": None, "team_id": self.team_id,
                                "user_id": self.bot_user_id, "is_bot": True,
                                "is_enterprise_install": False}],
            "is_ext_shared_channel": False,
        }

    def _user_message(
        self, channel: str, user: str | None, text: str, thread_ts: str | None, extra: JsonDict
    ) -> JsonDict:
        message: JsonDict = {"type": "message", "ts": self.next_ts(), "text": text,
                             "team": self.team_id, **extra}
        if user is not None:
            message["user"] = user
            message["client_msg_id"] = str(uuid.uuid4())
        if thread_ts:
            message["thread_ts"] = thread_ts
        stored = self.add_message(channel, dict(message))
        if "parent_user_id" in stored:  # a reply's event names the parent's author
            message["parent_user_id"] = stored["parent_user_id"]
        return message

    def app_mention(
        self,
        text: str | None = None,
        *,
        user: str = "U0ALICE",
        channel: str = "C0GENERAL",
        thread_ts: str | None = None,
        **extra: Any,
    ) -> JsonDict:
        """A user mentioning the bot in a channel (``text`` defaults to a bare mention)."""
        text = f"<@{self.bot_user_id}> hello" if text is None else text
        message = self._user_message(channel, user, text, thread_ts, extra)
        return self.event_callback(
            {**message, "type": "app_mention", "channel": channel, "event_ts": message["ts"]}
        )

    def message_event(
        self,
        text: str = "hello",
        *,
        user: str | None = "U0ALICE",
        channel: str = "D0ALICE",
        channel_type: str = "im",
        thread_ts: str | None = None,
        **extra: Any,
    ) -> JsonDict:
        """A message event (message.im by default); user=None with bot_id/subtype for bots."""
        message = self._user_message(channel, user, text, thread_ts, extra)
        return self.event_callback(
            {**message, "channel": channel, "event_ts": message["ts"],
             "channel_type": channel_type}
        )

    def reaction_event(
        self,
        channel: str,
        ts: str,
        *,
        user: str = "U0ALICE",
        name: str = "+1",
        added: bool = True,
    ) -> JsonDict:
        """``user`` adds (or removes) a reaction on a message: the store changes and the
        ``reaction_added``/``reaction_removed`` event comes back."""
        message = self.find_message(channel, ts)
        if added:
            self.add_reaction(channel, ts, user, name)
        else:
            self.remove_reaction(channel, ts, user, name)
        event: JsonDict = {
            "type": "reaction_added" if added else "reaction_removed",
            "user": user,
            "reaction": name,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "event_ts": self.next_ts(),
        }
        if message is not None and message.get("user"):
            event["item_user"] = message["user"]
        return self.event_callback(event)

    def bot_message_event(
        self,
        text: str = "bot says hi",
        *,
        channel: str = "D0ALICE",
        bot_user_id: str | None = None,
        bot_id: str | None = None,
    ) -> JsonDict:
        """What Slack sends when a bot posts (this bot unless other ids are given)."""
        bot_id = bot_id or self.bot_id
        return self.message_event(
            text,
            user=bot_user_id or self.bot_user_id,
            channel=channel,
            bot_id=bot_id,
            app_id=self.app_id,
            bot_profile={"id": bot_id, "app_id": self.app_id, "name": self.bot_name},
        )

    def slash_command(
        self,
        command: str = "/workshop",
        text: str = "",
        *,
        user: str = "U0ALICE",
        channel: str = "C0GENERAL",
        response_url: str | None = None,
    ) -> dict[str, str]:
        """A slash command's form fields (form-encode them for HTTP; a dict in Socket Mode)."""
        return {
            "token": "fake-verification-token",
            "team_id": self.team_id,
            "team_domain": self.team_domain,
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "general",
            "user_id": user,
            "user_name": f"user-{user.lower()}",
            "command": command,
            "text": text,
            "api_app_id": self.app_id,
            "is_enterprise_install": "false",
            "response_url": response_url or self.response_url(),
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.{uuid.uuid4().hex[:16]}",
        }

    def block_actions(
        self,
        action_id: str,
        value: str,
        *,
        user: str = "U0ALICE",
        channel: str = "C0GENERAL",
        message_ts: str | None = None,
        response_url: str | None = None,
    ) -> JsonDict:
        """A button click (block_actions) on a bot message, created when not given."""
        message = self.find_message(channel, message_ts) if message_ts else None
        if message is None:
            message = self.add_message(channel, {
                "user": self.bot_user_id, "bot_id": self.bot_id, "text": "pick one",
                "blocks": [{"type": "actions", "block_id": "b1", "elements": [
                    {"type": "button", "action_id": action_id, "value": value,
                     "text": {"type": "plain_text", "text": value}},
                ]}],
            })
        return {
            "type": "block_actions",
            "user": {"id": user, "username": f"user-{user.lower()}", "team_id": self.team_id},
            "api_app_id": self.app_id,
            "token": "fake-verification-token",
            "container": {"type": "message", "message_ts": message["ts"],
                          "channel_id": channel, "is_ephemeral": False},
            "trigger_id": f"{next(self._ids)}.{int(time.time())}.{uuid.uuid4().hex[:16]}",
            "team": {"id": self.team_id, "domain": self.team_domain},
            "channel": {"id": channel, "name": "general"},
            "message": dict(message),
            "state": {"values": {}},
            "response_url": response_url or self.response_url(),
            "actions": [{"action_id": action_id, "block_id": "b1", "value": value,
                         "type": "button", "text": {"type": "plain_text", "text": value},
                         "action_ts": f"{time.time():.6f}"}],
        }


# ------------------------------------------------------------------------------ signing


class SlackSigner:
    """Slack's request signature: "v0=" + hex(HMAC-SHA256(secret, "v0:{ts}:{raw body}"))."""

    def __init__(self, signing_secret: str) -> None:
        self.signing_secret = signing_secret

    def signature(self, body: str, timestamp: int | str) -> str:
        base = f"v0:{timestamp}:{body}".encode()
        return "v0=" + hmac.new(self.signing_secret.encode(), base, hashlib.sha256).hexdigest()

    def headers(self, body: str, timestamp: int | None = None) -> dict[str, str]:
        ts = int(time.time()) if timestamp is None else timestamp
        return {"X-Slack-Request-Timestamp": str(ts), "X-Slack-Signature": self.signature(body, ts)}


@dataclass
class PostResult:
    """What the bot's HTTP endpoint answered."""

    status: int
    text: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.text)


class SignedPoster:
    """Sends Events API, slash-command and interactivity requests as Slack does.

    ``timestamp`` sets the signed timestamp (stale or future ones are rejected by the
    bot), ``signature`` replaces the computed one, ``sign=False`` sends no signature
    headers at all, and ``tamper`` changes the body after signing it.
    """

    def __init__(self, session: aiohttp.ClientSession, url: str, signing_secret: str) -> None:
        self.session = session
        self.url = url
        self.signer = SlackSigner(signing_secret)

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        sign: bool = True,
        tamper: Callable[[str], str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> PostResult:
        sent = {"Content-Type": content_type,
                "User-Agent": "Slackbot 1.0 (+https://api.slack.com/robots)"}
        if sign:
            sent.update(self.signer.headers(body, timestamp))
            if signature is not None:
                sent["X-Slack-Signature"] = signature
        sent.update(headers or {})
        data = (tamper(body) if tamper else body).encode()
        async with self.session.post(self.url, data=data, headers=sent) as response:
            return PostResult(response.status, await response.text(), dict(response.headers))

    async def event(self, payload: JsonDict, *, retry_num: int | None = None,
                    **options: Any) -> PostResult:
        """An Events API body; ``retry_num`` marks it as Slack's redelivery."""
        headers = dict(options.pop("headers", None) or {})
        if retry_num is not None:
            headers.update({"X-Slack-Retry-Num": str(retry_num),
                            "X-Slack-Retry-Reason": "http_timeout"})
        return await self.post(json.dumps(payload), "application/json", headers=headers,
                               **options)

    async def command(self, form: dict[str, str], **options: Any) -> PostResult:
        return await self.post(urlencode(form), "application/x-www-form-urlencoded", **options)

    async def interaction(self, payload: JsonDict, **options: Any) -> PostResult:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded", **options)
