"""Timezone names from people and files, turned into ``ZoneInfo`` with helpful errors.

People type "berlin", "europe/berlin" or "Europe/Berlin"; files should carry the exact
IANA name. Both get a one-line error with the closest real names when nothing fits.
"""

from __future__ import annotations

import functools
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from rapidfuzz import fuzz, process

# Common abbreviations people type; only ones that mean a single place in practice.
ABBREVIATIONS = {
    "pt": "America/Los_Angeles", "pst": "America/Los_Angeles", "pdt": "America/Los_Angeles",
    "mt": "America/Denver", "mst": "America/Denver", "mdt": "America/Denver",
    "ct": "America/Chicago", "cst": "America/Chicago", "cdt": "America/Chicago",
    "et": "America/New_York", "est": "America/New_York", "edt": "America/New_York",
    "cet": "Europe/Paris", "cest": "Europe/Paris", "bst": "Europe/London",
    "jst": "Asia/Tokyo", "kst": "Asia/Seoul", "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney", "z": "UTC", "utc": "UTC", "gmt": "UTC",
}


# Shown first when someone has typed nothing yet.
POPULAR = (
    "America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York",
    "America/Sao_Paulo", "Europe/London", "Europe/Paris", "Europe/Berlin", "Africa/Lagos",
    "Asia/Kolkata", "Asia/Shanghai", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney", "UTC",
)


class TimezoneError(ValueError):
    """An unknown timezone name; the message suggests close matches."""


@functools.cache
def _zones() -> dict[str, str]:
    """Every IANA name by its case-folded form, plus unique city names ("berlin")."""
    names = {name.casefold(): name for name in available_timezones() if "/" in name or
             name in ("UTC", "GMT")}
    cities: dict[str, list[str]] = {}
    for name in names.values():
        if name.startswith(("Etc/", "SystemV/", "US/", "Canada/", "Brazil/", "Mexico/", "Chile/")):
            continue
        city = name.rsplit("/", 1)[-1].replace("_", " ").casefold()
        cities.setdefault(city, []).append(name)
    for city, zones in cities.items():
        if len(zones) == 1 and city not in names:
            names[city] = zones[0]
    return names | ABBREVIATIONS


def suggest_timezones(text: str, limit: int = 3) -> list[str]:
    """The real zone names closest to ``text``."""
    zones = _zones()
    found = process.extract(text.casefold(), list(zones), scorer=fuzz.WRatio, limit=limit * 3)
    out: list[str] = []
    for key, _score, _ in found:
        if zones[key] not in out:
            out.append(zones[key])
    return out[:limit]


def parse_timezone(text: str) -> ZoneInfo:
    """Resolve an IANA name (any case) or a unique city name to a zone."""
    cleaned = text.strip()
    name = _zones().get(cleaned.casefold().replace(" ", "_")) or _zones().get(cleaned.casefold())
    if name is not None:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    shown = cleaned if len(cleaned) <= 60 else cleaned[:57] + "..."
    hint = ", ".join(suggest_timezones(cleaned)) if cleaned else "Europe/Berlin"
    raise TimezoneError(f"unknown timezone {shown!r}; did you mean {hint}?")


def complete_timezones(text: str, limit: int = 25) -> list[str]:
    """IANA names for autocomplete: names containing what was typed, shortest first."""
    wanted = text.strip().casefold().replace(" ", "_")
    names = sorted({name for name in _zones().values()})
    if not wanted:
        return [n for n in POPULAR if n in names][:limit]
    hits = [n for n in names if wanted in n.casefold()]
    hits.sort(key=lambda n: (not n.casefold().rsplit("/", 1)[-1].startswith(wanted), len(n), n))
    return hits[:limit] or suggest_timezones(text, limit)
