"""The page a refused link, cookie or request gets: 401 when there is none or it ran
out, 403 when it was forged or tampered with; always with how to get a new link."""

from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

WHY = {
    "missing": "You are not logged in.",
    "expired": "This {what} has expired.",
    "tampered": "This {what} is not valid (it was changed or made elsewhere).",
    "forged": "This request did not come from the dashboard page (its security token is "
              "missing or wrong); nothing was changed.",
}


def refusal_page(request: web.Request, reason: str, what: str) -> web.Response:
    status = 401 if reason in ("missing", "expired") else 403
    response = aiohttp_jinja2.render_template(
        "refused.html", request, {"title": "Not allowed", "why": WHY[reason].format(what=what),
                                  "screen": request.path.startswith("/screen")},
        status=status)
    response.headers["Cache-Control"] = "no-store"
    return response
