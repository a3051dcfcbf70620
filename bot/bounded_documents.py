"""Reading YAML and JSON that may be careless or hostile, within bounds, before any use.

A program file is written by an organizer, or by a tool, or downloaded; whatever it
holds, reading it must cost little and end in a value or in one line that says what is
wrong. So, before anything validates it:

- a file is at most :data:`MAX_BYTES` (the largest conference exports are a few MB);
- a document nests at most :data:`MAX_DEPTH` levels (a program needs five or six), so
  100,000 ``[`` are refused at the 65th, not by a ``RecursionError``;
- a document holds at most :data:`MAX_NODES` values, counted as its aliases expand them,
  and uses at most :data:`MAX_ALIASES` aliases: the YAML "billion laughs" (nine lists of
  nine aliases to the one before) is refused while it is read, instead of being expanded
  into 387 million strings by validation and printed;
- a key written twice in one mapping or object is an error naming both lines (YAML and
  JSON both let the second silently win, which hides a typo or an edit gone wrong);
- a value that cannot be read (``2021-13-45``, an integer of 5,000 digits) is an error
  naming its line, not a traceback.
"""

from __future__ import annotations

import json
import re
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from bot.error_values import shown

MAX_BYTES = 16 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 500_000  # some 25,000 sessions; the 31C3 congress (138 events) has 2,852
MAX_ALIASES = 100
MAX_DIGITS = 100  # of an integer: no field of a program needs more
MERGE_TAG = "tag:yaml.org,2002:merge"


class DocumentError(Exception):
    """A document refused while it was read: what is wrong, and where when that is known."""

    def __init__(self, problem: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line
        self.column = column

    def where(self) -> str:
        """ "line 12, column 3: ", "line 12: " or ""."""
        if self.line is None:
            return ""
        return f"line {self.line}" + (f", column {self.column}" if self.column else "") + ": "


def _too_deep() -> DocumentError:
    return DocumentError(f"nests too deeply to be a program (more than {MAX_DEPTH} levels)")


def _too_big() -> DocumentError:
    return DocumentError(f"holds more than {MAX_NODES:,} values (counting what its aliases "
                         "repeat); a program holds far fewer")


def _unreadable(value: object, exc: Exception) -> str:
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "Exceeds the limit" in reason:  # Python's own cap on long integers
        reason = "a number of more than 4,300 digits"
    return f"cannot read {shown(value)} ({shown(reason, 100)[1:-1]})"


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, counting as it composes: depth, values (an alias counts as
    every value it repeats) and aliases; and refusing duplicate keys and unreadable
    scalars with their line."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._values = 0
        self._aliases = 0
        self._sizes: dict[int, int] = {}  # id(node) -> values it holds, expanded

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            line = event.start_mark.line + 1
            target = self.anchors.get(event.anchor)
            if target is not None:  # an undefined alias: PyYAML names it
                self._aliases += 1
                if self._aliases > MAX_ALIASES:
                    raise DocumentError(f"uses more than {MAX_ALIASES} aliases (*name); "
                                        "write the values out", line)
                size = self._sizes.get(id(target))
                if size is None:  # still being composed: the alias is inside its anchor
                    raise DocumentError(f"the alias *{shown(event.anchor)[1:-1]} refers to "
                                        "the value that holds it", line)
                self._count(size, line)
            return super().compose_node(parent, index)
        line = self.peek_event().start_mark.line + 1
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise DocumentError(_too_deep().problem, line)
        before = self._values
        self._count(1, line)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if node is not None:
            self._sizes[id(node)] = self._values - before
        return node

    def _count(self, values: int, line: int) -> None:
        self._values += values
        if self._values > MAX_NODES:
            raise DocumentError(_too_big().problem, line)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag == MERGE_TAG:
                continue  # merged keys may be overridden: that is what << is for
            key = self.construct_object(key_node)
            line = key_node.start_mark.line + 1
            try:
                first = seen.get(key)
            except TypeError:
                continue  # unhashable: PyYAML says so
            if first is not None:
                raise DocumentError(f"the key {shown(key)} is written twice in one mapping "
                                    f"(first on line {first}); keep one", line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: Node, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except (ValueError, OverflowError) as exc:
            value = node.value if isinstance(node, ScalarNode) else node.tag
            raise DocumentError(_unreadable(value, exc), node.start_mark.line + 1) from None


def load_yaml(text: str) -> Any:
    """The value of a YAML document; :class:`DocumentError` or ``yaml.YAMLError``."""
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    except RecursionError:
        raise _too_deep() from None
    finally:
        loader.dispose()


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return found


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise DocumentError(f"holds a number of {len(text.lstrip('-')):,} digits; no field "
                            "of a program needs more than a few")
    return int(text)


def load_json(text: str) -> Any:
    """The value of a JSON document; :class:`DocumentError` for anything wrong with it."""
    try:
        data = json.loads(text, object_pairs_hook=_unique, parse_int=_integer)
    except json.JSONDecodeError as exc:
        raise DocumentError(f"not valid JSON ({exc.msg})", exc.lineno, exc.colno) from None
    except RecursionError:
        raise _too_deep() from None
    except _DuplicateKey as dup:
        found = _first_duplicate(text)
        if found is None:
            raise DocumentError(f"the key {shown(dup.key)} is written twice in one "
                                "object; keep one") from None
        key, line, first = found
        raise DocumentError(f"the key {shown(key)} is written twice in one object (first "
                            f"on line {first}); keep one", line) from None
    except ValueError as exc:  # a number json itself cannot convert
        raise DocumentError(_unreadable("a number", exc)) from None
    _check_shape(data)
    return data


def _check_shape(data: Any) -> None:
    """Depth and size of parsed JSON, by the same bounds as YAML (no recursion)."""
    count = 0
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise _too_big()
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
            count += len(value)  # the keys
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)


_JSON_TOKEN = re.compile(r'["{}\[\]\n]')
_COLON = re.compile(r"\s*:")
_STRINGS = json.JSONDecoder()  # its raw_decode reads the string that starts at a quote


def _first_duplicate(text: str) -> tuple[str, int, int] | None:
    """The first key written twice in one object, with its line and its first line.

    ``json`` reports a duplicate only as the key (``object_pairs_hook`` sees no
    positions), so a document found to have one is walked again for the lines: strings
    by ``json``'s own decoder, brackets counted, one set of keys per open object.
    """
    objects: list[dict[str, int] | None] = []  # None: an array
    line, at = 1, 0
    try:
        while (found := _JSON_TOKEN.search(text, at)) is not None:
            char, at = found.group(), found.end()
            if char == "\n":
                line += 1
            elif char == '"':
                value, at = _STRINGS.raw_decode(text, found.start())
                keys = objects[-1] if objects else None
                if keys is not None and _COLON.match(text, at):
                    if value in keys:
                        return value, line, keys[value]
                    keys[value] = line
            elif char == "{":
                objects.append({})
            elif char == "[":
                objects.append(None)
            elif objects:
                objects.pop()
    except ValueError:
        return None
    return None

