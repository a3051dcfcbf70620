"""config/slack-manifest.yaml asks for what the adapter uses: no more, no less."""

from __future__ import annotations

import yaml

from bot.settings import PROJECT_ROOT, Settings

MANIFEST = PROJECT_ROOT / "config" / "slack-manifest.yaml"


def test_the_manifest_matches_the_adapter():
    manifest = yaml.safe_load(MANIFEST.read_text())
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is True
    # the adapter listens to exactly these events (adapters/slack/listeners.py)
    assert settings["event_subscriptions"]["bot_events"] == ["app_mention", "message.im"]
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == [
        "app_mentions:read", "channels:history", "chat:write", "commands", "groups:history",
        "im:history", "im:write"]
    # the "Remind me" button (adapters/slack/listeners.py on_action)
    assert settings["interactivity"]["is_enabled"] is True
    commands = manifest["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [Settings.model_fields["slack_command"].default]
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # DMs allowed
