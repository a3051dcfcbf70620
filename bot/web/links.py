"""The addresses the bot gives out for its web pages: a moderator's login link, a room
screen's link, the calendar feeds.

They start with BOT_WEB_URL, the address people reach the bot at (behind a proxy, it is
not the one it listens on); without it, with the address the server listens on, which
is right on one machine and in tests (where the port is only known once it listens).
"""

from __future__ import annotations

from urllib.parse import quote

from bot.web.keys import Moderator, WebKeys
from bot.web.server import HttpServer

LOGIN_PATH = "/login"
PROGRAM_FEED_PATH = "/ics/program.ics"


class WebLinks:
    def __init__(self, public_url: str | None, http: HttpServer, keys: WebKeys) -> None:
        self._public = public_url
        self._http = http
        self.keys = keys

    @property
    def base(self) -> str:
        if self._public:
            return self._public
        url = self._http.url or f"http://{self._http.host}:{self._http.port}"
        return url.replace("://0.0.0.0:", "://localhost:", 1)

    def login(self, moderator: Moderator, then: str = "/mod") -> str:
        token = self.keys.login_token(moderator)
        return f"{self.base}{LOGIN_PATH}?t={token}&next={quote(then, safe='/')}"

    def screen(self, room: str) -> str:
        path = f"/screen/{quote(room, safe='')}" if room else "/screen"
        return f"{self.base}{path}?k={self.keys.screen_token(room)}"

    def program_feed(self) -> str:
        return f"{self.base}{PROGRAM_FEED_PATH}"

    def personal_feed(self, token: str) -> str:
        return f"{self.base}/ics/u/{token}.ics"
