"""What every request to the HTTP endpoint passes before slack-bolt sees it.

Anyone on the network can post to ``/slack/events``, so nothing of a request is read
for meaning until Slack's signature says it is Slack's, in this order:

1. its size: a body over :data:`MAX_BODY` is refused (413) before or while it is read,
   so a request costs at most that much memory;
2. its signature and timestamp (Slack's ``v0`` HMAC of the raw body with the signing
   secret; the timestamp within 5 minutes of the wall clock, so a recorded request
   cannot be replayed later): 401 otherwise. Malformed headers and bodies that are not
   UTF-8 are refused here too, as unsigned, without an exception;
3. only then is the body parsed, the way bolt parses it; a signed body that is not a
   JSON object or a form (which Slack does not send) gets 400.

bolt would check the signature itself, but only after parsing the body (a malformed
JSON body got a 500 and a traceback), and it logs the whole body of every forged
request; so the app is built with bolt's own check off, and this is the one check.
Every refusal is one WARNING line without the body, rate-limited by
:class:`~adapters.slack.refusals.RefusalLog`.

The wall clock is passed in: Slack's timestamps are real time, so the check must use
real time even when the bot's own clock is a rehearsal's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.request.async_internals import build_async_context
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import Clock, SignatureVerifier

from adapters.slack.refusals import RefusalLog

MAX_BODY = 1024 * 1024  # bytes; Slack's events and commands are a few kilobytes
TIMESTAMP_WINDOW = 300  # seconds a signed timestamp may be off: Slack's 5 minutes
TIMESTAMP_DIGITS = 12  # more than any Unix time in seconds for a long while
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"
FORM = "application/x-www-form-urlencoded"

UNSIGNED = "unsigned"
OVERSIZED = "oversized"
UNREADABLE = "unreadable"


class WallClock(Clock):
    """slack-sdk's clock for the signature's timestamp, reading the time passed in."""

    def __init__(self, now: Callable[[], float]) -> None:
        self._now = now

    def now(self) -> float:
        return self._now()


def repair_form_body(request: AsyncBoltRequest) -> None:
    """Undo bolt's misreading of form bodies that contain the word "payload".

    slack-bolt 1.30 takes any non-JSON body containing "payload" for an interactivity
    request (``payload=<json>``); a slash command like ``/workshop search payload``
    then arrives as ``{}`` and is answered 404. A form without a ``payload`` field is
    parsed again as the plain form it is.
    """
    if request.body or request.content_type != FORM or "payload" not in request.raw_body:
        return
    fields = dict(parse_qsl(request.raw_body, keep_blank_values=True))
    if fields and "payload" not in fields:
        request.body = fields
        request.context = build_async_context(AsyncBoltContext({}), fields)


class RequestChecks:
    """Admits a request to bolt once it is small enough, signed, and readable."""

    def __init__(self, signing_secret: str, refusals: RefusalLog,
                 wall: Callable[[], float], max_body: int = MAX_BODY) -> None:
        self._verifier = SignatureVerifier(signing_secret, WallClock(wall))
        self._wall = wall
        self._refusals = refusals
        self.max_body = max_body

    async def admit(self, request: web.Request) -> AsyncBoltRequest | web.Response:
        """The request for bolt, or the response that refuses it (logged)."""
        peer = request.remote or "an unknown address"
        length = request.content_length
        if length is not None and length > self.max_body:
            return self._refuse(OVERSIZED, 413, "a body of %d bytes (the limit is %d)", peer,
                                length, self.max_body)
        try:
            raw = await request.read()  # the server stops reading beyond max_body
        except web.HTTPRequestEntityTooLarge:
            return self._refuse(OVERSIZED, 413, "a body over %d bytes", peer, self.max_body)
        except HttpProcessingError as exc:  # a broken chunked or compressed body
            return self._refuse(UNREADABLE, 400, "a body that could not be read (%s)", peer,
                                type(exc).__name__)
        unsigned = self._unsigned(request.headers, raw)
        if unsigned is not None:
            return self._refuse(UNSIGNED, 401, unsigned, peer)
        admitted = self._parse(raw.decode(), request)
        if admitted is None:
            return self._refuse(UNREADABLE, 400, "a signed body that is neither a JSON "
                                "object nor a form", peer)
        return admitted

    def _unsigned(self, headers: Mapping[str, str], raw: bytes) -> str | None:
        """Why the request is not Slack's, in words for the log; None when it is."""
        timestamp = headers.get(TIMESTAMP_HEADER)
        signature = headers.get(SIGNATURE_HEADER)
        if not timestamp or not signature:
            return "no signature"
        if not (timestamp.isascii() and timestamp.isdigit()
                and len(timestamp) <= TIMESTAMP_DIGITS):
            return "a malformed timestamp"
        if abs(self._wall() - int(timestamp)) > TIMESTAMP_WINDOW:
            return "a timestamp more than 5 minutes off (a replay, or a wrong clock)"
        if not signature.isascii():
            return "a malformed signature"
        try:
            body = raw.decode()
        except UnicodeDecodeError:
            return "a body that is not UTF-8"
        if not self._verifier.is_valid(body, timestamp, signature):
            return "a wrong signature (another signing secret, or a changed body)"
        return None

    @staticmethod
    def _parse(body: str, request: web.Request) -> AsyncBoltRequest | None:
        """The body as bolt reads it (JSON, a form, or a form's JSON ``payload``)."""
        try:
            admitted = AsyncBoltRequest(body=body, query=request.query_string,
                                        headers=dict(request.headers))
        except (ValueError, TypeError, AttributeError, RecursionError):
            return None  # not JSON, or JSON that is not an object
        if not isinstance(admitted.body, dict):
            return None
        repair_form_body(admitted)
        return admitted

    def _refuse(self, kind: str, status: int, why: str, peer: str, *args: object
                ) -> web.Response:
        self._refusals.refused(kind, f"Slack HTTP: refused a request from %s: {why} (%d)",
                               peer, *args, status)
        return web.Response(status=status, text="")
