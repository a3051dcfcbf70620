"""How Slack calls fail, in the words the adapter logs them with.

A Web API error carries Slack's code (``channel_not_found``, ``ratelimited``) or, when
there is none, only the HTTP status; a call that got no answer at all fails with one of
``NETWORK_ERRORS``. Every sender in this package reports failures through these two.

Every call's answer is also seen by :class:`CallWatch`, one of the client's retry
handlers, which counts the failed and rate-limited ones for ``/metrics``: that is the one
place every Web API call passes, the retried attempts included.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.metrics import PlatformErrorKind

NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError)
# Codes the adapter asks for knowingly: a status mark is set by removing the others,
# whether or not they are there. They are answers, not failures.
EXPECTED_CODES = frozenset({"already_reacted", "no_reaction"})


def error_code(exc: SlackApiError) -> str:
    """Slack's error code, or "HTTP <status>" when the answer had none."""
    return str(exc.response.get("error") or f"HTTP {exc.response.status_code}")


def answer_of(response: AsyncSlackResponse) -> Mapping[str, Any]:
    """A Web API call's JSON answer. slack-sdk types ``data`` as dict or bytes (bytes only
    for file downloads, which the bot never makes); anything else is Slack's fault."""
    if not isinstance(response.data, dict):
        raise SlackApiError("Slack answered with something that is not JSON", response)
    return response.data


def failure_of(response: HttpResponse | None, error: Exception | None
               ) -> PlatformErrorKind | None:
    """What one attempt's outcome counts as: ``rate_limited`` (a 429), ``error`` (no
    answer, an HTTP error, or ``ok: false`` with an unexpected code), or None."""
    if error is not None:
        return "error"
    if response is None:
        return None
    if response.status_code == 429:
        return "rate_limited"
    if response.status_code >= 400:
        return "error"
    body = response.body or {}
    if body.get("ok") is False and body.get("error") not in EXPECTED_CODES:
        return "error"
    return None


class CallWatch(AsyncRetryHandler):
    """Tells ``report`` of every failed or rate-limited Web API attempt. It never asks for
    a retry: placed first among the client's retry handlers it is asked about every
    attempt (slack-sdk stops asking at the first handler that retries), and the
    handlers after it decide as before."""

    def __init__(self, report: Callable[[PlatformErrorKind], None]) -> None:
        super().__init__(max_retry_count=0)
        self._report = report

    async def can_retry_async(self, *, state: RetryState, request: HttpRequest,
                              response: HttpResponse | None = None,
                              error: Exception | None = None) -> bool:
        kind = failure_of(response, error)
        if kind is not None:
            self._report(kind)
        return False
