"""The Slack adapter: slack-bolt's AsyncApp in Socket Mode or over HTTP.

``create(core)`` is the entry point ``workshop-bot run`` calls. It returns None when
``SLACK_BOT_TOKEN`` is not set, and checks the settings Slack needs before anything
connects, so a missing signing secret is a one-line error (exit 2), not a failure on
the first request. slack_bolt is imported only when Slack is configured: importing it
costs a noticeable part of the start-up time that console-only runs should not pay.

The package's modules, by role (the Discord adapter has the same names for the same
roles): ``service`` (the client, the AsyncApp, and the HTTP server or Socket Mode
connection), ``listeners`` (bolt's listeners: payloads in, handed to the core as typed
events), ``inbound`` (Slack payloads -> the core's events), ``render`` (the core's
replies -> Block Kit), ``outbound`` (reminders and notices, once each), ``transport``
(how a failed Web API call is reported), ``qa`` (the Q&A threads and the questions in
them); ``usergroups`` (moderator groups), ``files`` (exports), ``http_checks`` and
``refusals`` (HTTP mode's request checks and their log).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from adapters.slack.service import SlackAdapter
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
    from adapters.slack.service import SlackAdapter

    return SlackAdapter(core)
