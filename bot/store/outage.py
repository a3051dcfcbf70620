"""Telling "the database is not answering" apart from every other failure.

A refused connection, a connection cut mid-query, a query or pool wait that timed out:
these pass once the database is back, so the caller keeps what it was doing for later
(a reminder is retried, a schedule answer falls back to the default timezone, a command
gets the apology) instead of treating it as a bug. Everything else is a bug and is
raised as before.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# OSError: refused or reset connections (asyncpg raises them unwrapped while connecting);
# TimeoutError: a query or connect timeout; DBAPIError: the driver's own errors, wrapped
# by SQLAlchemy (InterfaceError and OperationalError included); PoolTimeout: every pooled
# connection is stuck in a stalled query.
DATABASE_DOWN: tuple[type[BaseException], ...] = (OSError, TimeoutError, DBAPIError,
                                                  PoolTimeout)


def is_database_down(exc: BaseException) -> bool:
    """Whether ``exc`` (or what it wraps, as a TaskGroup does) says the database is away."""
    if isinstance(exc, BaseExceptionGroup):
        return all(is_database_down(inner) for inner in exc.exceptions)
    return isinstance(exc, DATABASE_DOWN)


def reason(exc: BaseException) -> str:
    """One short line for the log: the driver's message, not SQLAlchemy's SQL dump."""
    if isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        return reason(exc.exceptions[0])
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()[0] if str(inner).strip() else ""
    return f"{type(inner).__name__}: {text}"[:200] if text else type(inner).__name__


class OutageLog:
    """One WARNING when the database goes away and one INFO when it is back, instead of
    a line per failed query: a crowd asking during an outage would fill the log.

    ``counted`` is told of every failure, not only the first (the metrics' database
    errors: how hard an outage hit shows there, not in the log)."""

    def __init__(self, logger: logging.Logger, what: str, *,
                 counted: Callable[[], None] | None = None) -> None:
        self._log = logger
        self._what = what
        self.down = False
        self.counted = counted

    def failed(self, exc: BaseException) -> None:
        if self.counted is not None:
            self.counted()
        if not self.down:
            self.down = True
            self._log.warning("The database is not answering (%s); %s", reason(exc),
                              self._what)
        else:
            self._log.debug("Database still not answering: %s", reason(exc))

    def worked(self) -> None:
        if self.down:
            self.down = False
            self._log.info("The database answers again")
