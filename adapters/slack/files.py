"""A reply's file (a Q&A export) uploaded to Slack with ``files.uploadV2``.

slack-sdk's ``files_upload_v2`` runs Slack's three steps: ``files.getUploadURLExternal``,
the raw bytes to the upload URL, then ``files.completeUploadExternal`` which shares the
file in a conversation. A conversation the bot cannot post in (not invited, archived)
fails at the last step; the caller then sends the file to the asker's DM instead.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import inbound
from adapters.slack.transport import NETWORK_ERRORS, error_code
from bot.messages import Attachment

log = logging.getLogger(__name__)

METHOD = "files.uploadV2"
FAILURES = (*NETWORK_ERRORS, SlackRequestError)


async def upload(client: AsyncWebClient, attachment: Attachment, channel: str,
                 thread_ts: str | None = None) -> str | None:
    """Share the file in ``channel`` (a C…/G…/D… id); None when done, else the error
    code (logged in one line)."""
    try:
        await client.files_upload_v2(
            channel=channel, thread_ts=thread_ts, content=attachment.data,
            filename=attachment.filename, title=attachment.filename,
        )
    except SlackApiError as exc:
        code = error_code(exc)
        log.error("Slack %s failed: %s (channel %s, file %s)", METHOD, code, channel,
                  attachment.filename)
        return code
    except FAILURES as exc:
        log.error("Slack %s failed: %s (channel %s, file %s)", METHOD, type(exc).__name__,
                  channel, attachment.filename)
        return type(exc).__name__
    return None


async def upload_to_dm(client: AsyncWebClient, attachment: Attachment, user: str
                       ) -> str | None:
    """Share the file in the bot's DM with ``user`` (opened first: files need its id)."""
    try:
        opened = await client.conversations_open(users=user)
    except SlackApiError as exc:
        code = error_code(exc)
        log.error("Slack conversations.open failed: %s (user %s)", code, user)
        return code
    except FAILURES as exc:
        log.error("Slack conversations.open failed: %s (user %s)", type(exc).__name__, user)
        return type(exc).__name__
    return await upload(client, attachment, inbound.opened_channel(opened))
