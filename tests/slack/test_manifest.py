"""config/slack-manifest.yaml asks for what the adapter uses: no more, no less, each
scope and event with the reason it is there; and every event it subscribes to has a
listener in the running adapter (an unhandled event would be answered 404 and retried)."""

from __future__ import annotations

import logging

import pytest
import yaml

from bot.settings import Settings
from tests.fakes.slack_server import FakeSlack
from tests.slack.conftest import RunningBot
from tests.support import ROOT, wait_until

MANIFEST = ROOT / "config" / "slack-manifest.yaml"
EVENTS = ["app_mention", "message.channels", "message.groups", "message.im",
          "reaction_added", "reaction_removed"]


def _commented(section: str, items: list[str]) -> dict[str, str]:
    """The comment after each list item of a manifest section, by item."""
    text = MANIFEST.read_text()
    block = text[text.index(section):]
    found = {}
    for item in items:
        line = next(ln for ln in block.splitlines() if ln.strip().startswith(f"- {item} "))
        found[item] = line.partition(" # ")[2].strip()
    return found


def test_the_manifest_matches_the_adapter():
    manifest = yaml.safe_load(MANIFEST.read_text())
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    # the adapter listens to exactly these events (adapters/slack/listeners.py register)
    assert settings["event_subscriptions"]["bot_events"] == EVENTS
    scopes = sorted(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes == [
        "app_mentions:read",  # app_mention
        "channels:history",  # message.channels; conversations.history (threads, reminders)
        "chat:write",  # chat.postMessage, chat.update
        "commands",  # the slash command
        "files:write",  # files.uploadV2 (exports)
        "groups:history",  # message.groups; conversations.history in private channels
        "im:history",  # message.im
        "im:write",  # conversations.open (reminder lookup, exports to a DM)
        "reactions:read",  # reaction_added/removed; reactions.get (offline votes)
        "reactions:write",  # reactions.add/remove (marks on people's questions)
        "usergroups:read",  # usergroups.users.list (moderator groups)
        "users:read",  # users.info (the names questions and answers are shown under)
    ]
    reasons = {**_commented("scopes:", scopes), **_commented("bot_events:", EVENTS)}
    assert all(len(reason) > 10 for reason in reasons.values()), reasons
    # the "Remind me" and "Upvote" buttons (adapters/slack/listeners.py on_action)
    assert settings["interactivity"]["is_enabled"] is True
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [Settings.model_fields["slack_command"].default]
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # DMs allowed


async def test_every_subscribed_event_has_a_listener(
    fake: FakeSlack, bot: RunningBot, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.DEBUG, logger="adapters.slack.listeners")
    caplog.set_level(logging.DEBUG, logger="bot.core")  # which reactions are votes
    fake.add_message("C0OTHER", {"user": "U0BOB", "text": "a message", "ts": "1.000001"})
    payloads = {
        "app_mention": fake.app_mention(f"<@{fake.bot_user_id}> hi"),
        "message.channels": fake.message_event("in a thread", channel="C0OTHER",
                                               channel_type="channel", thread_ts="1.000001"),
        "message.groups": fake.message_event("private", channel="G0PRIVATE",
                                             channel_type="group"),
        "message.im": fake.message_event("hello"),
        "reaction_added": fake.reaction_event("C0OTHER", "1.000001", name="tada"),
        "reaction_removed": fake.reaction_event("C0OTHER", "1.000001", name="tada",
                                                added=False),
    }
    assert list(payloads) == EVENTS
    for name, payload in payloads.items():
        response = await bot.poster.event(payload)
        assert response.status == 200, (name, response.status, response.text)
    # and each was handled: the mention and the DM answered, the rest ignored with a line
    await fake.wait_for_call("chat.postMessage", count=2)
    ignored = {"in thread 1.000001 of C0OTHER is not a new question": 1,
               ":tada: by U0ALICE is no vote": 2}
    await wait_until(lambda: all(
        sum(text in r.getMessage() for r in caplog.records) == count
        for text, count in ignored.items()), seconds=5)
