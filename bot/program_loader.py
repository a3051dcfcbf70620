"""Reading a program from whatever file the organizer has, recognised by its content.

One of: our program YAML; pretalx / frab schedule JSON (both shapes); frab / Pentabarf
schedule XML; iCalendar; Sessionize ``view/All`` JSON. A YAML program may also take its
schedule from an export (``schedule_from: FILE``) while keeping what exports never
carry (chat ids, channels, moderators, reminder offsets), and its papers from a CSV
(``papers_from: FILE``); paths are relative to the YAML file. Every reader builds our
YAML's shape, which :func:`bot.program_file.validate_program` then checks, so a program
is held to the same rules wherever it came from, and nothing is written anywhere unless
the whole of it is valid.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.bounded_documents import MAX_BYTES, DocumentError, load_json
from bot.error_values import shown
from bot.importers import frab_json, frab_xml, ical, papers_csv, sessionize
from bot.importers.draft import ProgramDraft, settle
from bot.program_file import ProgramError, ProgramSpec, validate_program, yaml_value

log = logging.getLogger(__name__)

YAML = "program YAML"
FORMATS = ("our program YAML, pretalx / frab schedule JSON, frab / Pentabarf schedule XML, "
           "iCalendar (.ics) or Sessionize view/All JSON")
OVERLAY_KEYS = ("schedule_from", "papers_from")


@dataclass(frozen=True, slots=True)
class LoadedProgram:
    """A validated program, the file it came from and in which format, what the reading
    warned about (one line each), and every file it read (for watching them)."""

    spec: ProgramSpec
    source: Path
    format: str = YAML
    warnings: tuple[str, ...] = ()
    inputs: tuple[Path, ...] = ()


@dataclass(slots=True)
class Piece:
    """One file read, before validation: our shape, and each entry's name in that file."""

    path: Path
    format: str
    raw: dict[str, Any]
    schedule_origins: list[str] = field(default_factory=list)
    paper_origins: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    inputs: list[Path] = field(default_factory=list)
    draft: ProgramDraft | None = None


