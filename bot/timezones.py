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


# Places people name that are not a zone's own city ("here in the Bay Area").
PLACE_ALIASES = {
    "nyc": "America/New_York", "ny": "America/New_York", "east coast": "America/New_York",
    "west coast": "America/Los_Angeles", "pacific": "America/Los_Angeles",
    "eastern": "America/New_York", "central": "America/Chicago", "mountain": "America/Denver",
    "new york city": "America/New_York", "boston": "America/New_York",
    "washington": "America/New_York", "dc": "America/New_York", "toronto": "America/Toronto",
    "sf": "America/Los_Angeles", "san francisco": "America/Los_Angeles",
    "bay area": "America/Los_Angeles", "seattle": "America/Los_Angeles",
    "california": "America/Los_Angeles", "silicon valley": "America/Los_Angeles",
    "austin": "America/Chicago", "texas": "America/Chicago", "beijing": "Asia/Shanghai",
    "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "mumbai": "Asia/Kolkata",
    "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "hyderabad": "Asia/Kolkata",
    "india": "Asia/Kolkata", "japan": "Asia/Tokyo", "korea": "Asia/Seoul",
    "munich": "Europe/Berlin", "germany": "Europe/Berlin", "france": "Europe/Paris",
    "uk": "Europe/London", "england": "Europe/London", "the uk": "Europe/London",
    "china": "Asia/Shanghai", "taiwan": "Asia/Taipei", "israel": "Asia/Jerusalem",
    "tel aviv": "Asia/Jerusalem", "melbourne": "Australia/Melbourne",
}


def place_zone(text: str) -> str | None:
    """The zone of a place someone says they are in ("Tokyo", "new york", "the Bay Area",
    "PST"), or None: only city names, a few regions and abbreviations of three or more
    letters, never a bare word that could be something else."""
    key = " ".join(text.casefold().split()).removeprefix("the ") if text else ""
    if not key or "/" in key:
        return None
    if key in PLACE_ALIASES:
        return PLACE_ALIASES[key]
    if key in ABBREVIATIONS:
        return ABBREVIATIONS[key] if len(key) >= 3 else None
    return _zones().get(key) if key in _cities() else None


@functools.cache
def _cities() -> frozenset[str]:
    return frozenset(name.rsplit("/", 1)[-1].replace("_", " ").casefold()
                     for name in available_timezones() if "/" in name)


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
