"""Which Slack user groups a person is in, for the core to decide who moderates.

The program file may name moderators by user group (``moderators.slack_usergroups``).
Slack events do not say which groups a user belongs to, so the members of each named
group are read with ``usergroups.users.list`` and kept for a few minutes: asking on
every message would spend the method's rate limit, and a change of membership reaching
the bot a few minutes late is harmless. Only the groups the program names are read, and
nothing at all when it names none.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.transport import NETWORK_ERRORS, error_code

log = logging.getLogger(__name__)

MEMBERS_TTL = 300.0  # seconds a group's member list is trusted


@dataclass(frozen=True, slots=True)
class _Members:
    users: frozenset[str]
    until: float  # monotonic time after which the list is read again


class UserGroups:
    """The members of user groups, each list cached for ``ttl`` seconds."""

    def __init__(self, ttl: float = MEMBERS_TTL,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._monotonic = monotonic
        self._members: dict[str, _Members] = {}
        self._lock = asyncio.Lock()  # one reading per group at a time, not one per message

    async def of(self, client: AsyncWebClient, user: str, groups: Sequence[str]
                 ) -> tuple[str, ...]:
        """The ids of those of ``groups`` that ``user`` is a member of."""
        found = []
        for group in groups:
            if user in await self._members_of(client, group):
                found.append(group)
        return tuple(found)

    async def _members_of(self, client: AsyncWebClient, group: str) -> frozenset[str]:
        cached = self._members.get(group)
        if cached is not None and cached.until > self._monotonic():
            return cached.users
        async with self._lock:
            cached = self._members.get(group)  # another message may have read it meanwhile
            if cached is not None and cached.until > self._monotonic():
                return cached.users
            users = await self._read(client, group)
            if users is None:  # Slack failed: keep the last list we had, or nobody
                users = cached.users if cached is not None else frozenset()
            self._members[group] = _Members(users, self._monotonic() + self.ttl)
            return users

    @staticmethod
    async def _read(client: AsyncWebClient, group: str) -> frozenset[str] | None:
        try:
            response = await client.usergroups_users_list(usergroup=group)
        except SlackApiError as exc:
            code = error_code(exc)
            log.warning("Slack usergroups.users.list failed for %s: %s (its members are not "
                        "recognised as moderators for now)", group, code)
            return None
        except NETWORK_ERRORS as exc:
            log.warning("Slack usergroups.users.list failed for %s: %s", group,
                        type(exc).__name__)
            return None
        return frozenset(response.get("users") or ())
