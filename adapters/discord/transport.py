"""Sending answers to Discord, and what happens when Discord says no.

discord.py already waits out rate limits (429s) and retries server errors; what reaches
us is a request that failed for good. It is logged on one line with the route and the
status (interaction tokens masked: they are credentials for 15 minutes), and the bot
carries on: a failed reply must never take the client down. When Discord rejected the
reply itself (a 400: something in our payload), a plain apology is tried instead;
after a 401/403/404/429 or a 5xx the same channel would refuse that too.

Because discord.py retries inside, the failures that reach us are not all there were:
:func:`http_trace` sees every answer on the client's HTTP session (the 429s it waited
out, the 5xx it retried) and counts the failed and rate-limited ones for ``/metrics``,
with aiohttp's own tracing hooks, which discord.py takes as ``http_trace``.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from types import SimpleNamespace
from typing import TypedDict

import aiohttp
import discord
from discord import app_commands

from adapters.discord.render import Rendered, text_only
from bot.messages import APOLOGY
from bot.metrics import PlatformErrorKind

log = logging.getLogger(__name__)

API_PREFIX = re.compile(r"^.*?/api/v\d+")
TOKEN_IN_PATH = re.compile(r"(/(?:interactions|webhooks)/\d+/)[^/]+")
TRANSPORT_ERRORS = (aiohttp.ClientError, OSError, TimeoutError)
FAILURES = (discord.HTTPException, *TRANSPORT_ERRORS)  # a call that did not get through
NONCE_CHARS = 25  # Discord's limit for a string nonce


class ChannelOptions(TypedDict, total=False):
    """What a message sent to a channel carries besides itself (``Messageable.send``): a
    reply's reference is left out in DMs, a view when there are no buttons."""

    nonce: str
    reference: discord.MessageReference
    mention_author: bool
    view: discord.ui.View


def route_of(exc: discord.HTTPException) -> str:
    """ "POST /channels/123/messages": the failed request, relative to the API base."""
    response = exc.response
    method = getattr(response, "method", "?")
    url = getattr(response, "url", None)
    path = str(getattr(url, "path", "") or "?")
    path = TOKEN_IN_PATH.sub(r"\1<token>", API_PREFIX.sub("", path))
    return f"{method} {path}"


def nonce_of(key: str) -> str:
    """A message nonce from a stable key: Discord keeps one message per nonce for a few
    minutes, so a retried send of the same message stays one message."""
    return hashlib.sha256(key.encode()).hexdigest()[:NONCE_CHARS]


def log_http_error(what: str, exc: discord.HTTPException) -> None:
    reason = getattr(exc.response, "reason", "") or ""
    detail = " ".join(exc.text.split()) if exc.text else ""
    log.error("Discord %s failed: %s -> %s %s (code %s)%s", what, route_of(exc), exc.status,
              reason, exc.code, f": {detail}" if detail else "")


def log_transport_error(what: str, exc: BaseException) -> None:
    log.error("Discord %s failed: no answer from Discord: %s: %s", what, type(exc).__name__,
              exc)


def log_failure(what: str, exc: BaseException) -> None:
    """One line for a call in ``FAILURES``: Discord's refusal with its route and status, or
    the error of a call Discord never answered."""
    if isinstance(exc, discord.HTTPException):
        log_http_error(what, exc)
    else:
        log_transport_error(what, exc)


def http_trace(report: Callable[[PlatformErrorKind], None]) -> aiohttp.TraceConfig:
    """aiohttp tracing for the client's session (``discord.Client(http_trace=...)``):
    ``report`` (the core's ``platform_error``) is told of every 429 (``rate_limited``,
    waited out or not), every other answer of 400 or more and every request that got
    no answer (``error``), retried ones included."""

    async def ended(_session: aiohttp.ClientSession, _context: SimpleNamespace,
                    params: aiohttp.TraceRequestEndParams) -> None:
        status = params.response.status
        if status == 429:
            report("rate_limited")
        elif status >= 400:
            report("error")

    async def failed(_session: aiohttp.ClientSession, _context: SimpleNamespace,
                     _params: aiohttp.TraceRequestExceptionParams) -> None:
        report("error")

    trace = aiohttp.TraceConfig()
    trace.on_request_end.append(ended)
    trace.on_request_exception.append(failed)
    return trace


