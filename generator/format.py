"""Stage 5, format: black, in-process, on every Python file; other files pass through unchanged.

black is the slowest stage by far, so it formats no more than it must: each file is cut into pieces that black
formats independently (pieces.py); a piece whose text the previous generation formatted (its key and place are in
that generation's record, see write.Record) is taken from the file on disk, and the others are spread over a process
pool when there are many. black's output for a piece is put together from its statements where that holds, black
seeing each statement of one shape once (statements.py); for the rest, black sees each distinct shape of piece once
(shapes.py).
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .pieces import Piece, join, split, strip_wrapper
from .render import LINE_LENGTH, OutputFile
from .shapes import restore, shape_of
from .statements import formatted as formatted_by_statements

if TYPE_CHECKING:  # a pool is started only for many pieces: a small change does without importing its machinery
    from concurrent.futures import Future, ProcessPoolExecutor



def _black_version() -> str:
    try:  # the version module black's build writes: far cheaper than importlib.metadata (or importing black)
        from _black_version import version  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a black installed some other way
        from importlib.metadata import version as installed

        return installed("black")
    return str(version)


FORMATTER = f"black {_black_version()} (py310, line length {LINE_LENGTH})"
PARALLEL_FROM = 24  # below this many pieces, starting workers costs more than it saves

Span = tuple[str, int, int]  # a piece's key, and where its formatted text starts and ends in the formatted file
# path -> (hash of the file's text before formatting, the file as formatted, its pieces)
Reuse = Mapping[str, tuple[str, str, Sequence[Span]]]


class FormatError(Exception):
    """black rejected generated code: a bug in a template, never in the user's spec."""


@dataclass(frozen=True)
class Formatted:
    files: list[OutputFile]
    sources: dict[str, str]  # path -> sha256 of its text before formatting, for reuse next time
    spans: dict[str, list[Span]]  # path -> its pieces, for reuse next time
    formatted: int  # how many files black actually ran on


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def piece_key(piece: Piece) -> str:
    """The same text as a method and at the top level differ: a method's formatted text has lost its wrapper."""
    return source_hash(("nested\0" if piece.nested else "top\0") + piece.text)


Progress = Callable[[int, int], None]  # (files formatted so far, files to format)


def format_files(files: Iterable[OutputFile], reuse: Reuse | None = None, progress: Progress | None = None,
                 pool: ProcessPoolExecutor | None = None) -> Formatted:
    """Format the Python files, in the order they come; `reuse` is what the previous generation formatted. With a
    `pool` (from workers()), the pieces are sent to it as the files come, so that rendering the rest goes on while
    they are formatted."""
    reuse = reuse or {}
    pieces = _Pieces({key: text[start:end] for _, text, spans in reuse.values() for key, start, end in spans}, pool)
    arrived: list[OutputFile] = []
    sources: dict[str, str] = {}
    done: dict[str, tuple[str, list[Span]]] = {}
    plans: dict[str, tuple[str, list[tuple[Piece, str]]]] = {}  # path -> (its text, its pieces and their keys)
    for f in files:
        arrived.append(f)
        if f.is_python:
            sources[f.path] = source_hash(f.content)
            old = reuse.get(f.path)
            if old and old[0] == sources[f.path]:
                done[f.path] = (old[1], list(old[2]))
            else:
                plans[f.path] = (f.content, pieces.add(f.content))
    pieces.flush()
    count = 0
    for number, (path, (text, plan)) in enumerate(plans.items(), 1):
        done[path] = _assemble(path, text, plan, pieces.formatted([key for _, key in plan]))
        count += any(key in pieces.sent for _, key in plan)
        if progress:
            progress(number, len(plans))
    result = [OutputFile(f.path, done[f.path][0]) if f.is_python else f for f in arrived]
    return Formatted(result, sources, {path: spans for path, (_, spans) in done.items()}, count)


