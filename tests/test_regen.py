"""Regenerating safely, through the real command line on real files: the manifest records the SDK surface, a
regeneration that breaks it prints one summary line with a runnable `clientgen diff` command, `check --fail-on`
gates on it, and `generate --version-bump auto` bumps the packages' version and keeps a CHANGELOG, byte-identical
when run again."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from generator.write import MANIFEST
from tests.conftest import ROOT, SPEC
from tests.test_write import snapshot

ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def clientgen(*args: str, cwd: Path, cache: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = ENV if cache is None else {**ENV, "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([sys.executable, "-c", "from generator.cli import main; main()", *args], cwd=cwd,
                          check=False, capture_output=True, text=True, timeout=300, env=env)


def edit(spec: Path, old: str, new: str) -> None:
    text = spec.read_text()
    assert old in text, old
    spec.write_text(text.replace(old, new, 1))


REQUIRED_FILTER = ("              instrument_id:\n                in: query\n",
                   "              instrument_id:\n                in: query\n                required: true\n")
LIST_RETURNED = ('            response:\n              $ref: "#/schemas/PositionInstruction"\n',
                 '            response:\n              $ref: "#/schemas/PositionInstructionList"\n')
OPTIONAL_LIMIT = ("              instrument_id:\n                in: query\n",
                  ("              limit:\n                in: query\n                description: At most this many.\n"
                  "                schema: {type: integer}\n              instrument_id:\n                in: query\n"))
NEW_WORDING = ("Cancel an outstanding position instruction", "Cancel a pending position instruction")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A directory with the positions spec at spec.yaml."""
    (tmp_path / "spec.yaml").write_text(SPEC.read_text())
    return tmp_path


def manifest(out: Path) -> dict[str, object]:
    data = json.loads((out / MANIFEST).read_text())
    assert isinstance(data, dict)
    return data


def version_of(out: Path) -> str:
    text = (out / "python" / "clear_street" / "_version.py").read_text()
    return text.split('"')[1]


def test_generation_records_surface_and_version_and_nothing_else_changes(project: Path) -> None:
    (project / "spec.yaml").rename(project / SPEC.name)  # the headers name the spec file
    done = clientgen("generate", SPEC.name, "-o", "out", cwd=project)
    assert done.returncode == 0, done.stderr
    recorded = manifest(project / "out")
    assert recorded["version"] == "0.1.0"
    surface = recorded["surface"]
    assert isinstance(surface, dict) and "client.v1.positions.cancel_position_instruction" in surface["methods"]
    assert not (project / "out" / "CHANGELOG.md").exists()  # only --version-bump writes one
    # the generated files are those of generated/ (only the manifest's new keys differ)
    ours = {p: b for p, b in snapshot(project / "out").items() if p != MANIFEST}
    assert ours == {p: b for p, b in snapshot(ROOT / "generated").items() if p != MANIFEST and "__pycache__" not in p}
    assert "breaking" not in done.stderr


def test_breaking_regeneration_prints_one_line_with_a_runnable_diff(project: Path) -> None:
    assert clientgen("generate", "spec.yaml", "-o", "out", cwd=project).returncode == 0
    edit(project / "spec.yaml", *REQUIRED_FILTER)
    edit(project / "spec.yaml", *LIST_RETURNED)

    done = clientgen("generate", "spec.yaml", "-o", "out", cwd=project)

    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if "breaking change" in line]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("clientgen: 2 breaking changes: clientgen diff "), lines[0]
    command = shlex.split(lines[0].split(": ", 2)[2])
    assert command[-1] == "spec.yaml"
    # not in git: the old surface is kept in the cache; the command runs as printed and lists both changes
    report = clientgen(*command[1:], cwd=project)
    assert report.returncode == 1, report.stderr
    assert "param-required client.v1.positions.get_position_instructions(instrument_id)" in report.stdout
    assert "client.v1.positions.cancel_position_instruction()" in report.stdout
    assert "2 breaking, 0 compatible changes; semver bump: major" in report.stdout
    # a compatible regeneration says nothing
    edit(project / "spec.yaml", *NEW_WORDING)
    quiet = clientgen("generate", "spec.yaml", "-o", "out", cwd=project)
    assert quiet.returncode == 0 and "breaking" not in quiet.stderr, quiet.stderr


