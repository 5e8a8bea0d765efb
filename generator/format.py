"""Stage 5, format: black, in-process, on every Python file; other files pass through unchanged."""

from __future__ import annotations

import hashlib
from typing import Any

from .render import OutputFile

LINE_LENGTH = 120  # must match [tool.black] in the generated pyproject.toml

_cache: dict[str, str] = {}  # unformatted text hash -> formatted text, for repeated runs in one process


class FormatError(Exception):
    """black rejected generated code: a bug in a template, never in the user's spec."""


def format_files(files: list[OutputFile]) -> list[OutputFile]:
    return [OutputFile(f.path, format_python(f.content, f.path)) if f.is_python else f for f in files]


def format_python(text: str, path: str = "<generated>") -> str:
    key = hashlib.sha256(text.encode()).hexdigest()
    if key not in _cache:
        import black  # deferred: importing black costs a third of a second

        try:
            _cache[key] = black.format_str(text, mode=_mode(black))
        except black.parsing.InvalidInput as exc:
            raise FormatError(f"generated invalid Python in {path}: {exc}") from None
    return _cache[key]


def _mode(black: Any) -> Any:
    return black.Mode(target_versions={black.TargetVersion.PY310}, line_length=LINE_LENGTH)
