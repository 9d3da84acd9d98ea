"""Names resolved to ids, remembered per process and database while the
database's vocabulary generation (:mod:`timeline.generation`) is unchanged.

A filter such as ``actor=川普`` costs two statements to resolve (names and
aliases), and a date range one more (the longest event); with this cache a
request pays one small statement, the generation, and reads the rest from
memory.  Any committed write to actors, places, topics, their aliases or the
set of event lengths changes the generation, and the next request starts a new
memo, so a name is never resolved against an older state than the one the
request's own statements read.
"""
from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from timeline import generation

T = TypeVar("T")

#: Most entries one database's memo holds (least recently used go first).
MAX_ENTRIES = 4096


class Memo:
    """One database's remembered lookups, under one generation token."""

    def __init__(self) -> None:
        self.token: str | None = None
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, token: str, key: Hashable) -> tuple[bool, Any]:
        with self.lock:
            if token != self.token or key not in self.entries:
                return False, None
            self.entries.move_to_end(key)
            return True, self.entries[key]

    def put(self, token: str, key: Hashable, value: Any) -> None:
        with self.lock:
            if token != self.token:
                self.token, self.entries = token, OrderedDict()
            self.entries[key] = value
            if len(self.entries) > MAX_ENTRIES:
                self.entries.popitem(last=False)


_memos: weakref.WeakKeyDictionary[Engine, Memo] = weakref.WeakKeyDictionary()
_memos_lock = threading.Lock()


def _memo(engine: Engine) -> Memo:
    with _memos_lock:
        memo = _memos.get(engine)
        if memo is None:
            memo = _memos[engine] = Memo()
        return memo


class Lookups:
    """The lookups of one query: the generation is read once, on first use."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._token: str | None = None
        self._cacheable: bool | None = None

    def _current(self) -> tuple[str | None, bool]:
        if self._cacheable is None:
            self._token, self._cacheable = generation.current(self.session)
        return self._token, bool(self._cacheable)

    def get(self, key: Hashable, compute: Callable[[], T], remember: bool = True) -> T:
        """``compute()``, or what it gave for ``key`` under the current generation.
        Errors are not remembered: a name that names nothing is looked up again.
        ``remember=False``: the value depends on more than the vocabulary, compute it."""
        token, cacheable = self._current()
        if not remember or not cacheable or token is None:
            return compute()
        memo = _memo(self.session.get_bind())
        found, value = memo.get(token, key)
        if found:
            return value
        value = compute()
        memo.put(token, key, value)
        return value
