"""JSON on the fakes' wire, written and read with orjson.

The benchmarks run a fake platform on the same two cores as the client they measure, so
the fake's own cost must stay small next to the client's: the standard library's
encoder made the fake Discord, not the bot, the bottleneck for answers with embeds.
"""

from __future__ import annotations

from typing import Any

import orjson

OPTIONS = orjson.OPT_NON_STR_KEYS  # as json.dumps: {1: ...} is written as {"1": ...}


def dumps(data: Any) -> str:
    return orjson.dumps(data, option=OPTIONS).decode()


def dumps_bytes(data: Any) -> bytes:
    return orjson.dumps(data, option=OPTIONS)


def loads(data: str | bytes) -> Any:
    """Raises ValueError (orjson.JSONDecodeError) on bad JSON, as json.loads does."""
    return orjson.loads(data)
