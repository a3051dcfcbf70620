"""Messages the bot sends on its own to Slack (reminders, notices), once each.

Every message carries its ledger key in Slack's message metadata. After a crash between
"decided to send" and "Slack accepted it", :meth:`SlackOutbound.find_delivered` reads the
channel's (or the DM's) recent history with metadata and finds the message if Slack has
it, so it is neither lost nor posted twice. DMs go to the user id as ``channel``: Slack
posts them in the bot's DM with that person.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound, render
from adapters.slack.transport import NETWORK_ERRORS, error_code
from bot.adapter import DeliveryError
from bot.messages import Outgoing

log = logging.getLogger(__name__)

EVENT_TYPE = "workshop_bot_message"
# Recent messages searched for a key after a crash: a claim is taken over within seconds
# (the lease) and never later than the grace window, so the message, if sent, is recent.
HISTORY_PAGE = 200
# Errors that another attempt cannot fix: the person or channel is gone or closed to us.
PERMANENT = frozenset({
    "channel_not_found", "user_not_found", "not_in_channel", "is_archived", "cannot_dm_bot",
    "user_disabled", "account_inactive", "restricted_action", "msg_too_long", "invalid_blocks",
    "no_permission", "missing_scope", "not_allowed_token_type", "team_access_not_granted",
})


class SlackOutbound:
    """Posts :class:`Outgoing` messages with one Web API client."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def deliver(self, message: Outgoing) -> str | None:
        slack = render.to_message(message.reply, message.buttons)
        try:
            response = await self.client.chat_postMessage(
                channel=message.target,
                metadata={"event_type": EVENT_TYPE, "event_payload": {"key": message.key}},
                **slack.post_fields(),
            )
        except SlackApiError as exc:
            code = error_code(exc)
            raise DeliveryError(f"chat.postMessage: {code}", permanent=code in PERMANENT) from None
        except NETWORK_ERRORS as exc:
            raise DeliveryError(f"chat.postMessage: {type(exc).__name__}: {exc}",
                                permanent=False) from None
        return f"{response.get('channel')}:{response.get('ts')}"

    async def find_delivered(self, message: Outgoing) -> str | None:
        """The message's ``channel:ts`` if Slack already has it (looked up by its key)."""
        try:
            channel = message.target
            if message.direct:
                opened = await self.client.conversations_open(users=message.target)
                channel = inbound.opened_channel(opened)
            history = await self.client.conversations_history(
                channel=channel, include_all_metadata=True, limit=HISTORY_PAGE,
            )
        except SlackApiError as exc:
            code = error_code(exc)
            raise DeliveryError(f"looking for an earlier send: {code}",
                                permanent=code in PERMANENT) from None
        except NETWORK_ERRORS as exc:
            raise DeliveryError(f"looking for an earlier send: {type(exc).__name__}",
                                permanent=False) from None
        for found in inbound.tagged(history.get("messages") or (), EVENT_TYPE, "key",
                                   message.key):
            log.debug("Slack already had %s (ts %s); not posting it again", message.key,
                      found.get("ts"))
            return f"{channel}:{found.get('ts')}"
        return None
