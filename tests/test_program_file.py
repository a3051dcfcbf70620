"""Program file validation: every kind of mistake gives one actionable line naming the
file, the item and the field, and nothing is written."""

from __future__ import annotations

import os
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


# -- careless and hostile files (issue 11, items 7 and 8) ---------------------------------


def test_a_key_written_twice_is_an_error_naming_both_lines() -> None:
    text = MINIMAL.replace("  name: Demo Workshop\n", "  name: Demo Workshop\n  name: Other\n")
    assert errors_of(text) == ["demo.yaml: line 5: the key 'name' is written twice in one "
                               "mapping (first on line 4); keep one"]
    flow = MINIMAL.replace("    speakers: [Ada Lovelace]", "    speakers: [Ada Lovelace]\n"
                           "    keywords: {a: 1, a: 2}")
    assert errors_of(flow) == ["demo.yaml: line 18: the key 'a' is written twice in one "
                               "mapping (first on line 18); keep one"]


def test_merge_keys_may_still_be_overridden() -> None:
    """`<<: *base` then a key of its own is how YAML says "like base, but": not a duplicate."""
    data = yaml.safe_load(MINIMAL)
    text = yaml.safe_dump(data, sort_keys=False).replace(
        "- id: keynote\n", "- &talk\n  id: keynote\n").replace(
        "papers:", "- <<: *talk\n  id: second-keynote\n  start: 2024-05-06T10:00:00+02:00\n"
                   "  end: 2024-05-06T10:30:00+02:00\npapers:")
    spec = parse_program(text, "demo.yaml")
    assert [(s.id, s.title) for s in spec.schedule][1:] == [
        ("keynote", "A keynote"), ("second-keynote", "A keynote")]


def test_an_alias_bomb_is_refused_while_it_is_read() -> None:
    """Nine lists of nine aliases to the one before: 387 million strings, if expanded."""
    lists = ["&a [" + ", ".join(["lol"] * 9) + "]"]
    lists += [f"&{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 9) + "]" for n in range(8)]
    text = MINIMAL.replace("    speakers: [Ada Lovelace]", "    speakers: [Ada Lovelace]\n"
                           "    keywords: [" + ", ".join(lists) + "]")
    assert errors_of(text) == ["demo.yaml: line 18: holds more than 500,000 values (counting "
                               "what its aliases repeat); a program holds far fewer"]


def test_a_few_aliases_are_fine_and_many_are_refused() -> None:
    few = MINIMAL.replace("    speakers: [Ada Lovelace]", "    speakers: &ada [Ada Lovelace]")
    few = few.replace("    authors: [Ada Lovelace, Charles Babbage]", "    authors: *ada")
    assert parse_program(few, "demo.yaml").papers[0].authors == ["Ada Lovelace"]
    many = MINIMAL.replace("    speakers: [Ada Lovelace]", "    speakers: &ada [Ada Lovelace]"
                           "\n    keywords: [" + ", ".join(["*ada"] * 101) + "]")
    assert errors_of(many) == ["demo.yaml: line 18: uses more than 100 aliases (*name); "
                               "write the values out"]
    loop = MINIMAL.replace("    speakers: [Ada Lovelace]", "    speakers: &me [Ada, *me]")
    assert errors_of(loop) == ["demo.yaml: line 17: the alias *me refers to the value that "
                               "holds it"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000, "demo.yaml: line 1: nests too deeply to be a program (more than 64 "
                        "levels)"),
        ("workshop: " + "{a: " * 70 + "1" + "}" * 70, "nests too deeply to be a program"),
        ("workshop: {date: 2021-13-45}", "demo.yaml: line 1: cannot read '2021-13-45' (month "
                                         "must be in 1..12)"),
        ("workshop: {id: " + "9" * 5000 + "}", "(a number of more than 4,300 digits)"),
        ("workshop: !!python/object/apply:os.system [echo]", "not valid YAML (could not "
                                                              "determine a constructor"),
        ("workshop: *nowhere", "demo.yaml: line 1, column 11: not valid YAML (found undefined "
                               "alias 'nowhere')"),
    ],
)
def test_unreadable_values_and_shapes_are_one_line(text: str, expected: str) -> None:
    (line,) = errors_of(text)
    assert expected in line


