"""Accuracy of the bot on the phrasing corpora, as a Markdown table for the README.

    python -m tests.phrasings.report [--part development|heldout|both] [--show-failures]

Each case is asked of a real core (see tests/phrasings/corpus.py). ``--show-failures``
lists the development cases that were not right; it is refused for the held-out part,
whose questions stay unread so the numbers measure phrasings nobody tuned for.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from tests.phrasings.corpus import PARTS, CorpusError, describe, load, run, table, tally


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.phrasings.report",
        description="Accuracy per family on the phrasing corpora (a Markdown table).")
    parser.add_argument("--part", choices=["development", "heldout", "both"], default="both")
    parser.add_argument("--show-failures", action="store_true",
                        help="list the development cases that are not right")
    options = parser.parse_args(argv)
    parts = list(PARTS) if options.part == "both" else [options.part]
    if options.show_failures and "heldout" in parts:
        print("--show-failures is refused for the held-out part: use --part development",
              file=sys.stderr)
        return 2
    logging.disable(logging.WARNING)  # the core logs its start; the table is the output
    results = {}
    failures = []
    for part in parts:
        try:
            cases = load(PARTS[part], part)
        except CorpusError as exc:
            print(f"{part}: {exc}", file=sys.stderr)
            return 2
        if not cases:
            print(f"({part}: {PARTS[part].name} is absent, skipped)", file=sys.stderr)
            continue
        outcomes = asyncio.run(run(cases))
        results[part] = tally(outcomes)
        if options.show_failures:
            failures.extend(o for o in outcomes if o.status != "right")
    if not results:
        print("no corpus to report on", file=sys.stderr)
        return 2
    print(table(results))
    if failures:
        print(f"\n{len(failures)} cases not right:\n")
        print("\n\n".join(describe(outcome) for outcome in failures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
