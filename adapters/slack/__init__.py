"""The Slack adapter: slack-bolt's AsyncApp in Socket Mode or over HTTP.

``create(core)`` is the entry point ``workshop-bot run`` calls. It returns None when
``SLACK_BOT_TOKEN`` is not set, and checks the settings Slack needs before anything
connects, so a missing signing secret is a one-line error (exit 2), not a failure on
the first request. slack_bolt is imported only when Slack is configured: importing it
costs a noticeable part of the start-up time that console-only runs should not pay.

The package's modules: ``events`` (Slack payloads -> the core's messages), ``blocks``
(the core's replies -> Block Kit), ``listeners`` (answering) and ``app`` (the client,
the AsyncApp, and the HTTP server or Socket Mode connection); ``delivery`` (reminders);
for Q&A ``qa`` (the threads, questions and votes on Slack), ``usergroups``
(moderator groups) and ``files`` (exports); ``errors`` (how a failed call is reported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from adapters.slack.app import SlackAdapter
    from bot.core import Core


def check_settings(settings: Settings) -> list[str]:
    """One line per setting Slack cannot run with (given that SLACK_BOT_TOKEN is set)."""
    problems = []
    bot_token = settings.slack_bot_token
    if bot_token is not None and not bot_token.get_secret_value().startswith("xoxb-"):
        problems.append("SLACK_BOT_TOKEN: expected the bot token, which starts with xoxb- "
                        "(Slack app settings: OAuth & Permissions)")
    app_token = settings.slack_app_token
    if app_token is not None and not app_token.get_secret_value().startswith("xapp-"):
        problems.append("SLACK_APP_TOKEN: expected an app-level token, which starts with xapp- "
                        "(Slack app settings: Basic Information, App-Level Tokens)")
    if app_token is None and settings.slack_signing_secret is None:
        problems.append("SLACK_SIGNING_SECRET: required in HTTP mode (SLACK_APP_TOKEN is not "
                        "set); copy it from the Slack app settings: Basic Information")
    return problems


def create(core: Core) -> SlackAdapter | None:
    """Entry point: the Slack adapter when SLACK_BOT_TOKEN is set, else None."""
    if core.settings.slack_bot_token is None:
        return None
    problems = check_settings(core.settings)
    if problems:
        raise SettingsError(problems)
    from adapters.slack.app import SlackAdapter

    return SlackAdapter(core)
