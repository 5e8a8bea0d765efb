"""Evidence from real history: `clientgen diff` on five consecutive real changes of the OpenAI document
(../shared/specs/corpus/openai-history/, gzip) reports exactly the changes a reading of each document diff found in
the generated SDK's surface: every one of them, and nothing else.

The hand-reviewed expectations are tests/diff/real/<old>-<new>.expected: one line per change,
`level rule sdk_path @location` (the location in the OpenAI document, file name only), each under comments that
cite the document lines it comes from and why it is (or is not) a change. tests/diff/real/README.md has the
reading of each pair, including what is deliberately absent.

`CLIENTGEN_UPDATE_DIFF=1 pytest tests/test_diff_real.py` rewrites the files from the engine's report (after the
method names change, for instance): the comments stay with the lines of the same rule and document location, and
a line nobody reviewed yet gets an `# UNREVIEWED` comment to replace with the reading. Read `git diff` after it.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

HISTORY = ROOT.parent / "shared" / "specs" / "corpus" / "openai-history"
EXPECTED = ROOT / "tests" / "diff" / "real"
REVISIONS = sorted(HISTORY.glob("*.yaml.gz")) if HISTORY.is_dir() else []
PAIRS = [f"{old.name.split('-')[0]}-{new.name.split('-')[0]}" for old, new in itertools.pairwise(REVISIONS)]
UPDATE = bool(os.environ.get("CLIENTGEN_UPDATE_DIFF"))
UNREVIEWED = "# UNREVIEWED: read the document lines at this location and say why this is a change"

pytestmark = pytest.mark.skipif(len(REVISIONS) < 2, reason="the openai-history corpus is not present")


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each revision decompressed, under its own name without .gz (revision number -> path)."""
    into = tmp_path_factory.mktemp("openai-history")
    found = {}
    for revision in REVISIONS:
        target = into / revision.name[:-len(".gz")]
        target.write_bytes(gzip.decompress(revision.read_bytes()))
        found[revision.name.split("-")[0]] = target
    return found


_SURFACES: dict[str, dict[str, Any]] = {}


def _surface(documents: dict[str, Path], revision: str) -> dict[str, Any]:
    from generator.surface import load_side

    if revision not in _SURFACES:
        _SURFACES[revision] = load_side(str(documents[revision]))
    return _SURFACES[revision]


def report_lines(changes: list[Any]) -> list[str]:
    """The engine's report as expectation lines, sorted by location so that one document change stays together."""
    def where(change: Any) -> str:
        return Path(change.location).name if change.location else "-"

    entries = sorted(changes, key=lambda c: (_location_key(where(c)), c.rule, c.sdk_path, c.level))
    return [f"{c.level} {c.rule} {c.sdk_path} @{where(c)}" for c in entries]


def _location_key(location: str) -> tuple[str, int, int]:
    name, _, rest = location.partition(":")
    line, _, column = rest.partition(":")
    return (name, int(line) if line.isdigit() else 0, int(column) if column.isdigit() else 0)


def read_expected(path: Path) -> tuple[list[str], list[str], dict[tuple[str, str], list[str]]]:
    """(the header comment, the expected lines, the comments above each line by (rule, location))."""
    header: list[str] = []
    lines: list[str] = []
    comments: dict[tuple[str, str], list[str]] = {}
    pending: list[str] = []
    in_header = True
    for raw in path.read_text(encoding="utf-8").splitlines() if path.exists() else []:
        text = raw.rstrip()
        if in_header:
            if text:
                header.append(text)
                continue
            in_header = False
            continue
        if not text:
            continue
        if text.startswith("#"):
            pending.append(text)
            continue
        lines.append(text)
        key = _key(text)
        if pending:
            comments.setdefault(key, pending)
        pending = []
    return header, lines, comments


def _key(line: str) -> tuple[str, str]:
    _level, rule, rest = line.split(" ", 2)
    return rule, rest.rpartition(" @")[2]


def write_expected(path: Path, header: list[str], lines: list[str],
                   comments: dict[tuple[str, str], list[str]]) -> None:
    out = header + [""]
    last_key = None
    for line in lines:
        key = _key(line)
        if key != last_key:
            out += comments.get(key) or [UNREVIEWED]
        out.append(line)
        last_key = key
    path.write_text("\n".join(out).rstrip("\n") + "\n", encoding="utf-8")


@pytest.mark.parametrize("pair", PAIRS)
def test_real_change_report_is_the_hand_reviewed_one(pair: str, documents: dict[str, Path]) -> None:
    from generator.diff import compare

    old, new = pair.split("-")
    got = report_lines(compare(_surface(documents, old), _surface(documents, new)))
    path = EXPECTED / f"{pair}.expected"
    header, expected, comments = read_expected(path)
    if UPDATE:
        write_expected(path, header, got, comments)
        return
    assert path.exists(), f"{path} is missing; CLIENTGEN_UPDATE_DIFF=1 writes it from the report, then review it"
    assert got == expected, "the report differs from the hand-reviewed expectation (tests/diff/real/README.md)"
    assert all(c for c in comments.values()) and len(comments) == len({_key(line) for line in expected}), \
        "every expected change carries a comment citing the document lines it comes from"
    assert not any(UNREVIEWED in "\n".join(c) for c in comments.values()), "an expectation line is not reviewed"


def test_cli_reports_the_same_as_the_engine(documents: dict[str, Path]) -> None:
    """`clientgen diff --format json` on the pair that adds a response field: the same changes, exit 1 with
    --fail-on any, exit 0 with --fail-on breaking (an added optional response field breaks nothing)."""
    pair = "3-4" if "3-4" in PAIRS else PAIRS[0]
    old, new = pair.split("-")
    clientgen = str(Path(sys.executable).with_name("clientgen"))
    base = [clientgen, "diff", str(documents[old]), str(documents[new])]
    done = subprocess.run(base + ["--format", "json", "--fail-on", "any"], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 1, done.stderr
    reported = json.loads(done.stdout)
    changes = reported["changes"] if isinstance(reported, dict) else reported
    _, expected, _ = read_expected(EXPECTED / f"{pair}.expected")
    assert sorted(f"{c['level']} {c['rule']} {c['sdk_path']}" for c in changes) == \
        sorted(line.rpartition(" @")[0] for line in expected)
    quiet = subprocess.run(base + ["--fail-on", "breaking"], capture_output=True, text=True, check=False)
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
