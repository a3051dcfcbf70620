"""Settings from the environment and an optional ``.env`` file (see config/example.env).

Read once by the composition root and passed down; nothing else reads the environment.
A bad value is reported as one line naming the variable (or the command-line option that
gave it), and the command exits with 2: before anything is read or written, so a setting
that cannot work (a port of 99999, an SQLite file in a folder that does not exist,
``BOT_NOW`` in year 1, a ``.env`` that is not UTF-8) costs nothing but that line.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pydantic import (
    Field,
    ModelWrapValidatorHandler,
    PrivateAttr,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.bundled import program_path
from bot.error_values import shown
from bot.instant_range import check_instant
from bot.store.database import DEFAULT_TIMEOUT, DatabaseURLError, async_url
from bot.timezones import TimezoneError, parse_timezone

BUNDLED_PROGRAM = program_path()  # inside the package, so a plain install has it too
DEFAULT_DATABASE_URL = "sqlite:///data/workshop-bot.db"
SLACK_API_URL = "https://slack.com/api/"
DISCORD_API_URL = "https://discord.com/api/v10"
DISCORD_GATEWAY_URL = "wss://gateway.discord.gg/"
ENV_FILE = ".env"
REAL_TIME = "now"  # BOT_NOW=now, --at now: the real clock, asked for in so many words
MIN_WEB_SECRET = 32  # characters of BOT_WEB_SECRET: a signing key, not a password
# The command-line options that stand for settings: an error names what the user typed.
OPTIONS = {"bot_program": "--program", "bot_now": "--at", "bot_speed": "--speed",
           "bot_console": "--console", "bot_program_timezone": "--program-timezone"}


class SettingsError(Exception):
    """Unusable settings; one line per problem, naming the environment variable."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=ENV_FILE,
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,
        validate_default=True,
    )

    database_url: str = Field(DEFAULT_DATABASE_URL, description="SQLite file or PostgreSQL URL")
    bot_program: Path = Field(BUNDLED_PROGRAM, description="the program file to serve")
    bot_program_timezone: str | None = Field(
        None, description="the zone of a program file whose times carry no offset or zone "
        "(Sessionize, Pentabarf XML), and the program's zone when the file names none")
    bot_timezone: str | None = Field(None, description="display zone instead of the program's")
    bot_now: datetime | None = Field(
        None, description="simulated start time, ISO 8601 + offset; \"now\" for the real clock")
    bot_speed: float = Field(1.0, ge=0, le=100_000, description="simulated clock speed")
    bot_console: bool = Field(False, description="start the console even beside platforms")
    log_level: str = Field("INFO", description="DEBUG, INFO, WARNING or ERROR")
    bot_reminder_grace: float = Field(
        300, ge=0, le=86400, description="seconds a missed reminder may still be sent late")
    bot_claim_lease: float = Field(
        30, gt=0, le=3600, description="seconds before another process takes over a send")
    bot_reload_poll: float = Field(
        15, gt=0, le=3600, description="seconds between checks for a reloaded program")
    bot_db_timeout: float = Field(
        DEFAULT_TIMEOUT, gt=0, le=600, description="seconds a database query (connecting and "
        "waiting for a connection included) may take before the bot gives up and apologises")
    bot_answer_cache: bool = Field(
        True, description="answer the same question in the same second once (off: every "
        "answer is worked out afresh, as bench/*_bench.py --no-answer-cache measures)")

    # Slack: started when SLACK_BOT_TOKEN is set; Socket Mode with SLACK_APP_TOKEN,
    # otherwise HTTP mode on BOT_HTTP_HOST:BOT_HTTP_PORT, verified with the signing secret.
    slack_bot_token: SecretStr | None = Field(None, description="xoxb-... bot token")
    slack_app_token: SecretStr | None = Field(None, description="xapp-... (Socket Mode)")
    slack_signing_secret: SecretStr | None = Field(None, description="HTTP mode request signing")
    slack_api_url: str = Field(SLACK_API_URL, description="Slack Web API base URL")
    slack_command: str = Field("/workshop", description="the slash command's name")
    slack_send_rate: float = Field(
        10, gt=0, le=10_000, description="reminder messages per second to Slack")
    bot_http_host: str = Field(
        "0.0.0.0", description="HTTP listen address (Slack HTTP mode and the web pages)")
    bot_http_port: int = Field(3000, ge=0, le=65535, description="HTTP listen port")

    # The web pages (README "Dashboard and room screen"): on the same server as Slack's
    # HTTP mode. Default: on when a platform is configured, off for the console alone.
    bot_web: bool | None = Field(
        None, description="serve the dashboard, room screen and calendar feeds (default: "
        "on when Discord or Slack is configured)")
    bot_web_secret: SecretStr | None = Field(
        None, description=f"signs login links and cookies; at least {MIN_WEB_SECRET} "
        "characters, required when the web pages are served")
    bot_web_url: str | None = Field(
        None, description="the pages' public address for links, e.g. https://bot.example.org "
        "(default: http://BOT_HTTP_HOST:BOT_HTTP_PORT)")
    bot_web_link_hours: float = Field(
        12, gt=0, le=24 * 30, description="hours a moderator's login link and session last")

    # Discord: started when DISCORD_TOKEN is set.
    discord_token: SecretStr | None = Field(None, description="the bot token")
    discord_guild_id: int | None = Field(None, ge=1, description="sync commands to one server")
    discord_api_url: str = Field(DISCORD_API_URL, description="Discord REST base URL")
    discord_gateway_url: str = Field(DISCORD_GATEWAY_URL, description="Discord gateway URL")
    discord_send_rate: float = Field(
        47, gt=0, le=10_000, description="reminder requests per second to Discord (limit: 50)")
    # Several processes split one bot's guilds by shard (README "Scaling out"): each sets
    # the same DISCORD_SHARD_COUNT and its own DISCORD_SHARD_IDS ("0,1" here, "2,3" there).
    discord_shard_count: int | None = Field(
        None, ge=1, le=4096, description="shards the bot is split into, across every process")
    discord_shard_ids: str | None = Field(
        None, description="the shards this process runs, e.g. 0,1 (needs DISCORD_SHARD_COUNT)")

    _real_time_asked: bool = PrivateAttr(False)

    @property
    def real_time_asked(self) -> bool:
        """BOT_NOW=now (``--at now``): the real clock, even for a console on a program
        that is over (which otherwise rehearses it on a simulated clock)."""
        return self._real_time_asked

    @property
    def web_enabled(self) -> bool:
        """BOT_WEB, or by default whether a platform is configured: the console alone
        serves no pages."""
        return self.platforms_configured if self.bot_web is None else self.bot_web

    def web_secret(self) -> str:
        """BOT_WEB_SECRET, checked: the pages cannot sign a link without it."""
        if self.bot_web_secret is None or not self.bot_web_secret.get_secret_value().strip():
            raise SettingsError([
                "BOT_WEB_SECRET: required when the web pages are served (BOT_WEB, on by "
                "default beside a platform); set it to a random string of at least "
                f"{MIN_WEB_SECRET} characters, e.g. the output of `openssl rand -hex 32`, or "
                "set BOT_WEB=false"])
        secret = self.bot_web_secret.get_secret_value().strip()
        if len(secret) < MIN_WEB_SECRET:
            raise SettingsError([
                f"BOT_WEB_SECRET: {len(secret)} characters is too short to sign login links; "
                f"use at least {MIN_WEB_SECRET}, e.g. the output of `openssl rand -hex 32`"])
        return secret

    @property
    def platforms_configured(self) -> bool:
        """Discord or Slack has a token, so ``run`` serves a platform: its attendees live
        in real time, and the clock is never a rehearsal (see bot.app.open_core)."""
        return self.discord_token is not None or self.slack_bot_token is not None

    @model_validator(mode="wrap")
    @classmethod
    def _now_is_real_time(cls, data: Any, handler: ModelWrapValidatorHandler[Settings]
                          ) -> Settings:
        """BOT_NOW=now is no instant to validate: it is kept as "no simulated start", and
        remembered as asked for, so a console on a finished program keeps real time."""
        now = data.get("bot_now") if isinstance(data, dict) else None
        real = isinstance(now, str) and now.strip().casefold() == REAL_TIME
        settings = handler({**data, "bot_now": None} if real else data)
        settings._real_time_asked = real
        return settings

    @field_validator("slack_api_url", "discord_api_url", "discord_gateway_url")
    @classmethod
    def _url(cls, value: str) -> str:
        parsed = urlsplit(value.strip())
        if parsed.scheme not in ("http", "https", "ws", "wss") or not parsed.netloc:
            raise ValueError(f"{shown(value)} is not an http(s):// or ws(s):// URL")
        return value.strip()

    @field_validator("bot_web_url")
    @classmethod
    def _web_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parsed = urlsplit(value.strip())
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"{shown(value)} is not an http(s):// address")
        return value.strip().rstrip("/")

    @field_validator("slack_command")
    @classmethod
    def _command(cls, value: str) -> str:
        name = value.strip()
        if not re.fullmatch(r"/[a-z0-9_-]{1,31}", name):
            raise ValueError(f"{shown(value)} is not a slash command name like /workshop")
        return name

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        try:
            url = async_url(value)
        except DatabaseURLError as exc:
            raise ValueError(str(exc)) from None
        if url.get_backend_name() == "sqlite":
            _sqlite_place(Path(url.database or ""))
        return value

    @field_validator("bot_timezone", "bot_program_timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return parse_timezone(value).key
        except TimezoneError as exc:
            raise ValueError(str(exc)) from None

    @field_validator("bot_now")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.utcoffset() is None:
            raise ValueError(
                f"{value.isoformat()} has no UTC offset; write e.g. 2021-12-13T08:45:00-08:00"
            )
        return value if value is None else check_instant(value)

    @field_validator("discord_shard_ids")
    @classmethod
    def _shard_ids(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Shard numbers, each once, each below DISCORD_SHARD_COUNT (declared before this,
        so validated already: ``info.data`` lacks it only when it was invalid)."""
        if value is None or not value.strip():
            return None
        parts = [part.strip() for part in value.split(",")]
        if not all(re.fullmatch(r"\d{1,4}", part) for part in parts):
            raise ValueError(f"{shown(value)} is not a list of shard numbers like 0,1")
        ids = [int(part) for part in parts]
        if len(set(ids)) != len(ids):
            raise ValueError(f"{shown(value)} names a shard twice")
        if "discord_shard_count" not in info.data:
            return ",".join(map(str, ids))  # the count's own error says what is wrong
        count = info.data["discord_shard_count"]
        if count is None:
            raise ValueError("needs DISCORD_SHARD_COUNT too (the number of shards of every "
                             "process together)")
        beyond = [i for i in ids if i >= count]
        if beyond:
            raise ValueError(f"names shard {beyond[0]}, but DISCORD_SHARD_COUNT={count} "
                             f"numbers them 0 to {count - 1}")
        return ",".join(map(str, ids))

    @property
    def discord_shards(self) -> tuple[int, ...] | None:
        """DISCORD_SHARD_IDS as numbers (None: every shard of DISCORD_SHARD_COUNT, or
        every shard Discord recommends when that is not set either)."""
        if self.discord_shard_ids is None:
            return None
        return tuple(int(part) for part in self.discord_shard_ids.split(","))

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"):
            raise ValueError(f"{shown(value)} is not a log level; use DEBUG, INFO, WARNING or "
                             "ERROR")
        return level


def _sqlite_place(path: Path) -> None:
    """Refuse an SQLite file the bot could not make: the database's own folder is made
    when it is missing (``data/`` on a first run), but only inside a folder that exists,
    so a mistyped path is an error and not a tree of new folders."""
    if path.is_dir():
        raise ValueError(f"{path} is a folder; name the database file in it, e.g. "
                         f"sqlite:///{path / 'workshop-bot.db'}")
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"{folder} is not a folder")
    if not folder.exists() and not folder.parent.is_dir():
        raise ValueError(f"{folder.parent} does not exist; make it first (the database's "
                         f"own folder, {folder.name}, is made when it is missing)")


def program_zone(settings: Settings) -> ZoneInfo | None:
    """BOT_PROGRAM_TIMEZONE (--program-timezone) as a zone, when it is set."""
    return ZoneInfo(settings.bot_program_timezone) if settings.bot_program_timezone else None


def load_settings(**overrides: Any) -> Settings:
    """Settings from the environment, with command-line ``overrides`` (None = not given)."""
    given = {key: value for key, value in overrides.items() if value is not None}
    try:
        return Settings(**given)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            field = str(err["loc"][0]) if err["loc"] else "settings"
            name = OPTIONS[field] if field in given and field in OPTIONS else field.upper()
            message = err["msg"].removeprefix("Value error, ")
            lines.append(f"{name}: {message}")
        raise SettingsError(lines) from None
    except UnicodeDecodeError as exc:  # pydantic-settings reading the .env file
        raise SettingsError([f"{ENV_FILE}: it is not UTF-8 text (byte {exc.start}); save it "
                             "as UTF-8"]) from None
    except OSError as exc:
        raise SettingsError([f"{ENV_FILE}: cannot read it ({exc.strerror or exc})"]) from None


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level, logging.INFO),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        force=True,
    )
    # APScheduler narrates every job at INFO; our own log lines already say what happened.
    quiet = logging.DEBUG if level == "DEBUG" else logging.WARNING
    logging.getLogger("apscheduler").setLevel(quiet)
    # Alembic narrates its set-up at every start; Database.migrate logs what it applied.
    logging.getLogger("alembic").setLevel(quiet)
