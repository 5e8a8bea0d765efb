"""Regeneration does only the work a change needs: nothing for no change, black only on changed files."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterator
from pathlib import Path

import pytest

from generator import format as fmt
from generator import pipeline
from generator.format import FORMATTER, format_files
from generator.ir import Api
from generator.pieces import Piece
from generator.pipeline import fingerprint, generate, load_api
from generator.render import PER_NODE, OutputFile, Plan, render, render_plan
from generator.write import MANIFEST, reusable
from tests.conftest import SPEC
from tests.test_write import snapshot


def test_no_op_regeneration_touches_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(SPEC, out)
    manifest = json.loads((out / MANIFEST).read_text())
    # what the cache knows stays out of the output; the manifest says what the output is (regen.py)
    assert set(manifest) == {"generator", "spec", "version", "files", "surface"}
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob("*")}

    report = generate(SPEC, out)

    assert (report.written, report.removed, report.unchanged) == (0, 0, len(manifest["files"]) + 1)
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == mtimes


def test_the_fingerprint_follows_spec_and_options_only(tmp_path: Path) -> None:
    copy = tmp_path / "clear_street.yaml"
    copy.write_bytes(SPEC.read_bytes())
    assert fingerprint(copy) == fingerprint(SPEC)
    assert fingerprint(SPEC, "acme_clear_street") != fingerprint(SPEC)
    copy.write_bytes(SPEC.read_bytes() + b"\n")
    assert fingerprint(copy) != fingerprint(SPEC)
    assert fingerprint(tmp_path / "missing.yaml") == ""


def test_a_hand_edited_file_is_regenerated_even_when_nothing_else_changed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(SPEC, out)
    good = snapshot(out)
    target = out / "python" / "clear_street" / "_types.py"
    target.write_text("# edited\n")

    report = generate(SPEC, out)

    assert report.written == 1
    assert snapshot(out) == good


def test_a_changed_description_reformats_only_the_files_it_reaches(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(SPEC, out)
    changed = tmp_path / "clear_street.yaml"  # the same name: every header names the spec
    changed.write_text(SPEC.read_text().replace("Cancel an outstanding position instruction",
                                                "Cancel a pending position instruction"))
    reuse = reusable(out, FORMATTER).formatting
    assert len(reuse) == sum(1 for p in out.rglob("*.py"))

    formatted = format_files(render(load_api(changed)), reuse)

    assert formatted.formatted == 1  # the positions resource module; docs are not formatted by black
    report = generate(changed, out)
    assert report.written == 5  # that module, two reference pages, the CLI table, the manifest
    assert "Cancel a pending position instruction" in (out / "python/clear_street/resources/v1/positions.py").read_text()


def test_a_changed_description_reformats_only_the_pieces_it_reaches(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    generate(SPEC, out)
    changed = tmp_path / "clear_street.yaml"
    changed.write_text(SPEC.read_text().replace("Cancel an outstanding position instruction",
                                                "Cancel a pending position instruction"))
    seen: list[Piece] = []
    real = fmt.format_piece
    monkeypatch.setattr(fmt, "format_piece", lambda piece: seen.append(piece) or real(piece))

    files = render(load_api(changed))
    formatted = format_files(files, reusable(out, FORMATTER).formatting)

    assert len(seen) == 2 and all("Cancel a pending position instruction" in piece.text for piece in seen)  # sync, async
    module = next(f for f in files if f.path.endswith("resources/v1/positions.py"))
    assert len(seen[0].text) < len(module.content) / 3
    assert next(f for f in formatted.files if f.path == module.path).content == fmt.format_python(module.content)


def test_progress_is_reported_per_formatted_file() -> None:
    files = [OutputFile(f"m{i}.py", f"x   =   {i}\n") for i in range(3)] + [OutputFile("README.md", "# hi\n")]
    seen: list[tuple[int, int]] = []

    formatted = format_files(files, progress=lambda done, total: seen.append((done, total)))

    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [f.content for f in formatted.files] == ["x = 0\n", "x = 1\n", "x = 2\n", "# hi\n"]


def test_models_that_require_each_other_get_finite_examples(tmp_path: Path) -> None:
    spec = SPEC.read_text().replace(
        "  PositionInstructionList:",
        "  Ping:\n    type: object\n    required: [pong]\n    properties:\n      pong: {$ref: \"#/schemas/Pong\"}\n"
        "  Pong:\n    type: object\n    required: [ping]\n    properties:\n      ping: {$ref: \"#/schemas/Ping\"}\n"
        "  PositionInstructionList:",
    ).replace(
        "            response:\n              $ref: \"#/schemas/PositionInstruction\"\n",
        "            response:\n              $ref: \"#/schemas/Ping\"\n", 1,
    )
    path = tmp_path / "spec.yaml"
    path.write_text(spec)

    generate(path, tmp_path / "out")

    page = (tmp_path / "out" / "docs" / "python" / "v1" / "positions.md").read_text()
    assert '"pong": {\n      "ping": null\n    }' in page


# --- rendering only what changed ---------------------------------------------------------------------------------


def rendered_paths(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The paths each generation renders (the others it takes as the last one wrote them)."""
    runs: list[list[str]] = []
    real = pipeline.render_each

    def spy(api: Api, plan: Plan, skip: Collection[str] = ()) -> Iterator[OutputFile]:
        runs.append([])
        for f in real(api, plan, skip):
            runs[-1].append(f.path)
            yield f

    monkeypatch.setattr(pipeline, "render_each", spy)
    return runs