def test_a_value_in_an_error_is_cut_to_80_characters() -> None:
    long_title = "x" * 100_000
    problems = errors_of(edited("papers.0.authors", ["Ada", ["y" * 100_000]],
                                papers__0__id="a b " + long_title))
    assert problems == [
        "demo.yaml: papers[0] (id 'a b " + "x" * 74 + "…): id: 'a b " + "x" * 74 + "… is not a "
        "valid id (lowercase letters, digits and '-', e.g. 'compilergym')",
        "demo.yaml: papers[0] (id 'a b " + "x" * 74 + "…): authors.1: must be text, not list "
        "['" + "y" * 77 + "…",
    ]


def test_an_unknown_key_is_quoted_when_it_is_no_plain_word() -> None:
    problems = errors_of(edited("schedule.0.a\nb\x1b[31m", 1, workshop__colour=2))
    assert problems == [
        "demo.yaml: workshop.colour: unknown key (check the spelling; see README, 'The program "
        "file')",
        "demo.yaml: schedule[0] (id 'hello'): 'a\\nb\\x1b[31m': unknown key (check the "
        "spelling; see README, 'The program file')"]
    assert all(line.isprintable() for line in problems)


@pytest.mark.parametrize(
    ("change", "value", "expected"),
    [
        ("schedule.0.start", "0001-01-01T00:00:00+01:00",
         "schedule[0] (id 'hello'): start: 0001-01-01T00:00:00+01:00 is outside the years "
         "1970 to 2999"),
        ("schedule.1.end", "9999-12-31T23:59:59-14:00",
         "schedule[1] (id 'keynote'): end: 9999-12-31T23:59:59-14:00 is outside the years"),
        ("workshop.date", "9999-12-31", "workshop.date: 9999-12-31 is outside the years"),
        ("workshop.end_date", "0001-01-01", "workshop.end_date: 0001-01-01 is outside the years"),
        ("schedule.0.day", "0001-01-01", "day: 0001-01-01 is outside the years"),
    ],
)
def test_times_and_days_outside_the_years_the_bot_keeps(
        change: str, value: str, expected: str) -> None:
    problems = errors_of(edited(change, value))
    assert any(expected in line for line in problems), problems


def test_thousands_of_problems_are_the_first_twenty_and_a_count() -> None:
    data = yaml.safe_load(MINIMAL)
    data["papers"] = [{"id": f"p{n}", "title": "", "authors": []} for n in range(1000)]
    with pytest.raises(ProgramError) as caught:
        parse_program(yaml.safe_dump(data), "demo.yaml")
    assert len(caught.value.lines) == 21
    assert caught.value.lines[-1] == "… and 1,980 more problems"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("program.yaml", b"", "the file is empty"),
        ("program.yaml", "Café".encode("latin-1"), "it is not UTF-8 text (byte 3)"),
        ("program.json", b'{"a": 1,\n "a": 2}', "line 2: the key 'a' is written twice in one "
                                                "object (first on line 1); keep one"),
        ("program.json", b"[" * 100_000, "nests too deeply to be a program"),
        ("program.json", b'{"a": ' + b"9" * 5000 + b"}", "holds a number of 5,000 digits"),
    ],
)
def test_files_that_cannot_be_programs(tmp_path: Path, name: str, content: bytes,
                                       expected: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ProgramError) as caught:
        load_program_file(path)
    (line,) = caught.value.lines
    assert line.startswith(f"{path}: ") and expected in line


def test_a_fifo_a_device_and_a_huge_file_are_refused_unread(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)  # reading it would wait for a writer forever
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as file:
        file.truncate(17 * 1024 * 1024)
    for path, expected in ((fifo, "is not a regular file"), (Path("/dev/zero"),
                           "is not a regular file"), (huge, "is larger than 16 MB")):
        with pytest.raises(ProgramError) as caught:
            load_program_file(path)
        assert caught.value.lines[0].startswith(f"{path}: {expected}")