def test_breaking_regeneration_in_git_names_the_committed_manifest(project: Path) -> None:
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    assert clientgen("generate", "spec.yaml", "-o", "out", cwd=project).returncode == 0
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "base"], cwd=project, check=True)
    edit(project / "spec.yaml", *REQUIRED_FILTER)

    done = clientgen("generate", "spec.yaml", "-o", "out", cwd=project)

    assert "clientgen: 1 breaking change: clientgen diff git:HEAD:out/.clientgen-manifest.json spec.yaml" in \
        done.stderr.splitlines(), done.stderr
    report = clientgen("diff", "git:HEAD:out/.clientgen-manifest.json", "spec.yaml", cwd=project)
    assert report.returncode == 1 and "param-required" in report.stdout, report.stdout + report.stderr
    # the pre-commit hook's command: the output is current, the last commit's surface is the baseline
    hook = clientgen("check", "--fail-on", "breaking", "spec.yaml", "-o", "out", "--baseline",
                     "git:HEAD:out/.clientgen-manifest.json", cwd=project)
    assert hook.returncode == 1, hook.stdout + hook.stderr
    assert "param-required" in hook.stdout and "1 breaking change to the SDK surface" in hook.stderr
    against_itself = clientgen("check", "--fail-on", "breaking", "spec.yaml", "-o", "out", cwd=project)
    assert against_itself.returncode == 0, against_itself.stdout + against_itself.stderr


def test_check_fail_on_exit_codes(project: Path) -> None:
    assert clientgen("generate", "spec.yaml", "-o", "out", cwd=project).returncode == 0
    (project / "old.yaml").write_text((project / "spec.yaml").read_text())
    edit(project / "spec.yaml", *OPTIONAL_LIMIT)

    stale = clientgen("check", "spec.yaml", "-o", "out", "--fail-on", "breaking", cwd=project)
    assert stale.returncode == 1  # out of date, as plain check says; but nothing breaking to report
    assert "breaking" not in stale.stdout and "out of date" in stale.stderr
    assert clientgen("generate", "spec.yaml", "-o", "out", cwd=project).returncode == 0
    compatible_only = clientgen("check", "spec.yaml", "-o", "out", "--fail-on", "breaking", "--baseline", "old.yaml",
                                cwd=project)
    assert compatible_only.returncode == 0, compatible_only.stdout + compatible_only.stderr
    any_change = clientgen("check", "spec.yaml", "-o", "out", "--fail-on", "any", "--baseline", "old.yaml",
                           cwd=project)
    assert any_change.returncode == 1
    assert "compatible param-added client.v1.positions.get_position_instructions(limit)" in any_change.stdout

    edit(project / "spec.yaml", *REQUIRED_FILTER)
    breaking = clientgen("check", "spec.yaml", "-o", "out", "--fail-on", "breaking", cwd=project)
    assert breaking.returncode == 1
    assert "breaking param-required client.v1.positions.get_position_instructions(instrument_id)" in breaking.stdout
    assert "1 breaking change to the SDK surface recorded in out/.clientgen-manifest.json" in breaking.stderr

    usage = clientgen("check", "spec.yaml", "-o", "out", "--baseline", "old.yaml", cwd=project)
    assert usage.returncode == 2 and "--baseline needs --fail-on" in usage.stderr
    missing = clientgen("check", "spec.yaml", "-o", "out", "--fail-on", "breaking", "--baseline", "nope.yaml",
                        cwd=project)
    assert missing.returncode == 2 and "Traceback" not in missing.stderr, missing.stderr
    older = json.loads((project / "out" / MANIFEST).read_text())
    del older["surface"]
    (project / "older.json").write_text(json.dumps(older))
    no_surface = clientgen("check", "spec.yaml", "-o", "out", "--fail-on", "breaking", "--baseline", "older.json",
                           cwd=project)
    assert no_surface.returncode == 2 and "records no SDK surface" in no_surface.stderr, no_surface.stderr