def test_a_changed_description_renders_only_the_files_that_show_it_and_the_whole_api_ones(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    changed = tmp_path / "clear_street.yaml"
    changed.write_text(SPEC.read_text())
    runs = rendered_paths(monkeypatch)
    generate(changed, out)
    changed.write_text(SPEC.read_text().replace("Cancel an outstanding position instruction",
                                                "Cancel a pending position instruction"))
    generate(changed, out)

    first, second = (set(run) for run in runs)
    whole_api = {path for template, path, _ in render_plan(load_api(changed)) if template not in PER_NODE}
    # The resource, its parent (whose node holds its children) and its two reference pages; no types module.
    shown = {"python/clear_street/resources/v1/positions.py", "python/clear_street/resources/v1/__init__.py",
             "docs/python/v1/positions.md", "docs/cli/v1/positions.md"}
    assert second == whole_api | shown
    assert len(second) < len(first) / 3
    assert snapshot(out) == snapshot_of_fresh(changed, tmp_path / "fresh")


def snapshot_of_fresh(spec: Path, out: Path, package_name: str | None = None) -> dict[str, bytes]:
    generate(spec, out, package_name=package_name)
    return snapshot(out)


EDITS = [
    ("a description", "Cancel an outstanding position instruction", "Cancel a pending one"),
    ("a field of a shared schema", "      symbol:\n", "      ticker:\n        type: string\n      symbol:\n"),
    ("the client class", "client: ClearStreet", "client: ClearStreetClient"),
    ("the package", "package: clear_street", "package: clear_street_api"),
    ("the spec's settings", "base_url: https://api.clearstreet.com", "base_url: https://sandbox.clearstreet.com"),
    ("an enum", "ENGINE_REJECTED, CANCEL_REQUESTED", "ENGINE_REJECTED, ENGINE_TIMED_OUT, CANCEL_REQUESTED"),
    ("a method's name", "cancel_position_instruction:", "cancel_instruction:"),
]


@pytest.mark.parametrize("what, old, new", EDITS, ids=[edit[0] for edit in EDITS])
def test_regenerating_after_an_edit_writes_what_a_fresh_generation_writes(tmp_path: Path, what: str, old: str,
                                                                         new: str) -> None:
    spec = tmp_path / "clear_street.yaml"
    text = SPEC.read_text()
    assert old in text, what
    spec.write_text(text)
    generate(spec, tmp_path / "out")
    spec.write_text(text.replace(old, new, 1))
    generate(spec, tmp_path / "out")
    assert snapshot(tmp_path / "out") == snapshot_of_fresh(spec, tmp_path / "fresh")


def test_a_new_package_name_renders_everything_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runs = rendered_paths(monkeypatch)
    generate(SPEC, tmp_path / "out")
    generate(SPEC, tmp_path / "out", package_name="acme_clear_street")
    assert len(runs[1]) == len(runs[0])
    assert snapshot(tmp_path / "out") == snapshot_of_fresh(SPEC, tmp_path / "fresh", "acme_clear_street")


def test_the_templates_rendered_only_when_their_inputs_change_read_nothing_else_of_the_api() -> None:
    """A template in PER_NODE that read, say, api.resources would keep a stale file: its key covers only what it is
    given and the API's settings (every field of Api but the trees, and what is made from those alone)."""
    from dataclasses import fields

    from generator.ir import Api
    from generator.render import templates_dir

    trees = {"resources", "modules", "packages", "type_docs"}
    # Besides the fields, properties of Api made from the settings alone (names, credentials, servers).
    derived = {"title", "cli_package", "secret_headers", "secret_query", "security_words", "example_credentials",
               "example_client_args", "security_code", "environment_annotation"}
    settings = {f.name for f in fields(Api)} - trees | derived
    for template in sorted(PER_NODE):
        text, queue = "", [template]
        while queue:  # the template and what it includes (by name: anything else could not be followed here)
            part = (templates_dir() / queue.pop()).read_text()
            assert not re.search(r"{%-?\s*(import|from|extends)\b", part), template
            queue += re.findall(r'{%-?\s*include\s+"([^"]+)"\s*-?%}', part)
            assert part.count("{% include") == len(re.findall(r'{%-?\s*include\s+"', part)), template
            text += part
        read = set(re.findall(r"\bapi\.([A-Za-z_]+)", text.replace("api.md", "")))  # api.md: a link, not a field
        assert read <= settings, (template, read - settings)


SMALL_SPEC = SPEC.parent.parent / "tests" / "golden" / "schemas" / "spec.yaml"


@pytest.mark.parametrize("then", ["the same spec", "another edit"])
def test_older_files_restored_with_their_manifest_are_generated_again(tmp_path: Path, then: str) -> None:
    """git brings an older generation back, files and manifest together (a rebase, a merge): they agree with each
    other but not with the last generation into the directory, the one the cache records."""
    spec, out = tmp_path / "spec.yaml", tmp_path / "out"
    text = SMALL_SPEC.read_text()
    edited = text.replace("Lives left.", "Lives remaining.").replace("      create:\n", "      open:\n", 1)
    assert edited.count("Lives remaining.") == 1 and "      open:\n" in edited
    spec.write_text(text)
    generate(spec, out)
    older = snapshot(out)
    spec.write_text(edited)
    generate(spec, out)
    assert snapshot(out) != older
    for path in out.rglob("*"):  # what `git checkout` of the older commit does to the output
        if path.is_file() and path.relative_to(out).as_posix() not in older:
            path.unlink()
    for path, content in older.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(content)
    if then == "another edit":  # the older files' inputs are now partly those the cache records
        spec.write_text(edited.replace("An account.", "An account of a keeper.", 1))

    report = generate(spec, out)

    assert report.written > 0
    assert snapshot(out) == snapshot_of_fresh(spec, tmp_path / "fresh")
    assert generate(spec, out).written == 0


def test_generate_takes_the_ir_that_import_openapi_built_for_exactly_that_file(tmp_path: Path) -> None:
    """import-openapi builds the IR of the spec it writes (to check it); the generate that follows reuses it, for
    those bytes under that file name only (the IR names its spec), and writes what a generation without it writes."""
    import shutil

    from generator.openapi import import_openapi, write_spec
    from generator.render import cache_root

    source = Path(__file__).parent / "openapi" / "v31" / "openapi.json"
    spec = tmp_path / "api.yaml"
    assert write_spec(import_openapi(source), source, spec) == []
    doc = pipeline._load_valid(spec)
    api = pipeline._build(doc, None)
    assert pipeline.recall_built(spec) == (api, pipeline._surface(doc, api))
    renamed = tmp_path / "renamed.yaml"
    renamed.write_bytes(spec.read_bytes())
    assert pipeline.recall_built(renamed) is None

    generate(spec, tmp_path / "from_kept")
    shutil.rmtree(cache_root() / "built")
    assert pipeline.recall_built(spec) is None
    generate(spec, tmp_path / "built")
    assert snapshot(tmp_path / "from_kept") == snapshot(tmp_path / "built")

    assert write_spec(import_openapi(source), source, spec) == []
    spec.write_bytes(spec.read_bytes() + b"\n")
    assert pipeline.recall_built(spec) is None
