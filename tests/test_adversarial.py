"""tests/adversarial/spec.yaml: names that are keywords, soft keywords, builtins, dunders, digits-first, non-ASCII or
SDK internals, and text full of quotes, backslashes, NULs, Jinja markers and a canary that would create a marker
file if any of it ever ran as code. The generated SDK, CLI and docs must be clean and work, and the marker must
never appear."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator.diagnostics import SpecError
from generator.load import load
from generator.pipeline import load_api
from tests.server import Reply, ScriptedServer, serve

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "tests" / "adversarial" / "spec.yaml"
BIN = Path(sys.executable).parent
MARKER = "CANARY_MARKER"
CANARY = "__import__('os').system('touch CANARY_MARKER')"
TIMEOUT = 300


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, check=False, capture_output=True, text=True, timeout=TIMEOUT, env={**os.environ, **env})


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The directory every process of these tests runs in: where the canary would drop its marker."""
    directory = tmp_path_factory.mktemp("adversarial")
    yield directory
    assert not list(directory.rglob(MARKER)), "the canary ran"
    assert not (REPO / MARKER).exists(), "the canary ran"


@pytest.fixture(scope="module")
def out(work: Path) -> Path:
    result = run([sys.executable, "-c", "from generator.cli import main; main()", "generate", str(SPEC), "-o", "out"],
                 work, PYTHONPATH=str(REPO))
    assert result.returncode == 0, result.stderr
    return work / "out"


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    yield from serve()


def spec_names(data: Any) -> list[str]:
    """Every name the spec author chose: schemas, properties, resources, methods, parameters."""
    names: list[str] = []

    def schema(node: Any) -> None:
        if isinstance(node, dict):
            names.extend(node.get("properties") or {})
            for value in node.values():
                schema(value)
        elif isinstance(node, list):
            for value in node:
                schema(value)

    def resources(tree: dict[str, Any]) -> None:
        for name, resource in tree.items():
            names.append(name)
            for method_name, method in (resource.get("methods") or {}).items():
                names.append(method_name)
                names.extend(method.get("params") or {})
                schema(method)
            resources(resource.get("resources") or {})

    names.extend(data["schemas"])
    schema(data["schemas"])
    schema(data["envelope"])
    resources(data["resources"])
    return names


def test_the_spec_is_adversarial_enough() -> None:
    text = SPEC.read_text(encoding="utf-8")
    names = spec_names(load(SPEC).data)
    print(f"adversarial names: {len(names)}")
    assert len(names) >= 100
    for needle in ("with_raw_response", "with_options", "close", "_client", "json", "copy", "__init__", "1st",
                   "match", "None", "class", "Ünïcødé", '\\"\\"\\"', "'''", "\\\\", "\\0", "{{", "{%", CANARY):
        assert needle in text, needle


def test_generated_python_passes_ruff_black_and_mypy_strict(out: Path, work: Path) -> None:
    for tree in ("python", "cli"):
        assert run([str(BIN / "ruff"), "check", "--no-cache", tree], out).returncode == 0
        black = run([str(BIN / "black"), "--check", "--quiet", tree], out)
        assert black.returncode == 0, black.stderr
    cache = str(work / ".mypy_cache")
    sdk = run([str(BIN / "mypy"), "--strict", "--cache-dir", cache, "."], out / "python")
    assert sdk.returncode == 0, sdk.stdout
    cli = run([str(BIN / "mypy"), "--strict", "--cache-dir", cache, "."], out / "cli", MYPYPATH="../python")
    assert cli.returncode == 0, cli.stdout


def test_every_module_imports_and_spec_values_survive_exactly(out: Path, work: Path) -> None:
    enum = load(SPEC).data["schemas"]["None_"]["enum"]
    program = f"""
import importlib, json, pkgutil, typing
import evil_api, evil_api_cli
count = 0
for package in (evil_api, evil_api_cli):
    for module in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(module.name)
        count += 1
from evil_api.types import None_, Everything
assert list(typing.get_args(None_)) == {enum!r}, typing.get_args(None_)
assert Everything.__doc__.splitlines()[2].strip() == {CANARY!r}
print(count)
"""
    result = run([sys.executable, "-c", program], work,
                 PYTHONPATH=os.pathsep.join([str(out / "python"), str(out / "cli")]))
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 40


def test_methods_work_against_a_server(out: Path, work: Path, server: ScriptedServer) -> None:
    everything = {"from": 'ends with a quote"', "class": 1, "self": CANARY, "choice": '"""', "json": "{{ x }}",
                  "quote\"key": "\\", "naïve": "☃", "2": "two", "with_raw_response": "w"}
    server.reply(Reply(200, {"meta": {"request_id": CANARY}, "error": None, "data": everything}),
                 Reply(200, {"meta": {"request_id": "r"}, "data": [{"value": "'''"}]}))
    program = f"""
from evil_api import EvilAPI
client = EvilAPI(api_key="k", base_url={server.url!r})
got = client.with_raw_response_.close({CANARY!r}, from_="'''", self_='\"\"\"', json="\\\\", client=1)
data = got.data
print(repr((data.from_, data.class_, data.self, data.choice, data.json_, data.n_2, data.with_raw_response,
            got.meta.request_id)))
rows = client.with_raw_response_.with_options(class_={{"def": "x"}}, body="{{% raw %}}")
print(repr(rows.data[0].value))
"""
    result = run([sys.executable, "-c", program], work, PYTHONPATH=str(out / "python"))
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()
    assert eval(first) == ('ends with a quote"', 1, CANARY, '"""', "{{ x }}", "two", "w", CANARY)
    assert eval(second) == "'''"
    close, options = server.seen
    assert close.method == "GET"
    assert close.path.startswith("/v1/__import__%28%27os%27%29.system%28%27touch%20CANARY_MARKER%27%29/")
    assert "self=%22%22%22" in close.path and "from=%27%27%27" in close.path and "_client=1" in close.path
    assert options.json() == {"class": {"def": "x"}, "body": "{% raw %}"}


