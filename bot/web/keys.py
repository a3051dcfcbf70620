"""What the web pages trust: signed login links, session cookies, CSRF tokens and room
screen links, all from one key (BOT_WEB_SECRET).

No passwords: a moderator asks the bot on a platform ("qa dashboard"), where the platform
has already said who they are and the core has checked that they moderate; the bot
answers with a link that carries that identity, signed and stamped with the time it was
made. Opening it sets a session cookie signed the same way, which expires with the link's
lifetime; every action on the page also carries a CSRF token bound to that session. Each
kind of token is signed with its own salt, so none can stand in for another (a screen
link is no login, a session is no screen link).

The time stamps come from the injected clock (itsdangerous would read ``time.time()``):
the tests make an expired link by making it on a clock set in the past.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from bot.clock import Clock

LOGIN, SESSION, SCREEN = "workshop-bot login", "workshop-bot session", "workshop-bot screen"
SCREEN_LIFETIME = timedelta(days=30)  # a room screen's link lasts the event


class Refused(Exception):
    """A link or cookie that is not (or no longer) good: ``reason`` is "expired",
    "tampered" or "missing"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Moderator:
    """Who a login link or session was made for: their platform, id and name there."""

    platform: str
    user_id: str
    name: str
    issued: int = 0  # when the login link was made (Unix seconds): a session ends with it

    @property
    def shown(self) -> str:
        return f"{self.name} ({self.platform})"


class WebKeys:
    """Makes and checks every signed value the pages use."""

    def __init__(self, secret: str, clock: Clock, lifetime: timedelta) -> None:
        self.lifetime = lifetime
        self._secret = secret.encode()
        self._clock = clock
        clocked = _clocked_signer(clock)
        self._login = URLSafeTimedSerializer(secret, salt=LOGIN, signer=clocked)
        self._session = URLSafeTimedSerializer(secret, salt=SESSION, signer=clocked)
        self._screen = URLSafeTimedSerializer(secret, salt=SCREEN, signer=clocked)

    # -- moderators ----------------------------------------------------------------------

    def login_token(self, moderator: Moderator) -> str:
        return self._login.dumps([moderator.platform, moderator.user_id, moderator.name])

    def read_login(self, token: str | None) -> Moderator:
        if not token:
            raise Refused("missing")
        try:
            value, made = self._login.loads(token, max_age=self._seconds,
                                            return_timestamp=True)
        except SignatureExpired:
            raise Refused("expired") from None
        except BadData:
            raise Refused("tampered") from None
        found = _moderator(value)
        return Moderator(found.platform, found.user_id, found.name, int(made.timestamp()))

    def session(self, moderator: Moderator) -> str:
        """The cookie's value: the same identity under the session's own salt, with the
        time its link was made: opening the same link again later gives no longer a
        session, which ends when the link does."""
        return self._session.dumps([moderator.platform, moderator.user_id, moderator.name,
                                    moderator.issued])

    def read_session(self, value: str | None) -> Moderator:
        found = _load(self._session, value, self.lifetime)
        if not (isinstance(found, list) and len(cast(list[object], found)) == 4
                and isinstance(cast(list[object], found)[3], int)):
            raise Refused("tampered")
        parts = cast(list[object], found)
        issued = cast(int, parts[3])
        if self._clock.now().timestamp() - issued > self._seconds:
            raise Refused("expired")
        named = _moderator(parts[:3])
        return Moderator(named.platform, named.user_id, named.name, issued)

    def now(self) -> datetime:
        """The time links and sessions are stamped and checked with (real time)."""
        return self._clock.now()

    @property
    def _seconds(self) -> int:
        return int(self.lifetime.total_seconds())

    def csrf(self, session: str) -> str:
        """The token every action must carry: bound to the session cookie, so a page of
        another site (which cannot read the cookie) cannot make it."""
        return hmac.new(self._secret, b"csrf|" + session.encode(), hashlib.sha256).hexdigest()

    def csrf_ok(self, session: str, token: str | None) -> bool:
        return token is not None and hmac.compare_digest(self.csrf(session), token)

    # -- room screens ----------------------------------------------------------------------

    def screen_token(self, room: str) -> str:
        return self._screen.dumps(room)

    def read_screen(self, token: str | None, room: str) -> None:
        """Refused unless ``token`` was made for ``room`` (a read-only link)."""
        if _load(self._screen, token, SCREEN_LIFETIME) != room:
            raise Refused("tampered")


def _clocked_signer(clock: Clock) -> type[TimestampSigner]:
    """itsdangerous's TimestampSigner with its time from ``clock``."""

    class ClockedSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(clock.now().timestamp())

    return ClockedSigner


def _load(serializer: URLSafeTimedSerializer, token: str | None, lifetime: timedelta) -> Any:
    if not token:
        raise Refused("missing")
    try:
        return serializer.loads(token, max_age=int(lifetime.total_seconds()))
    except SignatureExpired:
        raise Refused("expired") from None
    except BadData:
        raise Refused("tampered") from None


def _moderator(value: Any) -> Moderator:
    if not (isinstance(value, list) and len(value) == 3
            and all(isinstance(part, str) for part in cast(list[object], value))):
        raise Refused("tampered")
    platform, user_id, name = cast(list[str], value)
    return Moderator(platform, user_id, name)