def worth_apologising(exc: BaseException) -> bool:
    """Only a request Discord refused as malformed (400) may go through as the apology."""
    return isinstance(exc, discord.HTTPException) and exc.status == 400


async def send_reply(message: discord.Message, rendered: Rendered) -> discord.Message | None:
    """Answer a user's message in its channel.

    In a guild it is a reply to their message (no ping: the author is not mentioned), so
    the answer is clearly theirs in a busy channel. The nonce is the question's id:
    Discord keeps one message per nonce, so the same question delivered twice (a replay)
    still gets one answer, and discord.py's 429 retry resends the same nonce.
    """
    options = ChannelOptions(nonce=str(message.id))
    if message.guild is not None:
        options.update(reference=message.to_reference(fail_if_not_exists=False),
                       mention_author=False)
    try:
        return await send(message.channel, rendered, options)
    except FAILURES as exc:
        log_failure("reply", exc)
        if not worth_apologising(exc):
            return None
    try:
        return await send(message.channel, text_only(APOLOGY), options)
    except FAILURES as exc:
        log_failure("apology", exc)
    return None


async def send(channel: discord.abc.Messageable, rendered: Rendered,
               options: ChannelOptions) -> discord.Message:
    """One attempt at sending ``rendered`` to ``channel``; failures are the caller's."""
    return await channel.send(**rendered.fields(), **options)


async def respond(interaction: discord.Interaction, rendered: Rendered, *, ephemeral: bool
                  ) -> bool:
    """Answer a slash command (within Discord's 3 seconds: the core answers at once), or
    complete a deferred one with a follow-up."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(**rendered.fields(), ephemeral=ephemeral)
        else:
            await interaction.response.send_message(**rendered.fields(), ephemeral=ephemeral)
        return True
    except FAILURES as exc:
        log_failure(f"/{command_name(interaction)} response", exc)
        if not worth_apologising(exc):
            return False
    return await apologise(interaction)


async def defer(interaction: discord.Interaction, *, ephemeral: bool) -> bool:
    """Tell Discord the answer is coming ("thinking…"), for work that may take longer
    than the 3 seconds an interaction allows (creating every Q&A thread)."""
    try:
        await interaction.response.defer(ephemeral=ephemeral, thinking=True)
        return True
    except FAILURES as exc:
        log_failure(f"/{command_name(interaction)} defer", exc)
    return False


async def apologise(interaction: discord.Interaction) -> bool:
    """The apology, privately: as the answer, or as a follow-up to a deferred one."""
    try:
        if interaction.response.is_done():
            deferred = discord.InteractionResponseType.deferred_channel_message
            if interaction.response.type is not deferred:
                return False  # answered already: nothing to apologise for
            await interaction.followup.send(APOLOGY, ephemeral=True)
            return True
        await interaction.response.send_message(APOLOGY, ephemeral=True)
        return True
    except FAILURES as exc:
        log_failure(f"/{command_name(interaction)} apology", exc)
    return False


async def suggest(interaction: discord.Interaction,
                  choices: Sequence[app_commands.Choice[str]]) -> None:
    """Autocomplete choices. Discord drops a suggestion that comes late (the user typed
    on), which is routine: logged, never raised."""
    try:
        await interaction.response.autocomplete(list(choices))
    except FAILURES as exc:
        log_failure(f"/{command_name(interaction)} autocomplete", exc)


def command_name(interaction: discord.Interaction) -> str:
    data = interaction.data or {}
    return str(data.get("name", "?"))
