"""Property: whatever is done to a valid spec, the pipeline answers with diagnostics (SpecError) or with output.

Hypothesis mutates valid specs (keys dropped, renamed and duplicated, values swapped for other types, references
corrupted, the text truncated or spliced) and runs load -> validate -> build IR -> render in-process; black and
the write stage are skipped (they see only rendered output, which is also checked: every Python file must parse).
Any other exception is a bug. CLIENTGEN_FUZZ_EXAMPLES sets the number of examples per test (default below).
Measured: 1500 examples per test (3000 in all) take about 30 s.
"""

from __future__ import annotations

import ast
import copy
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.diagnostics import SpecError
from generator.ir import build
from generator.load import load
from generator.render import render
from generator.validate import validate
from tests.test_diagnostics import BASE

ROOT = Path(__file__).resolve().parent
EXAMPLES = int(os.environ.get("CLIENTGEN_FUZZ_EXAMPLES", "1500"))
# Derandomized in CI (the same examples every run); CLIENTGEN_FUZZ_RANDOM=1 explores new ones locally.
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("CLIENTGEN_FUZZ_RANDOM") != "1",
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SEEDS = {"base": BASE, "edge_cases": (ROOT / "golden" / "edge_cases" / "spec.yaml").read_text(encoding="utf-8")}


def _parse(text: str) -> Any:
    """Read as the generator does (YAML 1.2 core: 'yes' stays a string), not as yaml.safe_load would."""
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "seed.yaml"
        path.write_text(text, encoding="utf-8")
        return load(path).data


PARSED = {name: _parse(text) for name, text in SEEDS.items()}
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
STATS = {"examples": 0, "generated": 0, "diagnosed": 0}
# Mappings keyed by names the spec author chooses: renaming inside them often keeps a spec valid.
NAME_KEYED = frozenset({"schemas", "properties", "params", "methods", "resources"})
NAMES = st.sampled_from(["from", "class", "self", "timeout", "close", "copy", "json", "with_raw_response",
                         "with_options", "_client", "__init__", "1st", "日本語", "naïve", "Position", "position",
                         "BaseModel", "Omit", "data", "metadata", "v1", "types", "V1", "x-trace", "a b", "None",
                         "True", "match", "case", "type", "list", "str", "print", "__class__", "_", "é"])

Path_ = tuple[Any, ...]

# Values of every kind the format meets, plus troublemakers.
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "string", "object", "array", "#/schemas/", "#/schemas/Nope", "GET /x/{id}", "path", "body",
                     "query", "header", "from", "class", "__init__", "json", "with_raw_response", "日本", "'''",
                     '"""', "{{ x }}", "{% if %}", "a\\b", "\x00", "data", "Position", "-", "1x"]),
    st.text(max_size=12),
)
VALUES = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                          max_size=3), max_leaves=6)
KEY_NAMES = st.one_of(st.sampled_from(["type", "properties", "$ref", "items", "enum", "required", "in", "schema",
                                       "http", "response", "params", "methods", "resources", "root", "allOf",
                                       "oneOf", "nullable", "description", "name", "from", "class", "self",
                                       "timeout", "close", "copy", "json", "", "日本", "1st", "__dunder__"]),
                      st.text(max_size=10))


