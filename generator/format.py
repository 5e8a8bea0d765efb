"""Stage 5, format: black, in-process, on every Python file; other files pass through unchanged.

black is the slowest stage by far, so it never formats the same text twice: a file whose unformatted text is
what the previous generation formatted (its hash is in that generation's record, see write.Record) is taken from
disk, and on a cold run the files are spread over a process pool.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

from .render import OutputFile

LINE_LENGTH = 120  # must match [tool.black] in the generated pyproject.toml
FORMATTER = f"black {version('black')} (py310, line length {LINE_LENGTH})"
PARALLEL_FROM = 24  # below this many files, starting workers costs more than it saves


class FormatError(Exception):
    """black rejected generated code: a bug in a template, never in the user's spec."""


@dataclass(frozen=True)
class Formatted:
    files: list[OutputFile]
    sources: dict[str, str]  # path -> sha256 of its text before formatting, for reuse next time
    formatted: int  # how many files black actually ran on


def source_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


Progress = Callable[[int, int], None]  # (files formatted so far, files to format)


def format_files(files: list[OutputFile], reuse: Mapping[str, tuple[str, str]] | None = None,
                 progress: Progress | None = None) -> Formatted:
    """Format the Python files; `reuse` maps a path to (source hash, formatted text) of the previous run."""
    reuse = reuse or {}
    sources = {f.path: source_hash(f.content) for f in files if f.is_python}
    todo = [f for f in files if f.is_python and reuse.get(f.path, ("", ""))[0] != sources[f.path]]
    done: dict[str, str] = {}
    for f, text in zip(todo, _format_all([f.content for f in todo], [f.path for f in todo])):
        done[f.path] = text
        if progress:
            progress(len(done), len(todo))
    result = [
        OutputFile(f.path, done[f.path] if f.path in done else reuse[f.path][1]) if f.is_python else f for f in files
    ]
    return Formatted(result, sources, len(todo))


def format_python(text: str, path: str = "<generated>") -> str:
    import black  # deferred: importing black costs a third of a second

    try:
        return black.format_str(text, mode=_mode(black))
    except black.parsing.InvalidInput as exc:
        raise FormatError(f"generated invalid Python in {path}: {exc}") from None


def _format_all(texts: list[str], paths: list[str]) -> Iterator[str]:
    """Formatted texts in order, as they are ready."""
    workers = min(os.cpu_count() or 1, 8)
    if len(texts) < PARALLEL_FROM or workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
        yield from (format_python(text, path) for text, path in zip(texts, paths))
        return
    import black  # noqa: F401  # imported once here, inherited by the forked workers

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from pool.map(format_python, texts, paths, chunksize=max(1, len(texts) // (workers * 8)))


def _mode(black: Any) -> Any:
    return black.Mode(target_versions={black.TargetVersion.PY310}, line_length=LINE_LENGTH)
