"""Stage 5, format: black, in-process, on every Python file; other files pass through unchanged.

black is the slowest stage by far, so it formats no more than it must: each file is cut into pieces that black
formats independently (pieces.py); a piece whose text the previous generation formatted (its key and place are in
that generation's record, see write.Record) is taken from the file on disk, and the others are spread over a process
pool when there are many. black sees each distinct shape of piece once (shapes.py).
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .pieces import Piece, join, split, strip_wrapper
from .render import OutputFile
from .shapes import restore, shape_of

if TYPE_CHECKING:  # a pool is started only for many pieces: a small change does without importing its machinery
    from concurrent.futures import ProcessPoolExecutor

LINE_LENGTH = 120  # must match [tool.black] in the generated pyproject.toml


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


def format_files(files: list[OutputFile], reuse: Reuse | None = None, progress: Progress | None = None,
                 pool: ProcessPoolExecutor | None = None) -> Formatted:
    """Format the Python files (in `pool`, from workers(), if given); `reuse` is what the previous generation
    formatted."""
    reuse = reuse or {}
    sources = {f.path: source_hash(f.content) for f in files if f.is_python}
    done = {path: (text, list(spans)) for path, (source, text, spans) in reuse.items() if sources.get(path) == source}
    changed = {f.path: f.content for f in files if f.is_python and f.path not in done}
    known = {key: text[start:end] for _, text, spans in reuse.values() for key, start, end in spans}
    count = 0
    for number, (path, text, spans, ran) in enumerate(_format_changed(changed, known, pool), 1):
        done[path] = (text, spans)
        count += ran
        if progress:
            progress(number, len(changed))
    result = [OutputFile(f.path, done[f.path][0]) if f.is_python else f for f in files]
    return Formatted(result, sources, {path: spans for path, (_, spans) in done.items()}, count)


def format_python(text: str, path: str = "<generated>") -> str:
    import black  # deferred: importing black costs a third of a second

    try:
        return black.format_str(text, mode=_mode(black))
    except black.parsing.InvalidInput as exc:
        raise FormatError(f"generated invalid Python in {path}: {exc}") from None


def format_piece(piece: Piece) -> str | None:
    """black's output for one piece as it stands in the file; None if black will not take it alone. Formatted
    through its shape (shapes.py), so that pieces of one shape cost black once."""
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


def _black_piece(piece: Piece) -> str | None:
    try:
        return strip_wrapper(piece, format_python(piece.text))
    except FormatError:
        return None


def _format_changed(texts: dict[str, str], known: Mapping[str, str],
                    pool: ProcessPoolExecutor | None) -> Iterator[tuple[str, str, list[Span], bool]]:
    """(path, formatted text, its pieces, whether black ran on it) of each file, in order, as soon as it is ready;
    only the pieces not `known` are formatted, each distinct one once."""
    plans = {path: [(piece, piece_key(piece)) for piece in split(text)] for path, text in texts.items()}
    missing: dict[str, Piece] = {}
    for plan in plans.values():
        missing.update((key, piece) for piece, key in plan if key not in known and key not in missing)
    results = zip(missing, _format_all(list(missing.values()), pool))
    formatted: dict[str, str | None] = dict(known)
    for path, plan in plans.items():
        for _, key in plan:
            while key not in formatted:
                ready, text = next(results)
                formatted[ready] = text
        yield path, *_assemble(path, texts[path], plan, formatted), any(key in missing for _, key in plan)


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
    with ProcessPoolExecutor(max_workers=count, mp_context=context, initializer=_import_black) as pool:
        pool.submit(int)  # a pool forks its workers on its first task
        yield pool


def _worker_count() -> int:
    return min(os.cpu_count() or 1, 8) if hasattr(os, "fork") else 1


def _import_black() -> None:
    import black  # noqa: F401


def _format_all(todo: list[Piece], pool: ProcessPoolExecutor | None) -> Iterator[str | None]:
    """Formatted pieces in order, as they are ready: in `pool` if there is one; else in a pool of their own when
    there are many, else here."""
    if pool is not None and todo:
        yield from pool.map(format_piece, todo, chunksize=max(1, len(todo) // (_worker_count() * 8)))
    elif len(todo) >= PARALLEL_FROM and _worker_count() > 1:
        with workers() as started:
            yield from _format_all(todo, started)
    else:
        yield from map(format_piece, todo)


def _mode(black: Any) -> Any:
    return black.Mode(target_versions={black.TargetVersion.PY310}, line_length=LINE_LENGTH)