def test_version_bump_major_minor_patch_keeps_the_changelog_and_reruns_byte_identical(project: Path) -> None:
    out = project / "out"
    first = clientgen("generate", "spec.yaml", "-o", "out", "--version-bump", "auto", cwd=project)
    assert first.returncode == 0 and version_of(out) == "0.1.0"  # nothing recorded yet: nothing to compare
    assert not (out / "CHANGELOG.md").exists()

    steps = [(REQUIRED_FILTER, "1.0.0", "major"), (OPTIONAL_LIMIT, "1.1.0", "minor"), (NEW_WORDING, "1.1.1", "patch")]
    for (old, new), version, level in steps:
        edit(project / "spec.yaml", old, new)
        done = clientgen("generate", "spec.yaml", "-o", "out", "--version-bump", "auto", cwd=project)
        assert done.returncode == 0, done.stderr
        assert f"-> {version} ({level})" in done.stdout, done.stdout
        assert version_of(out) == version
        assert f'version = "{version}"' in (out / "python" / "pyproject.toml").read_text()
        assert f'version = "{version}"' in (out / "cli" / "pyproject.toml").read_text()
        assert manifest(out)["version"] == version

    changelog = (out / "CHANGELOG.md").read_text()
    assert changelog.startswith("# Changelog\n\n## 1.1.1\n")
    headings = [line for line in changelog.splitlines() if line.startswith("## ")]
    assert headings == ["## 1.1.1", "## 1.1.0", "## 1.0.0"]  # newest first, every earlier entry kept
    assert "get_position_instructions(instrument_id)`: parameter is now required" in changelog
    assert "get_position_instructions(limit)`" in changelog
    assert "cancel_position_instruction" in changelog.split("## 1.1.0")[0]  # the description change, in 1.1.1
    assert changelog.count("### Breaking changes") == 1

    # Run again, with and without --version-bump, with a cache that knows nothing: not one byte changes.
    before = snapshot(out)
    for extra in (["--version-bump", "auto"], []):
        again = clientgen("generate", "spec.yaml", "-o", "out", *extra, cwd=project,
                          cache=Path(tempfile.mkdtemp(dir=project)))
        assert again.returncode == 0 and " 0 written" in again.stdout, again.stdout
        assert snapshot(out) == before
    assert clientgen("check", "spec.yaml", "-o", "out", cwd=project).returncode == 0
    assert clientgen("verify", "out", cwd=project).returncode == 0

    # The spec's api.version takes over when it is higher than the recorded one; the CHANGELOG stays.
    edit(project / "spec.yaml", "  version: 0.1.0\n", "  version: 2.0.0\n")
    raised = clientgen("generate", "spec.yaml", "-o", "out", cwd=project)
    assert raised.returncode == 0 and version_of(out) == "2.0.0"
    assert (out / "CHANGELOG.md").read_text() == changelog


@pytest.mark.parametrize("case", ["generated"] + sorted(p.name for p in (ROOT / "tests" / "golden").iterdir()))
def test_recorded_surface_is_the_one_clientgen_diff_reads(case: str) -> None:
    """The surface a generation records is the very one `clientgen diff` computes from the spec: a committed tree
    compared with its own spec shows no change (and one regenerated with another clientgen shows only real ones)."""
    from generator.diff import compare
    from generator.surface import load_side

    out, spec = (ROOT / "generated", SPEC) if case == "generated" else \
        (ROOT / "tests" / "golden" / case / "expected", ROOT / "tests" / "golden" / case / "spec.yaml")
    assert compare(load_side(str(out / MANIFEST)), load_side(str(spec))) == []


def test_version_rules() -> None:
    from generator.regen import bumped, changelog_with, effective_version

    assert [bumped("0.1.0", level) for level in ("major", "minor", "patch")] == ["1.0.0", "0.2.0", "0.1.1"]
    assert bumped("1.4.2rc1", "minor") == "1.5.0" and bumped("2", "patch") == "2.0.1"
    assert effective_version("0.1.0", "1.2.0") == "1.2.0"  # the recorded (bumped) version wins when higher
    assert effective_version("2.0.0", "1.2.0") == "2.0.0"  # a spec raised above it takes over
    assert effective_version("0.1.0", None) == "0.1.0" and effective_version("0.1.0", "garbage") == "0.1.0"
    first = changelog_with(None, "## 0.2.0\n\nA.\n")
    assert first == "# Changelog\n\n## 0.2.0\n\nA.\n"
    assert changelog_with(first, "## 1.0.0\n\nB.\n") == "# Changelog\n\n## 1.0.0\n\nB.\n\n## 0.2.0\n\nA.\n"
