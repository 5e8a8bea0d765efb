"""Regenerating safely: what the last generation into a directory recorded (its SDK surface, the packages' version,
the CHANGELOG), what a new generation changes in that surface, and the version bump it calls for.

The manifest (`.clientgen-manifest.json`) records the SDK surface (surface.build) and the version the generated
packages carry. That version is the spec's `api.version`, or the one recorded in the manifest when it is higher: a
`clientgen generate --version-bump auto` raises the recorded one (major, minor or patch, as diff.bump decides from
the changes between the recorded surface and the new one) and prepends the changes, as a Markdown section, to the
generated `CHANGELOG.md`. Regeneration without `--version-bump` keeps both as they are, so it is byte-identical run
after run; raising `api.version` in the spec above the recorded version takes over from it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .write import MANIFEST

if TYPE_CHECKING:
    from .diff import Change

CHANGELOG = "CHANGELOG.md"
CHANGELOG_TITLE = "# Changelog\n"
BUMPS = ("auto",)
_VERSION = re.compile(r"^([0-9]+(?:\.[0-9]+)*)(.*)$")


@dataclass(frozen=True)
class Previous:
    """What the manifest in an output directory recorded; all None for a directory without one."""

    surface: dict[str, Any] | None = None
    version: str | None = None
    changelog: str | None = None  # CHANGELOG.md as it is on disk, when the manifest lists it
    manifest: bytes | None = None  # the manifest's own bytes (to name it in a `clientgen diff` command)


def previous(out_dir: Path) -> Previous:
    """The recorded state of `out_dir`; anything unreadable counts as not recorded (the write step reports a
    manifest it cannot read)."""
    path = Path(out_dir) / MANIFEST
    try:
        raw = path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError):
        return Previous()
    if not isinstance(data, dict):
        return Previous()
    surface = data.get("surface")
    version = data.get("version")
    changelog = None
    files = data.get("files")
    if isinstance(files, dict) and CHANGELOG in files:
        try:
            changelog = (Path(out_dir) / CHANGELOG).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            changelog = None
    return Previous(surface if isinstance(surface, dict) else None, version if isinstance(version, str) else None,
                    changelog, raw)


def version_key(version: str) -> tuple[int, ...]:
    """The numeric part of a version, padded to three numbers ('1.2' -> (1, 2, 0)); the suffix is not compared."""
    match = _VERSION.match(version)
    numbers = tuple(int(n) for n in match.group(1).split(".")) if match else (0,)
    return numbers + (0,) * (3 - len(numbers))


def effective_version(spec_version: str, recorded: str | None) -> str:
    """The version the generated packages carry: the recorded one when it is higher than the spec's."""
    if recorded and _VERSION.match(recorded) and version_key(recorded) > version_key(spec_version):
        return recorded
    return spec_version


def bumped(version: str, level: str) -> str:
    """`version` raised by one `level` (major, minor or patch); lower numbers reset, a suffix is dropped
    ('1.4.2rc1' + minor -> '1.5.0'). A 0.x version gets the same rules: a breaking change makes 1.0.0."""
    major, minor, patch = version_key(version)[:3]
    if level == "major":
        return f"{major + 1}.0.0"
    if level == "minor":
        return f"{major}.{minor + 1}.0"
    if level == "patch":
        return f"{major}.{minor}.{patch + 1}"
    raise ValueError(f"unknown bump {level!r}")


def changelog_with(previous_text: str | None, section: str) -> str:
    """The CHANGELOG with `section` (a `## version` heading and its changes) first, every earlier entry below it."""
    earlier = previous_text or ""
    earlier = earlier.removeprefix(CHANGELOG_TITLE)
    earlier = earlier.strip("\n")
    return CHANGELOG_TITLE + "\n" + section.strip("\n") + "\n" + (f"\n{earlier}\n" if earlier else "")


def changes_from(recorded: dict[str, Any] | None, surface: dict[str, Any],
                 compare: Callable[[dict[str, Any], dict[str, Any]], list[Change]]) -> list[Change]:
    """The changes from the recorded surface; none when nothing is recorded, or when it was recorded in another
    format (an older clientgen): the next generation records the current one."""
    if recorded is None or recorded.get("surface") != surface.get("surface"):
        return []
    try:
        return compare(recorded, surface)
    except (KeyError, TypeError, AttributeError, ValueError):  # a surface of the same number in an older shape
        return []


def breaking(changes: list[Change]) -> list[Change]:
    return [c for c in changes if c.level == "breaking"]


def old_side(out_dir: Path, before: Previous) -> str:
    """A `clientgen diff` side that holds the surface recorded before this generation overwrote the manifest:
    the manifest as committed in git (git:HEAD:path) when HEAD holds exactly those bytes, otherwise a copy of the
    old manifest kept in the user's cache directory."""
    manifest = Path(out_dir) / MANIFEST
    try:
        relative = Path(os.path.relpath(manifest.resolve(), Path.cwd().resolve())).as_posix()
        shown = subprocess.run(["git", "show", f"HEAD:./{relative}"], capture_output=True, check=False, timeout=30)
        if not relative.startswith("../") and shown.returncode == 0 and shown.stdout == before.manifest:
            return f"git:HEAD:{relative}"
    except (OSError, ValueError, subprocess.SubprocessError):
        pass
    from .render import cache_root

    data = before.manifest or b""
    path = cache_root() / "recorded" / f"{hashlib.sha256(data).hexdigest()[:16]}{MANIFEST}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError:
        return str(manifest)
    return str(path)


def summary(changes: list[Change], old: str, new: str) -> str:
    """The one line a regeneration prints when it breaks the recorded surface."""
    count = len(breaking(changes))
    return f"{count} breaking change{'s' if count != 1 else ''}: clientgen diff {_quoted(old)} {_quoted(new)}"


def _quoted(arg: str) -> str:
    import shlex

    return shlex.quote(arg)
