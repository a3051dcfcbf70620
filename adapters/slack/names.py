"""People's display names on Slack, for what the bot shows under their name.

Slack's events carry a user id only (a slash command also its legacy ``user_name``).
The names are wanted rarely: a question stored with its author, an answer posted "from"
a moderator, the dashboard's author column, a login link's owner. So a name is looked
up (``users.info``) only when the core asks for it (through the event's standing
lookup), then kept for an hour, at most NAMES_KEPT of them; a failed lookup gives None,
and the core then shows the id, as before.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.transport import NETWORK_ERRORS, answer_of, error_code

log = logging.getLogger(__name__)

NAME_TTL = 3600.0  # seconds a name is trusted (people rename themselves, rarely)
NAMES_KEPT = 10_000


def display_name(user: Mapping[str, Any]) -> str | None:
    """What Slack shows for a person: the display name, else the real name, else the
    account name."""
    profile = user.get("profile")
    profile = profile if isinstance(profile, Mapping) else {}
    for name in (profile.get("display_name"), profile.get("real_name"),
                 user.get("real_name"), user.get("name")):
        if isinstance(name, str) and name.strip():
            return name.strip()
    return None


class SlackNames:
    def __init__(self, ttl: float = NAME_TTL,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._names: OrderedDict[str, tuple[str | None, float]] = OrderedDict()

    async def of(self, client: AsyncWebClient, user_id: str) -> str | None:
        found = self._names.get(user_id)
        if found is not None and found[1] > self._monotonic():
            return found[0]
        try:
            name = display_name(answer_of(await client.users_info(user=user_id)).get("user")
                                or {})
        except SlackApiError as exc:
            log.debug("Slack users.info for %s failed: %s", user_id, error_code(exc))
            name = None
        except NETWORK_ERRORS as exc:
            log.debug("Slack users.info for %s failed: %s", user_id, type(exc).__name__)
            return None  # not kept: the next question tries again
        self._names[user_id] = (name, self._monotonic() + self.ttl)
        self._names.move_to_end(user_id)
        while len(self._names) > NAMES_KEPT:
            self._names.popitem(last=False)
        return name