def test_the_cli_runs(out: Path, work: Path, server: ScriptedServer) -> None:
    env = {"PYTHONPATH": os.pathsep.join([str(out / "python"), str(out / "cli")])}
    root = run([sys.executable, "-m", "evil_api_cli", "--help"], work, **env)
    assert root.returncode == 0, root.stderr
    groups = re.findall(r"^  (\S+)", root.stdout.split("Commands:")[1], re.MULTILINE)
    assert len(groups) >= 5, root.stdout
    for group in groups:
        listed = run([sys.executable, "-m", "evil_api_cli", group, "--help"], work, **env)
        assert listed.returncode == 0, listed.stderr
    server.reply(Reply(200, {"meta": {"request_id": "r"}, "data": True}))
    called = run([sys.executable, "-m", "evil_api_cli", "copy", "import", "--api-key", "k", "--base-url", server.url,
                  "--format", "json"], work, **env)
    assert called.returncode == 0, called.stderr
    assert json.loads(called.stdout)["data"] is True
    server.reply(Reply(200, {"meta": {"request_id": CANARY}, "data": {"from": "'''", "class": 2, "self": CANARY}}))
    closed = run([sys.executable, "-m", "evil_api_cli", "with-raw-response", "close", "--api-key", "k", "--base-url",
                  server.url, "--id", CANARY, "--from", "'''", "--json", "{{ x }}"], work, **env)
    assert closed.returncode == 0, closed.stderr
    assert json.loads(closed.stdout)["data"]["self"] == CANARY
    assert server.seen[-1].path.startswith("/v1/__import__%28%27os%27%29")
    assert "from=%27%27%27" in server.seen[-1].path and "json=%7B%7B+x+%7D%7D" in server.seen[-1].path


def test_docs_escape_spec_text(out: Path) -> None:
    docs = {p: p.read_text(encoding="utf-8") for p in (out / "docs").rglob("*.md")}
    assert len(docs) >= 5
    for path, text in docs.items():
        assert "<script>" not in text, path
    assert any(CANARY in text for text in docs.values())  # shown as text, never run


@pytest.mark.parametrize(("name", "code"), [("_", "bad-name"), ("---", "bad-name"), ("日本", "bad-name"),
                                             ("__", "bad-name"), ("__class__", "name-collision"),
                                             ("__import__", "name-collision")])
def test_names_that_cannot_be_python_give_a_clean_diagnostic(name: str, code: str, tmp_path: Path) -> None:
    """As a property beside 'class' and 'import' of Everything: nothing left to name, or the same Python name."""
    text = SPEC.read_text(encoding="utf-8").replace("      lambda: {type: string}\n",
                                                     f"      {json.dumps(name)}: {{type: string}}\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as caught:
        load_api(spec)
    assert [d.code for d in caught.value.diagnostics] == [code]


def test_the_marker_file_is_absent_everywhere(out: Path, work: Path) -> None:
    shutil.rmtree(work / ".mypy_cache", ignore_errors=True)
    assert not list(work.rglob(MARKER)) and not (REPO / MARKER).exists()


RECURSIVE = """\
  Pet:
    type: object
    properties:
      kids: {$ref: "#/schemas/Pets"}
      tree: {$ref: "#/schemas/Tree"}
  Pets:
    type: array
    items: {$ref: "#/schemas/Pet"}
  Tree:
    type: array
    items:
      type: object
      properties:
        children: {$ref: "#/schemas/Tree"}
  Side:
"""


def test_recursion_through_objects_generates_working_types(tmp_path: Path) -> None:
    """What `recursive-ref` still allows: aliases that reach themselves through a class. An inline object in a list
    alias is a class of its own (TreeItem), not a second definition of the alias's name."""
    from generator.pipeline import generate
    from tests.test_diagnostics import BASE

    spec = tmp_path / "spec.yaml"
    spec.write_text(BASE.replace("  Side:\n", RECURSIVE).replace('response: {$ref: "#/schemas/Position"}\n      create',
                                                                 'response: {$ref: "#/schemas/Pet"}\n      create'))
    generate(spec, tmp_path / "out")
    python = tmp_path / "out" / "python"
    program = """
from demo.types import Pet, Tree, TreeItem
pet = Pet.model_validate({"kids": [{"kids": []}], "tree": [{"children": [{"children": []}]}]})
assert isinstance(pet.kids[0], Pet) and isinstance(pet.tree[0], TreeItem)
assert isinstance(pet.tree[0].children[0], TreeItem)
print("ok")
"""
    result = run([sys.executable, "-c", program], tmp_path, PYTHONPATH=str(python))
    assert result.returncode == 0 and result.stdout == "ok\n", result.stderr
    checked = run([str(BIN / "mypy"), "--strict", "--cache-dir", str(tmp_path / ".mypy_cache"), "."], python)
    assert checked.returncode == 0, checked.stdout