def paths(data: Any, prefix: Path_ = ()) -> list[Path_]:
    """Every path to a node (mapping key or list index) under `data`."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, prefix + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, prefix + (index,))
    return found


def parent_of(data: Any, path: Path_) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


def mutate(data: Any, draw: st.DrawFn) -> Any:
    """One structural mutation of the data tree, in place where possible; returns the (new) root."""
    all_paths = [p for p in paths(data) if p]
    if not all_paths:
        return draw(VALUES)
    path = draw(st.sampled_from(all_paths))
    parent = parent_of(data, path)
    key = path[-1]
    kind = draw(st.sampled_from(["drop", "rename", "swap", "ref", "copy", "wrap", "self-ref"] + ["rename-name"] * 5))
    if kind == "rename-name":  # a name the author chose: valid or a name-collision, rarely anything else
        named = [p for p in all_paths if len(p) >= 2 and p[-2] in NAME_KEYED and isinstance(parent_of(data, p), dict)]
        if named:
            path = draw(st.sampled_from(named))
            parent, key = parent_of(data, path), path[-1]
            new_name = draw(NAMES)
            if new_name not in parent:
                parent[new_name] = parent.pop(key)
    elif kind == "drop":
        del parent[key]
    elif kind == "rename" and isinstance(parent, dict):
        value = parent.pop(key)
        parent[draw(KEY_NAMES)] = value
    elif kind == "swap":
        parent[key] = draw(VALUES)
    elif kind in ("ref", "self-ref"):
        found = data.get("schemas") if isinstance(data, dict) else None
        schemas = [name for name in found if isinstance(name, str)] if isinstance(found, dict) else []
        names = schemas + ["Nope", "", "#/schemas/"]
        target = draw(st.sampled_from(names))
        if kind == "self-ref" and len(path) >= 2 and path[0] == "schemas":
            target = str(path[1])
        parent[key] = {"$ref": "#/schemas/" + target} if draw(st.booleans()) else {
            "type": draw(st.sampled_from(["array", "object"])), "items": {"$ref": "#/schemas/" + target},
            "additionalProperties": {"$ref": "#/schemas/" + target}}
    elif kind == "copy":  # the same node somewhere else too, like a duplicated block
        other = draw(st.sampled_from(all_paths))
        other_parent = parent_of(data, other)
        try:
            other_parent[other[-1]] = copy.deepcopy(parent[key])
        except (TypeError, KeyError, IndexError):
            pass
    elif kind == "wrap":
        parent[key] = [parent[key]] if draw(st.booleans()) else {"nested": parent[key]}
    return data


@st.composite
def mutated_specs(draw: st.DrawFn) -> bytes:
    seed = draw(st.sampled_from(sorted(SEEDS)))
    data = copy.deepcopy(PARSED[seed])
    for _ in range(draw(st.sampled_from([1, 1, 2, 3]))):
        data = mutate(data, draw)
    text = yaml.dump(data, Dumper=DUMPER, sort_keys=False, allow_unicode=True).encode()
    # Text-level mutations: what no data tree can express (duplicate keys, truncation, stray bytes).
    for _ in range(draw(st.sampled_from([0, 0, 0, 1, 2]))):
        lines = text.splitlines(keepends=True) or [b""]
        action = draw(st.sampled_from(["truncate", "duplicate-line", "delete-line", "insert", "indent"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if action == "truncate":
            text = text[: draw(st.integers(0, len(text)))]
        elif action == "duplicate-line":
            text = b"".join(lines[: at + 1] + lines[at:])
        elif action == "delete-line":
            text = b"".join(lines[:at] + lines[at + 1:])
        elif action == "insert":
            offset = draw(st.integers(0, len(text)))
            junk = draw(st.sampled_from([b"\t", b"\x00", b"\xff", b"\xef\xbb\xbf", b":", b"- ", b"&a ", b"*a", b"{",
                                         b"'", b'"', b"\r\n", b"!!binary ", b"<<: ", b"? "]))
            text = text[:offset] + junk + text[offset:]
        else:
            lines[at] = b"  " + lines[at]
            text = b"".join(lines)
    return text


def run_pipeline(path: Path) -> None:
    """Load to render; SpecError is a clean answer. Rendered Python must at least parse."""
    STATS["examples"] += 1
    try:
        doc = load(path, display_name="spec.yaml")
        validate(doc)
        files = render(build(doc))
    except SpecError as exc:
        STATS["diagnosed"] += 1
        assert exc.diagnostics, "SpecError without diagnostics"
        for diagnostic in exc.diagnostics:
            assert str(diagnostic).startswith("spec.yaml:") and diagnostic.line >= 1 and diagnostic.column >= 1
        return
    STATS["generated"] += 1
    for f in files:
        if f.is_python:
            ast.parse(f.content, f.path)


@SETTINGS
@given(text=mutated_specs())
def test_mutated_specs_give_diagnostics_or_output(text: bytes, tmp_path_factory: Any) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz.yaml"
    path.write_bytes(text)
    run_pipeline(path)


@SETTINGS
@given(seed=st.sampled_from(sorted(SEEDS)), data=st.data())
def test_any_prefix_of_a_spec_gives_diagnostics_or_output(seed: str, data: st.DataObject,
                                                          tmp_path_factory: Any) -> None:
    raw = SEEDS[seed].encode()
    cut = data.draw(st.integers(0, len(raw)))
    path = tmp_path_factory.getbasetemp() / "prefix.yaml"
    path.write_bytes(raw[:cut])
    run_pipeline(path)


def test_the_fuzzer_reached_both_outcomes() -> None:
    """Runs after the property tests (file order): a fuzzer that never generates, or never fails, tests little."""
    if STATS["examples"] < EXAMPLES:  # run on its own (-k): nothing to check
        return
    print(f"fuzz: {STATS}")
    assert STATS["generated"] > 0 and STATS["diagnosed"] > 0, STATS


# --- escaping: every text survives as exactly itself ------------------------------------------------------------

TEXT = st.text(alphabet=st.sampled_from(list("\"'\\\n\t\r\x00ab {}%#`é\u2028\ufeff")) | st.characters(), max_size=40)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None)
@given(text=TEXT)
def test_escaped_text_reads_back_as_itself(text: str) -> None:
    from generator.escape import docstring, py_str

    assert ast.literal_eval(py_str(text)) == text
    expected = "\n".join(line.rstrip() for line in text.strip().splitlines())
    assert ast.literal_eval('"""' + docstring(text) + '"""') == expected
