"""An accepted-papers CSV (OpenReview and Mini-Conf style sites): one paper per row.

Columns are found by their header, in any case and order: ``id``; ``title``;
``authors``; ``abstract`` (or ``summary`` or ``description``); ``keywords`` (or ``tags``
or ``tag``); ``session``; ``url`` (or ``link``, ``pdf``). Commas, semicolons or tabs
separate the columns (sniffed), a byte-order mark is ignored, authors are split on
commas, semicolons, ``|`` and " and ", and every kind of Unicode space (U+00A0 between a
first and last name) becomes a plain one.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from typing import Any

from bot.error_values import shown
from bot.importers.draft import (
    MAX_SUMMARY,
    ProgramDraft,
    clip,
    names,
    one_line,
    plain_text,
    slugify,
)
from bot.program_file import SLUG_RE, ProgramError

FORMAT = "papers CSV"
COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "paper id", "paper_id", "paperid", "number", "forum"),
    "title": ("title", "paper title", "name"),
    "authors": ("authors", "author", "author names", "authors_names"),
    "summary": ("abstract", "summary", "description", "tldr"),
    "keywords": ("keywords", "tags", "tag", "keyword"),
    "session": ("session", "sessions", "poster session"),
    "url": ("url", "link", "pdf", "pdf_url", "paper url"),
}
AUTHOR_SEPARATORS = re.compile(r"\s*(?:[,;|]|\band\b|&)\s*", re.IGNORECASE)
KEYWORD_SEPARATORS = re.compile(r"\s*[,;|]\s*")


def looks_like(text: str) -> bool:
    """A first line that names a title column among separated headers."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].casefold()
    cells = {one_line(c).strip("\"'") for c in re.split(r"[,;\t]", first)}
    return len(cells) > 1 and bool(cells & set(COLUMNS["title"]))


def paper_slug(ident: str, title: str) -> str:
    """ "paper-123" for id 123; a digest for an id that makes no readable slug; the title's
    words when there is no id column."""
    base = slugify(ident) if ident else slugify(title)[:40].strip("-")
    candidate = f"paper-{base}"[:63].strip("-") if base else ""
    if candidate and SLUG_RE.match(candidate) and (not ident or len(base) <= 40):
        return candidate
    return "paper-" + hashlib.blake2b((ident or title).encode(), digest_size=6).hexdigest()


def read(data: bytes, label: str) -> ProgramDraft:
    draft = ProgramDraft(label, FORMAT)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgramError([f"{label}: not UTF-8 text (byte {exc.start}); save it as UTF-8 "
                            "CSV"]) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = csv.reader(io.StringIO(text), dialect)
    header = next(rows, None)
    if header is None:
        raise ProgramError([f"{label}: the file is empty"])
    found: dict[str, int] = {}
    named: dict[str, int] = {}
    for position, name in enumerate(header):
        key = one_line(name).casefold()
        if key and key in named:  # which of the two would be read is anybody's guess
            raise ProgramError([f"{label}: the header names the column {shown(key)} twice "
                                f"(columns {named[key] + 1} and {position + 1}); keep one"])
        named[key] = position
        for column, spellings in COLUMNS.items():
            if key in spellings and column not in found:
                found[column] = position
    missing = [c for c in ("title", "authors") if c not in found]
    if missing:
        has = clip(", ".join(one_line(h) for h in header), 200) or "nothing"
        raise ProgramError([f"{label}: no {' or '.join(missing)} column (the header row has: "
                            f"{has})"])

    def cell(row: list[str], column: str) -> str:
        at = found.get(column)
        return row[at] if at is not None and at < len(row) else ""

    slugs: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        if not any(c.strip() for c in row):
            continue
        ident, title = one_line(cell(row, "id")), one_line(cell(row, "title"))
        where = f"row {number}" + (f" (id {shown(ident)})" if ident else
                                   f" ({shown(clip(title, 60))})" if title else "")
        authors = names(AUTHOR_SEPARATORS.split(one_line(cell(row, "authors"))))
        if not title:
            draft.problem(where, "title", "empty")
        if not authors:
            draft.problem(where, "authors", "empty (a paper needs at least one author)")
        if not title or not authors:
            continue
        slug = paper_slug(ident, title)
        if slug in slugs:
            draft.problem(where, "id", f"the same paper id as {slugs[slug]}")
            continue
        slugs[slug] = where
        paper: dict[str, Any] = {"id": slug, "title": clip(title, 200), "authors": authors}
        if (summary := plain_text(cell(row, "summary"))):
            paper["summary"] = clip(summary, MAX_SUMMARY)
        if (words := names(KEYWORD_SEPARATORS.split(one_line(cell(row, "keywords"))))):
            paper["keywords"] = words
        if (session := one_line(cell(row, "session"))):
            paper["session"] = session
        if (url := one_line(cell(row, "url"))):
            paper["url"] = url
        draft.papers.append(paper)
        draft.paper_origins.append(f"{label}: {where}")
    draft.fail_if_any()
    return draft
