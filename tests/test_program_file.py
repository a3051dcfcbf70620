"""Program file validation: every kind of mistake gives one actionable line naming the
file, the item and the field, and nothing is written."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.program_file import ProgramError, parse_program
from bot.program_loader import load_program_file
from bot.settings import BUNDLED_PROGRAM

MINIMAL = """
workshop:
  id: demo
  name: Demo Workshop
  date: 2024-05-06
  timezone: Europe/Berlin
schedule:
  - id: hello
    kind: remarks
    title: Welcome
    start: 2024-05-06T09:00:00+02:00
    end: 2024-05-06T09:15:00+02:00
  - id: keynote
    title: A keynote
    start: 2024-05-06T09:15:00+02:00
    end: 2024-05-06T10:00:00+02:00
    speakers: [Ada Lovelace]
papers:
  - id: engine
    title: The analytical engine
    authors: [Ada Lovelace, Charles Babbage]
"""


def edited(change: str, value: object, **more: object) -> str:
    """MINIMAL with values replaced, addressed as "schedule.1.end" (or schedule__1__end=)."""
    data = yaml.safe_load(MINIMAL)
    for address, new in [(change, value), *((k.replace("__", "."), v) for k, v in more.items())]:
        *path, last = address.split(".")
        target = data
        for part in path:
            target = target[int(part)] if part.isdigit() else target[part]
        key = int(last) if last.isdigit() else last
        if new is DELETE:
            del target[key]
        else:
            target[key] = new
    return yaml.safe_dump(data, sort_keys=False)


DELETE = object()


def errors_of(text: str) -> list[str]:
    with pytest.raises(ProgramError) as caught:
        parse_program(text, "demo.yaml")
    return caught.value.lines


def test_the_bundled_program_is_valid_and_complete() -> None:
    spec = load_program_file(BUNDLED_PROGRAM).spec
    assert spec.workshop.name == "ML for Systems"
    assert spec.workshop.timezone == "America/Los_Angeles"
    assert str(spec.workshop.date) == "2021-12-13"
    assert spec.workshop.organizers == [
        "Benoit Steiner", "Jonathan Raiman", "Martin Maas", "Azade Nazi", "Mimee Xu",
        "Anna Goldie",
    ]
    assert [s.id for s in spec.schedule] == [
        "opening-remarks", "kraska-talk", "anandkumar-talk", "carbin-talk", "lunch",
        "ceze-talk", "phothilimtha-talk", "tian-talk", "closing-remarks",
    ]
    tbd = {s.speakers[0] for s in spec.schedule if s.title == "TBD"}
    assert tbd == {"Tim Kraska", "Anima Anandkumar", "Michael Carbin", "Luis Ceze"}
    assert len(spec.papers) == 13
    systems = ["Aquarius", "NIC", "GON", "DeepRNG", "automap", "CompilerGym", "NEMO",
               "LNS-Madam", "PRIME"]
    titles = [p.title for p in spec.papers]
    for name in systems:
        assert any(t.startswith(f"{name}:") for t in titles), name
    assert spec.papers[8].authors == [
        "Chris Cummins", "Bram Wasti", "Brandon Cui", "Olivier Teytaud", "Benoit Steiner",
        "Yuandong Tian", "Hugh Leather",
    ]
    assert all(p.summary and len(p.summary) < 400 for p in spec.papers)
    ceze = spec.schedule[5]
    assert (ceze.start.isoformat(), ceze.end.isoformat()) == (
        "2021-12-13T15:50:00-08:00", "2021-12-13T16:25:00-08:00")


def test_minimal_program_is_valid() -> None:
    spec = parse_program(MINIMAL, "demo.yaml")
    assert [s.id for s in spec.schedule] == ["hello", "keynote"]
    assert spec.schedule[0].room == "main"


@pytest.mark.parametrize(
    ("change", "value", "expected"),
    [
        ("schedule.1.spekers", ["X"],
         "demo.yaml: schedule[1] (id 'keynote'): spekers: unknown key"),
        ("workshop.colour", "blue", "demo.yaml: workshop.colour: unknown key"),
        ("schedule.0.title", DELETE,
         "demo.yaml: schedule[0] (id 'hello'): title: missing (this field is required)"),
        ("workshop.timezone", "Mars/Olympus",
         "demo.yaml: workshop.timezone: unknown timezone 'Mars/Olympus'"),
        ("schedule.1.end", "2024-05-06T09:10:00+02:00",
         "demo.yaml: schedule[1] (id 'keynote'): end: ends before it starts"),
        ("schedule.1.start", "2024-05-06T09:10:00+02:00",
         "demo.yaml: schedule[1] (id 'keynote'): start: overlaps 'hello'"),
        ("papers.0.id", "hello",
         "demo.yaml: papers[0] (id 'hello'): id: duplicate id, also used by schedule[0]"),
        ("papers.0.authors", ["Ada Lovelace", 42],
         "demo.yaml: papers[0] (id 'engine'): authors.1: must be text, not int 42"),
        ("papers.0.authors", [],
         "demo.yaml: papers[0] (id 'engine'): authors: needs at least one entry"),
        ("schedule.1.speakers", [],
         "demo.yaml: schedule[1] (id 'keynote'): (entry): a talk needs at least one speaker"),
        ("schedule.0.start", "2024-05-06T09:00:00",
         "demo.yaml: schedule[0] (id 'hello'): start: 2024-05-06T09:00:00 has no UTC offset"),
        ("schedule.0.id", "Hello World",
         "demo.yaml: schedule[0] (id 'Hello World'): id: 'Hello World' is not a valid id"),
        ("schedule.0.kind", "party",
         "demo.yaml: schedule[0] (id 'hello'): kind: Input should be 'talk', 'keynote'"),
        ("papers.0.session", "nowhere",
         "demo.yaml: papers[0] (id 'engine'): session: no schedule entry has id 'nowhere'"),
        ("schedule.1.speakers", ["Ada Lovelace", "ada lovelace"],
         "demo.yaml: schedule[1] (id 'keynote'): speakers: 'ada lovelace' is listed twice"),
        ("workshop.date", "2024-05-07",
         "demo.yaml: schedule[0] (id 'hello'): start: falls on 2024-05-06 in Europe/Berlin, "
         "outside the workshop's dates (2024-05-07)"),
    ],
)
def test_each_mistake_is_named(change: str, value: object, expected: str) -> None:
    problems = errors_of(edited(change, value))
    assert any(line.startswith(expected) for line in problems), problems
    assert all("\n" not in line for line in problems)


def test_overlaps_are_only_checked_within_a_room() -> None:
    parallel = edited("schedule.1.start", "2024-05-06T09:10:00+02:00", schedule__1__room="B")
    assert len(parse_program(parallel, "demo.yaml").schedule) == 2
    same_room = edited("schedule.1.start", "2024-05-06T09:10:00+02:00", schedule__1__room="main")
    assert len(errors_of(same_room)) == 1


def test_all_problems_are_reported_at_once() -> None:
    text = edited("schedule.1.spekers", ["X"]).replace("Europe/Berlin", "Nowhere/Land")
    assert len(errors_of(text)) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("workshop: [unclosed", "demo.yaml: line 1, column 20: not valid YAML"),
        ("- just\n- a list\n", "demo.yaml: the file must be a mapping"),
        ("", "demo.yaml: the file must be a mapping"),
        ("schedule: []\n", "demo.yaml: workshop: missing"),
    ],
)
def test_unreadable_files(text: str, expected: str) -> None:
    assert errors_of(text)[0].startswith(expected)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProgramError) as caught:
        load_program_file(tmp_path / "nope.yaml")
    assert caught.value.lines == [f"{tmp_path / 'nope.yaml'}: no such file"]
