"""`clientgen diff`: each pair of tests/diff/<case>/ (old and new spec or OpenAPI document) against its expected
classification (expected.txt: `level rule sdk_path` per change, hand-written), and the command itself run as a
subprocess (formats, exit codes, git:REF:path)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator.diff import RULES, Change, bump, compare, render
from generator.sides import SideError, load_side

CASES = Path(__file__).parent / "diff"
CASE_NAMES = sorted(p.name for p in CASES.iterdir() if (p / "expected.txt").is_file())
CLIENTGEN = Path(sys.executable).parent / "clientgen"
_SURFACES: dict[tuple[str, str], dict[str, Any]] = {}


def _side(case: str, name: str) -> dict[str, Any]:
    """The surface of one side, read from inside the case's folder (locations name old.yaml / new.yaml)."""
    key = (case, name)
    if key not in _SURFACES:
        folder = CASES / case
        file = next(p.name for p in sorted(folder.iterdir()) if p.stem == name)
        here = os.getcwd()
        os.chdir(folder)
        try:
            _SURFACES[key] = load_side(file)
        finally:
            os.chdir(here)
    return _SURFACES[key]


def _changes(case: str) -> list[Change]:
    return compare(_side(case, "old"), _side(case, "new"))


def _expected(case: str) -> list[str]:
    lines = (CASES / case / "expected.txt").read_text().splitlines()
    return [line for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("case", CASE_NAMES)
def test_case(case: str) -> None:
    changes = _changes(case)
    assert [f"{c.level} {c.rule} {c.sdk_path}" for c in changes] == _expected(case)
    for c in changes:  # each change is located in the side it comes from
        assert re.fullmatch(r"(old|new)\.(yaml|json):\d+:\d+", c.location), c


def test_the_corpus_covers_every_rule() -> None:
    covered = {line.split()[1] for case in CASE_NAMES for line in _expected(case)}
    assert len(CASE_NAMES) >= 40
    assert sorted(set(RULES) - covered - UNCOVERED) == []


# Rules no spec pair can show: the spec format gives each field its Python name from its wire name alone.
UNCOVERED = {"field-renamed"}


def test_identical_sides_have_no_changes_and_no_bump() -> None:
    surface = _side("no-change-reformatted", "old")
    assert compare(surface, surface) == []
    assert bump([]) is None


def test_the_bump_follows_the_worst_change() -> None:
    assert bump(_changes("method-description-changed")) == "patch"
    assert bump(_changes("method-added")) == "minor"
    assert bump(_changes("method-removed") + _changes("method-added")) == "major"


def test_locations_point_at_the_spec_nodes() -> None:
    removed = _changes("method-removed")[0]
    assert removed.location == f"old.yaml:{_line(CASES / 'method-removed/old.yaml', '      cancel:')}:7"
    added = _changes("param-added")[0]
    assert added.location == f"new.yaml:{_line(CASES / 'param-added/new.yaml', '          offset:')}:11"


def _line(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if line.startswith(text))


def test_markdown_is_a_changelog_section_with_the_bump() -> None:
    text = render(_changes("method-removed") + _changes("method-added"), "markdown", "old.yaml", "new.yaml")
    assert text.startswith("## Unreleased (major bump proposed)\n")
    assert "### Breaking changes\n\n- `client.orders.cancel()`: method removed" in text
    assert "### Added and changed\n\n- `client.orders.update()`: method added" in text


def test_a_side_that_does_not_load_is_one_line() -> None:
    with pytest.raises(SideError) as error:
        load_side(str(CASES / "missing.yaml"))
    assert "\n" not in str(error.value) and "missing.yaml" in str(error.value)


# --- the command ---------------------------------------------------------------------------------------------------


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLIENTGEN), "diff", *args], capture_output=True, text=True, cwd=cwd, check=False)


def test_cli_exit_codes_and_text() -> None:
    folder = CASES / "method-removed"
    done = _run("old.yaml", "new.yaml", cwd=folder)
    assert done.returncode == 1, done.stderr
    first = done.stdout.splitlines()[0]
    assert first.startswith("breaking method-removed client.orders.cancel() old.yaml:")
    assert done.stdout.splitlines()[-1].endswith("1 breaking, 0 compatible changes; semver bump: major")
    compatible = CASES / "method-added"
    assert _run("old.yaml", "new.yaml", cwd=compatible).returncode == 0
    assert _run("old.yaml", "new.yaml", "--fail-on", "any", cwd=compatible).returncode == 1
    none = CASES / "no-change-reformatted"
    assert _run("old.yaml", "new.yaml", "--fail-on", "any", cwd=none).returncode == 0


def test_cli_json_and_markdown() -> None:
    folder = CASES / "optional-param-made-required"
    report = json.loads(_run("old.yaml", "new.yaml", "--format", "json", cwd=folder).stdout)
    assert report["bump"] == "major" and report["summary"] == {"breaking": 1, "compatible": 0}
    assert report["changes"][0]["rule"] == "param-required"
    assert report["changes"][0]["sdk_path"] == "client.orders.list(limit)"
    markdown = _run("old.yaml", "new.yaml", "--format", "markdown", cwd=folder).stdout
    assert markdown.startswith("## Unreleased (major bump proposed)")