def read_file(path: Path, what: str = "a program file") -> bytes:
    """The bytes of a regular file of at most MAX_BYTES; a ProgramError saying why not.

    Opened without blocking and checked before it is read: a FIFO (or ``/dev/stdin``)
    would wait for a writer forever, and ``/dev/zero`` would fill the memory."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ProgramError([f"{path}: no such file"]) from None
    except IsADirectoryError:
        raise ProgramError([f"{path}: is a folder, not {what}"]) from None
    except OSError as exc:
        raise ProgramError([f"{path}: cannot read the file ({exc.strerror or exc})"]) from None
    info = os.fstat(descriptor)
    if not stat.S_ISREG(info.st_mode):
        os.close(descriptor)
        if stat.S_ISDIR(info.st_mode):
            raise ProgramError([f"{path}: is a folder, not {what}"])
        raise ProgramError([f"{path}: is not a regular file (a device, pipe or socket); "
                            f"give {what}"])
    with os.fdopen(descriptor, "rb") as file:
        try:
            data = file.read(MAX_BYTES + 1)
        except OSError as exc:
            raise ProgramError([f"{path}: cannot read the file ({exc.strerror or exc})"]
                               ) from None
    if len(data) > MAX_BYTES:
        raise ProgramError([f"{path}: is larger than {MAX_BYTES // 2**20} MB; a program, even "
                            "an export of a large congress, is a few MB"])
    return data


def _text(data: bytes, label: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProgramError([f"{label}: cannot read the file: it is not UTF-8 text (byte "
                            f"{exc.start}); save it as UTF-8. I read {FORMATS}, and papers "
                            "CSV files"]) from None


def _unknown(label: str, what: str = "not a program") -> ProgramError:
    return ProgramError([f"{label}: {what}; I read {FORMATS}"])


def read_piece(path: Path, zone: ZoneInfo | None, *, papers: bool = False,
               yaml_too: bool = True) -> Piece:
    """Read one file of any format we know (with ``papers``, a papers CSV too; without
    ``yaml_too``, not our YAML: what ``schedule_from`` names is an export)."""
    label = str(path)
    data = read_file(path)
    text = _text(data, label)
    head = text.lstrip()
    if not head:
        raise _unknown(label, "the file is empty")
    if head[0] in "{[":
        try:
            parsed = load_json(text)
        except DocumentError as exc:
            raise ProgramError([f"{label}: {exc.where()}{exc.problem}"]) from None
        if frab_json.looks_like(parsed):
            return _from_draft(path, frab_json.read(parsed, label, zone))
        if sessionize.looks_like(parsed):
            return _from_draft(path, sessionize.read(parsed, label, zone))
        raise _unknown(label, "JSON, but neither a pretalx / frab schedule (schedule."
                              "conference) nor a Sessionize view/All export (sessions)")
    if head.startswith("<"):
        root = frab_xml.parse(data, label)
        if frab_xml.looks_like(root):
            return _from_draft(path, frab_xml.read(root, label, zone))
        raise _unknown(label, f"XML, but not a frab / Pentabarf schedule (its root is "
                              f"<{root.tag[:40]}>, not <schedule>)")
    if ical.looks_like(head):
        return _from_draft(path, ical.read(data, label, zone))
    if papers_csv.looks_like(head):
        if papers:
            return _from_draft(path, papers_csv.read(data, label))
        raise _unknown(label, "a papers CSV, not a program (name it in a YAML program with "
                              "'papers_from:')")
    found = yaml_value(text, label)  # a broken YAML file: says where it breaks
    if not isinstance(found, dict):
        raise _unknown(label)
    if not ({"workshop", "schedule", "papers", *OVERLAY_KEYS} & found.keys()):
        raise _unknown(label)
    if not yaml_too:
        raise ProgramError([f"{label}: is a program YAML, not a schedule export (pretalx, "
                            "frab, iCalendar, Sessionize)"])
    return _from_yaml(path, found, zone)


def _from_draft(path: Path, draft: ProgramDraft) -> Piece:
    return Piece(path, draft.format, draft.raw(), list(draft.origins),
                 list(draft.paper_origins), list(draft.warnings), [path], draft)


def _yaml_origins(label: str, entries: object, section: str) -> list[str]:
    found = entries if isinstance(entries, list) else []
    out = []
    for index, entry in enumerate(found):
        ident = entry.get("id") if isinstance(entry, dict) else None
        out.append(f"{label}: {section}[{index}]" + (f" (id {shown(ident)})"
                                                     if isinstance(ident, str) else ""))
    return out


def _from_yaml(path: Path, raw: dict[str, Any], zone: ZoneInfo | None) -> Piece:
    """Our YAML, with the schedule and papers it takes from other files merged in."""
    label = str(path)
    piece = Piece(path, YAML, dict(raw), _yaml_origins(label, raw.get("schedule"), "schedule"),
                  _yaml_origins(label, raw.get("papers"), "papers"), inputs=[path])
    schedule_file = piece.raw.pop("schedule_from", None)
    papers_file = piece.raw.pop("papers_from", None)
    for key, value in (("schedule_from", schedule_file), ("papers_from", papers_file)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ProgramError([f"{label}: {key}: must be a file name, not {shown(value)}"])
    if schedule_file:
        _take_schedule(piece, read_piece(path.parent / schedule_file, zone, yaml_too=False))
    if papers_file:
        found = read_piece(path.parent / papers_file, zone, papers=True, yaml_too=False)
        if found.format != papers_csv.FORMAT:
            raise ProgramError([f"{label}: papers_from: {papers_file} is {found.format}, not "
                                "a papers CSV"])
        _take_papers(piece, found)
    return piece


def _take_schedule(piece: Piece, export: Piece) -> None:
    """An export's events before the YAML's own; its workshop under the YAML's fields."""
    mine = piece.raw.get("workshop")
    theirs = export.raw["workshop"]
    if mine is not None and not isinstance(mine, dict):
        return  # validation names the problem
    wrote = mine or {}
    workshop = {**theirs, **wrote}
    schedule = list(export.raw["schedule"])
    if "timezone" in wrote and wrote["timezone"] != theirs.get("timezone"):
        with contextlib.suppress(ValueError):  # an unknown zone: validation names it
            settle(workshop, schedule, export.draft.declared_days if export.draft else
                   (None, None), keep_dates="date" in wrote)
    piece.raw["workshop"] = workshop
    own = piece.raw.get("schedule")
    piece.raw["schedule"] = schedule + (own if isinstance(own, list) else [])
    piece.schedule_origins = export.schedule_origins + piece.schedule_origins
    piece.warnings += export.warnings
    if export.draft is not None and export.draft.nameless and "name" not in wrote:
        piece.warnings.append(f"{export.path}: the file does not name its event; it is "
                              f"called {shown(workshop.get('name'))} (set workshop.name in "
                              f"{piece.path})")
    piece.inputs += export.inputs