class _Pieces:
    """The pieces to format, each distinct one once: with a pool, sent to it BATCH at a time as they come; without,
    formatted when all have come (flush; in a pool of their own if there are many)."""

    BATCH = 16  # pieces per task: few enough to keep both workers busy to the end, enough to make a task worth it

    def __init__(self, known: Mapping[str, str], pool: ProcessPoolExecutor | None) -> None:
        self.results: dict[str, str | None] = dict(known)
        self.pool = pool
        self.waiting: dict[str, Piece] = {}
        self.sent: set[str] = set()
        self.tasks: list[tuple[list[str], Future[list[str | None]]]] = []

    def add(self, text: str) -> list[tuple[Piece, str]]:
        """`text` cut into pieces, with their keys; the pieces not formatted yet are queued."""
        plan = [(piece, piece_key(piece)) for piece in split(text)]
        for piece, key in plan:
            if key not in self.results and key not in self.sent and key not in self.waiting:
                self.waiting[key] = piece
        if self.pool is not None and len(self.waiting) >= self.BATCH:
            self._send(self.pool)
        return plan

    def flush(self) -> None:
        """Send or format what is still waiting: no more pieces come."""
        if self.pool is not None:
            self._send(self.pool)
        else:
            self.sent.update(self.waiting)
            self.results.update(zip(self.waiting, _format_all(list(self.waiting.values()))))

    def formatted(self, keys: list[str]) -> dict[str, str | None]:
        """The formatted text of these pieces (None: black would not take one alone), once they are done; tasks
        finish in about the order they were sent, and so do files."""
        while any(key not in self.results for key in keys):
            sent, task = self.tasks.pop(0)
            self.results.update(zip(sent, task.result()))
        return self.results

    def _send(self, pool: ProcessPoolExecutor) -> None:
        if self.waiting:
            self.tasks.append((list(self.waiting), pool.submit(_format_batch, list(self.waiting.values()))))
            self.sent.update(self.waiting)
            self.waiting = {}


def _format_batch(pieces: list[Piece]) -> list[str | None]:
    return [format_piece(piece) for piece in pieces]


def format_python(text: str, path: str = "<generated>") -> str:
    import black  # deferred: importing black costs a third of a second

    try:
        return black.format_str(text, mode=_mode(black))
    except black.parsing.InvalidInput as exc:
        raise FormatError(f"generated invalid Python in {path}: {exc}") from None


def format_piece(piece: Piece) -> str | None:
    """black's output for one piece as it stands in the file; None if black will not take it alone. Formatted
    statement by statement where that holds (statements.py: one check serves every statement of one shape), else
    through its shape (shapes.py), so that pieces of one shape cost black once."""
    by_statements = formatted_by_statements(piece.text, _black_or_none)
    if by_statements is not None:
        return strip_wrapper(piece, by_statements)
    shape = shape_of(piece.text)
    if shape is not None:
        formatted = _format_shape(shape.text, piece.nested)
        restored = restore(shape, formatted) if formatted is not None else None
        if restored is not None:
            return restored
    return _black_piece(piece)


@functools.lru_cache(maxsize=4096)  # per process: a worker's shapes, or those of the generations run here
def _format_shape(text: str, nested: bool) -> str | None:
    return _black_piece(Piece(text, nested))


def _black_or_none(text: str) -> str | None:
    try:
        return format_python(text)
    except FormatError:
        return None


def _black_piece(piece: Piece) -> str | None:
    try:
        return strip_wrapper(piece, format_python(piece.text))
    except FormatError:
        return None


def _assemble(path: str, text: str, plan: list[tuple[Piece, str]],
              formatted: Mapping[str, str | None]) -> tuple[str, list[Span]]:
    """The formatted file and its pieces; when black would not take a piece alone, the whole file as black has it."""
    outputs = [formatted[key] for _, key in plan]
    if any(output is None for output in outputs):
        whole = format_python(text, path)
        return whole, [(piece_key(Piece(text, False)), 0, len(whole))]
    joined, places = join([piece for piece, _ in plan], [output or "" for output in outputs])
    return joined, [(key, start, end) for (_, key), (start, end) in zip(plan, places)]


@contextmanager
def workers(limit: int | None = None) -> Iterator[ProcessPoolExecutor | None]:
    """Up to `limit` processes to format pieces in, started now: each imports black (a sixth of a second) while the
    caller goes on rendering. None with a single core or no fork."""
    if _worker_count() < 2:
        yield None
        return
    count = min(limit or _worker_count(), _worker_count())
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    context = multiprocessing.get_context("fork")
    pool = ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_import_black)
    pool.submit(int)  # a pool forks its workers on its first task
    try:
        yield pool
    finally:
        # Waiting for the workers to exit (on an error, for the one still importing black): left running, they
        # race the interpreter's own shutdown of the pool, which then reports a closed pipe on stderr.
        pool.shutdown(wait=True, cancel_futures=True)


def _worker_count() -> int:
    return min(os.cpu_count() or 1, 8) if hasattr(os, "fork") else 1


def _import_black() -> None:
    import black  # noqa: F401


def _format_all(todo: list[Piece]) -> list[str | None]:
    """The pieces formatted, in order: in a pool of their own when there are many, else here."""
    if len(todo) >= PARALLEL_FROM and _worker_count() > 1:
        with workers() as pool:
            if pool is not None:
                return list(pool.map(format_piece, todo, chunksize=max(1, len(todo) // (_worker_count() * 8))))
    return [format_piece(piece) for piece in todo]


@functools.cache  # black compares modes in its own caches: one object compares at once
def _mode(black: Any) -> Any:
    return black.Mode(target_versions={black.TargetVersion.PY310}, line_length=LINE_LENGTH)