def test_cli_usage_errors_exit_2_with_one_line(tmp_path: Path) -> None:
    done = _run(str(tmp_path / "nope.yaml"), str(CASES / "method-added" / "new.yaml"))
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.splitlines()) == 1 and "nope.yaml" in done.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("clientgen: 1\napi: {}\n")
    done = _run(str(bad), str(bad))
    assert done.returncode == 2 and len(done.stderr.splitlines()) == 1 and "bad.yaml" in done.stderr
    assert _run("a.yaml").returncode == 2  # click: a missing argument


def test_cli_reads_git_refs_without_touching_the_work_tree(tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
                            "GIT_COMMITTER_EMAIL": "t@t"})

    (tmp_path / "spec").mkdir()
    spec = tmp_path / "spec" / "api.yaml"
    spec.write_text((CASES / "method-removed" / "old.yaml").read_text())
    git("init", "-q")
    git("add", ".")
    git("commit", "-qm", "old")
    new_text = (CASES / "method-removed" / "new.yaml").read_text()
    spec.write_text(new_text)
    done = _run("git:HEAD:spec/api.yaml", "spec/api.yaml", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "breaking method-removed client.orders.cancel() git:HEAD:spec/api.yaml:" in done.stdout
    assert spec.read_text() == new_text  # the work tree is as it was
    inside = _run("git:HEAD:api.yaml", "api.yaml", cwd=tmp_path / "spec")  # paths relative to the directory
    assert inside.returncode == 1 and "method-removed" in inside.stdout
    bad = _run("git:nosuchref:spec/api.yaml", "spec/api.yaml", cwd=tmp_path)
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1 and "nosuchref" in bad.stderr
    (tmp_path / "spec" / "broken.yaml").write_text("clientgen: 1\napi: [\n")
    git("add", ".")
    git("commit", "-qm", "broken")
    broken = _run("git:HEAD:spec/broken.yaml", "spec/api.yaml", cwd=tmp_path)
    assert broken.returncode == 2 and len(broken.stderr.splitlines()) == 1
    assert broken.stderr.startswith("clientgen: error: git:HEAD:spec/broken.yaml:3:1: error: YAML syntax error")


@pytest.mark.parametrize("spec", ["spec/clear_street.yaml", *sorted(f"tests/golden/{p.name}/spec.yaml" for p in
                                                                     (CASES.parent / "golden").iterdir()
                                                                     if (p / "spec.yaml").is_file())])
def test_the_lean_ir_gives_the_surface_of_the_full_ir(spec: str) -> None:
    from generator.ir import build as full_build
    from generator.load import load
    from generator.surface import build, build_ir, spec_locator

    doc = load(CASES.parent.parent / spec)
    locate = spec_locator(doc)
    assert build(build_ir(doc), locate, doc.data) == build(full_build(doc), locate, doc.data)


def test_the_corpus_readme_lists_every_rule() -> None:
    text = (CASES / "README.md").read_text()
    assert [rule for rule in RULES if f"| `{rule}` |" not in text] == []


def test_openapi_locations_point_into_the_document() -> None:
    removed = _changes("openapi-flattened-body-field-removed")[0]
    base = CASES / "openapi-flattened-body-field-removed" / "old.yaml"
    lines = base.read_text().splitlines()
    create_pet = lines.index("    CreatePet:")
    tag = next(i for i, line in enumerate(lines) if i > create_pet and line == "        tag: {type: string}") + 1
    assert removed.location == f"old.yaml:{tag}:9"  # the property of the request body's $ref'd schema
    required = _changes("openapi-optional-param-made-required")[0]
    assert required.location == f"new.yaml:{_line(base, '        - name: limit')}:11"  # the parameter's entry


def test_the_surface_is_plain_json() -> None:
    surface = _side("no-change-reformatted", "old")
    assert json.loads(json.dumps(surface)) == surface


def test_git_sides_bring_the_files_their_refs_name(tmp_path: Path) -> None:
    """A multi-file OpenAPI document read from a commit: the files its relative $refs name come from that commit."""
    import shutil

    source = CASES.parent / "openapi" / "multi_file"
    shutil.copytree(source, tmp_path / "api", ignore=shutil.ignore_patterns("expected*"))
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "v1"]):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True, env=env)
    pet = tmp_path / "api" / "schemas" / "pet.yaml"
    text = pet.read_text()
    pet.write_text(text.replace("    kind: {type: string}\n", "", 1))  # a field of a schema in another file removed
    done = _run("git:HEAD:api/openapi.yaml", "api/openapi.yaml", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    line = text.splitlines().index("    kind: {type: string}") + 1
    assert f"breaking response-field-removed types.Pet.kind git:HEAD:api/schemas/pet.yaml:{line}:5" in done.stdout
    assert _run("git:HEAD:api/openapi.yaml", "git:HEAD:api/openapi.yaml", cwd=tmp_path).returncode == 0


def test_an_openapi_document_and_the_spec_imported_from_it_have_one_surface(tmp_path: Path) -> None:
    from generator.openapi import import_openapi, write_spec

    document = CASES / "openapi_base.yaml"
    spec = tmp_path / "spec.yaml"
    assert write_spec(import_openapi(document), document, spec) == []
    assert compare(load_side(str(document)), load_side(str(spec))) == []