def _take_papers(piece: Piece, found: Piece) -> None:
    """A CSV's papers after the YAML's own; a session named by title becomes its id."""
    sessions = [s for s in piece.raw.get("schedule") or [] if isinstance(s, dict)]
    ids = {s.get("id") for s in sessions}
    titles = {str(s.get("title", "")).casefold(): s.get("id") for s in sessions}
    papers = list(found.raw.get("papers", []))
    for paper in papers:
        named = paper.get("session")
        if named and named not in ids and named.casefold() in titles:
            paper["session"] = titles[named.casefold()]
    own = piece.raw.get("papers")
    piece.raw["papers"] = (own if isinstance(own, list) else []) + papers
    piece.paper_origins += found.paper_origins
    piece.inputs += found.inputs


def validate_piece(piece: Piece) -> ProgramSpec:
    """Validate a piece; its problems name the file and event each came from."""
    schedule, papers = piece.schedule_origins, piece.paper_origins

    def describe(section: str, index: int) -> str | None:
        origins = schedule if section == "schedule" else papers if section == "papers" else []
        return origins[index] if index < len(origins) else None

    return validate_program(piece.raw, str(piece.path), describe)


def load_program_file(path: Path, program_timezone: ZoneInfo | None = None) -> LoadedProgram:
    """Read and validate ``path`` in any format we know; raise :class:`ProgramError`
    listing every problem. ``program_timezone`` reads times that carry no offset."""
    piece = read_piece(path, program_timezone)
    spec = validate_piece(piece)
    return LoadedProgram(spec, path, piece.format, tuple(piece.warnings), tuple(piece.inputs))


def read_program(path: Path, program_timezone: ZoneInfo | None = None) -> LoadedProgram:
    """:func:`load_program_file` for a running bot: what the reading warned about is
    logged, one line each (the command line prints it instead)."""
    loaded = load_program_file(path, program_timezone)
    for line in loaded.warnings:
        log.warning("%s", line)
    return loaded


def combine(paths: Sequence[Path], zone: ZoneInfo | None,
            progress: Callable[[Piece], None] | None = None) -> tuple[Piece, list[Piece]]:
    """Several files as one program (``workshop-bot import``): the first that names a
    workshop names it; every schedule's events and every CSV's papers are added.
    ``progress`` hears of each file as soon as it is read."""
    pieces = []
    for path in paths:
        pieces.append(read_piece(path, zone, papers=True))
        if progress is not None:
            progress(pieces[-1])
    programs = [p for p in pieces if p.format != papers_csv.FORMAT]
    if not programs:
        raise ProgramError([f"{paths[0]}: papers alone make no program; give a schedule "
                            "(an export or our YAML) with them"])
    whole = Piece(programs[0].path, programs[0].format, dict(programs[0].raw),
                  list(programs[0].schedule_origins), list(programs[0].paper_origins),
                  list(programs[0].warnings), list(programs[0].inputs), programs[0].draft)
    for other in programs[1:]:
        whole.raw["schedule"] = list(whole.raw.get("schedule") or []) + list(
            other.raw.get("schedule") or [])
        whole.raw["papers"] = list(whole.raw.get("papers") or []) + list(
            other.raw.get("papers") or [])
        whole.schedule_origins += other.schedule_origins
        whole.paper_origins += other.paper_origins
        whole.warnings += other.warnings
        whole.inputs += other.inputs
    first = programs[0].draft
    if len(programs) > 1 and first is not None:  # the events of every export widen its days
        settle(whole.raw["workshop"], whole.raw["schedule"], first.declared_days)
    for csv_piece in (p for p in pieces if p.format == papers_csv.FORMAT):
        _take_papers(whole, csv_piece)
    return whole, pieces
