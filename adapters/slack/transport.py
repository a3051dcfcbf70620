"""How Slack calls fail, in the words the adapter logs them with.

A Web API error carries Slack's code (``channel_not_found``, ``ratelimited``) or, when
there is none, only the HTTP status; a call that got no answer at all fails with one of
``NETWORK_ERRORS``. Every sender in this package reports failures through these two.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse

NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError)


def error_code(exc: SlackApiError) -> str:
    """Slack's error code, or "HTTP <status>" when the answer had none."""
    return str(exc.response.get("error") or f"HTTP {exc.response.status_code}")


def answer_of(response: AsyncSlackResponse) -> Mapping[str, Any]:
    """A Web API call's JSON answer. slack-sdk types ``data`` as dict or bytes (bytes only
    for file downloads, which the bot never makes); anything else is Slack's fault."""
    if not isinstance(response.data, dict):
        raise SlackApiError("Slack answered with something that is not JSON", response)
    return response.data
