"""The exact diagnostics (file:line:col, message, code) for broken specs, and how the CLI reports them.

Each case is BASE with a mutation or two, so every line:column below can be checked by counting in BASE.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from generator.diagnostics import SpecError
from generator.load import load
from generator.pipeline import generate, load_api
from generator.validate import validate

# A small valid spec. Line numbers, for reading the expectations:
#  1 clientgen   9 envelope   14 Position   21 Side        27 get_position     33 create_position
#  2 api        13 schemas    20 side       24 resources   28 http (GET)       34 http (POST)
BASE = """\
clientgen: 1
api:
  name: Demo
  package: demo
  client: Demo
  cli: demo
  base_url: https://api.example.com
  auth: {type: bearer}
envelope:
  name: BaseResponse
  properties:
    request_id: {type: string}
schemas:
  Position:
    type: object
    description: A position.
    required: [symbol]
    properties:
      symbol: {type: string}
      side: {$ref: "#/schemas/Side"}
  Side:
    type: string
    enum: [long, short]
resources:
  positions:
    methods:
      get_position:
        http: GET /accounts/{account_id}/positions/{symbol}
        params:
          account_id: {in: path, schema: {type: integer}}
          symbol: {in: path, schema: {type: string}}
        response: {$ref: "#/schemas/Position"}
      create_position:
        http: POST /accounts/{account_id}/positions
        params:
          account_id: {in: path, schema: {type: integer}}
          symbol: {in: body, required: true, schema: {type: string}}
        response: {$ref: "#/schemas/Position"}
"""

REPO = Path(__file__).resolve().parent.parent
CLIENTGEN = Path(sys.executable).parent / "clientgen"


def mutate(*replacements: tuple[str, str]) -> str:
    """BASE with each (old, new) applied; `old` must occur exactly once, so a stale mutation fails loudly."""
    text = BASE
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} must occur once"
        text = text.replace(old, new)
    return text


def diagnostics(tmp_path: Path, text: str | bytes) -> list[str]:
    """Load and validate `text` as spec.yaml; the printed diagnostics, or [] when it is valid."""
    path = tmp_path / "spec.yaml"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    try:
        validate(load(path, display_name="spec.yaml"))
    except SpecError as exc:
        return [str(d) for d in exc.diagnostics]
    return []


def test_base_is_valid(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, BASE) == []


# --- load: YAML itself -------------------------------------------------------------------------------------------


def test_unclosed_flow_sequence_points_at_the_failure_and_names_where_it_opened(tmp_path: Path) -> None:
    text = mutate(("required: [symbol]", "required: [symbol"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:18:15: error: YAML syntax error: expected ',' or ']', but got ':' "
         "(in the flow sequence that starts at line 17, column 15) [yaml-syntax]")
    ]


def test_unclosed_quote_names_the_flow_mapping_it_broke(tmp_path: Path) -> None:
    text = mutate(('side: {$ref: "#/schemas/Side"}', 'side: {$ref: "#/schemas/Side}'))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:33:7: error: YAML syntax error: expected ',' or '}', but got '<scalar>' "
         "(in the flow mapping that starts at line 20, column 13) [yaml-syntax]")
    ]


def test_tab_indentation(tmp_path: Path) -> None:
    text = mutate(("    type: object\n", "\ttype: object\n"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:15:1: error: YAML syntax error: found character '\\t' that cannot start any token; "
         "indent with spaces, not tabs [yaml-syntax]")
    ]


def test_line_without_colon_points_at_the_key_not_past_it(tmp_path: Path) -> None:
    text = mutate(("    description: A position.", "    description A position."))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:16:5: error: YAML syntax error: expected ':' after this key [yaml-syntax]"
    ]


def test_unquoted_colon_in_a_value(tmp_path: Path) -> None:
    text = mutate(("    description: A position.", "    description: Note: a position."))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:16:22: error: YAML syntax error: mapping values are not allowed here; "
         "quote a value that contains ': ' [yaml-syntax]")
    ]


def test_duplicate_anchor(tmp_path: Path) -> None:
    text = mutate(("  Position:\n", "  Position: &x\n"), ("  Side:\n", "  Side: &x\n"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:21:9: error: YAML syntax error: found duplicate anchor 'x'; first occurrence (line 14, column 13), "
         "second occurrence [yaml-syntax]")
    ]


def test_second_document(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, BASE + "---\nmore: 1\n") == [
        ("spec.yaml:39:1: error: YAML syntax error: expected a single document in the stream (line 1, column 1), "
         "but found another document [yaml-syntax]")
    ]


def test_duplicate_key_points_at_the_second_and_names_the_first_line(tmp_path: Path) -> None:
    text = mutate(("    description: A position.\n", "    type: object\n"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:16:5: error: duplicate key 'type' (first defined on line 15) [duplicate-key]"
    ]


def test_every_duplicate_key_is_reported_at_once(tmp_path: Path) -> None:
    text = mutate(
        ("  cli: demo\n", "  name: Again\n"),
        ("    type: string\n", "    enum: [a]\n"),
        ("      create_position:", "      get_position:"),
    )
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:6:3: error: duplicate key 'name' (first defined on line 3) [duplicate-key]",
        "spec.yaml:23:5: error: duplicate key 'enum' (first defined on line 22) [duplicate-key]",
        "spec.yaml:33:7: error: duplicate key 'get_position' (first defined on line 27) [duplicate-key]",
    ]


def test_duplicate_method_key(tmp_path: Path) -> None:
    text = mutate(("      create_position:", "      get_position:"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:33:7: error: duplicate key 'get_position' (first defined on line 27) [duplicate-key]"
    ]


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "---\n", "\ufeff"])
def test_empty_spec(tmp_path: Path, text: str) -> None:
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:1:1: error: spec is empty; expected a mapping with 'clientgen', 'api', 'envelope' and "
         "'resources' [empty]")
    ]


def test_a_list_is_not_a_spec(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, "- clientgen: 1\n") == [
        "spec.yaml:1:1: error: expected a mapping, got a list [wrong-type]"
    ]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load(tmp_path / "nope.yaml", display_name="nope.yaml")
    assert str(caught.value) == "nope.yaml:1:1: error: cannot read spec: No such file or directory [io]"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load(tmp_path, display_name="specs")
    assert str(caught.value) == "specs:1:1: error: is a directory, not a spec file [io]"


def test_invalid_utf8_is_positioned(tmp_path: Path) -> None:
    text = BASE.encode().replace(b"A position.", b"A pos\xffition.")
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:16:23: error: invalid UTF-8 (byte 0xff); specs must be UTF-8 [encoding]"
    ]


def test_invalid_utf8_column_counts_characters_not_bytes(tmp_path: Path) -> None:
    text = BASE.encode().replace(b"A position.", "Déjà ".encode() + b"\xc3(")
    # 'é' and 'à' are two bytes each; the bad sequence is the 23rd character of the line.
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:16:23: error: invalid UTF-8 (byte 0xc3); specs must be UTF-8 [encoding]"
    ]


@pytest.mark.parametrize(
    ("char", "what"),
    [("\x00", "control character U+0000"), ("\x1b", "control character U+001B"), ("\x9b", "control character U+009B"),
     ("\ufffe", "character U+FFFE")],
)
def test_unprintable_characters_are_positioned_not_a_traceback(tmp_path: Path, char: str, what: str) -> None:
    text = mutate(("A position.", f"A pos{char}ition."))
    assert diagnostics(tmp_path, text) == [f"spec.yaml:16:23: error: {what} is not allowed in YAML [encoding]"]


def test_yaml_12_core_scalars(tmp_path: Path) -> None:
    path = tmp_path / "scalars.yaml"
    path.write_text(
        "on: on\nno: no\nyes: yes\noff: Off\ny: y\ndate: 2024-01-02\ntime: 2024-01-02T03:04:05Z\n"
        "octal_looking: 017\noctal: 0o17\nhex: 0x1F\nunderscored: 1_000\nsexagesimal: 1:30\n"
        "float: 1.5e3\ninf: -.inf\ntrue: true\nnull: ~\nempty:\nquoted: '017'\n",
        encoding="utf-8",
    )
    assert load(path).data == {
        "on": "on", "no": "no", "yes": "yes", "off": "Off", "y": "y",
        "date": "2024-01-02", "time": "2024-01-02T03:04:05Z",
        "octal_looking": 17, "octal": 15, "hex": 31, "underscored": "1_000", "sexagesimal": "1:30",
        "float": 1500.0, "inf": float("-inf"), "true": True, "null": None, "empty": None, "quoted": "017",
    }  # fmt: skip


def test_octal_looking_enum_values_are_decimal(tmp_path: Path) -> None:
    text = mutate(("    type: string\n    enum: [long, short]", "    type: integer\n    enum: [010, 8, 0o10]"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:23:20: error: duplicate enum value 8 (same as item 2) [duplicate-enum]"
    ]


SCALARS_ONLY = "a value is a string, number, boolean or null"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("!!binary aGVsbG8=", f"unsupported YAML tag '!!binary'; {SCALARS_ONLY}"),
        ("!!timestamp 2024-01-02", f"unsupported YAML tag '!!timestamp'; {SCALARS_ONLY}"),
        ("!!python/object:os.system x", f"unsupported YAML tag '!!python/object:os.system'; {SCALARS_ONLY}"),
        ("!custom x", f"unsupported YAML tag '!custom'; {SCALARS_ONLY}"),
        ("!!int twelve", "'twelve' is not a valid !!int"),
        ("!!set {a: null}", "unsupported YAML tag '!!set'; use a plain mapping or list"),
    ],
)
def test_unsupported_tags(tmp_path: Path, value: str, message: str) -> None:
    text = mutate(("A position.", value))
    assert diagnostics(tmp_path, text) == [f"spec.yaml:16:18: error: {message} [unsupported-yaml]"]


def test_explicit_str_tag_is_fine(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, mutate(("A position.", "!!str 12"))) == []


def test_merge_key(tmp_path: Path) -> None:
    text = mutate(("  Side:\n", "  Side: &side\n"), ("resources:\n", "  Sides:\n    <<: *side\nresources:\n"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:25:5: error: YAML merge keys ('<<') are not supported; write the keys out [unsupported-yaml]"
    ]


def test_recursive_alias(tmp_path: Path) -> None:
    text = mutate(("  Side:\n", "  Side: &side\n"), ("enum: [long, short]", "enum: [long, short]\n    items: *side"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:21:9: error: recursive alias: this anchored value contains an alias to itself [yaml-syntax]"
    ]


def test_aliases_are_expanded(tmp_path: Path) -> None:
    text = mutate(("  Side:\n", "  Side: &side\n"), ("resources:\n", "  Side2: *side\nresources:\n"))
    assert diagnostics(tmp_path, text) == []


# --- validate: structure -----------------------------------------------------------------------------------------


def test_unknown_key_with_did_you_mean(tmp_path: Path) -> None:
    text = mutate(("    description: A position.", "    descripton: A position."))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:16:5: error: unknown key 'descripton'; did you mean 'description'? [unknown-key]"
    ]


def test_wrong_type_string_for_list(tmp_path: Path) -> None:
    text = mutate(("required: [symbol]", "required: yes-please"))
    assert diagnostics(tmp_path, text) == ["spec.yaml:17:15: error: expected a list, got a string [wrong-type]"]


def test_wrong_type_list_for_mapping(tmp_path: Path) -> None:
    text = BASE.split("    methods:\n")[0] + "    methods: []\n"
    assert diagnostics(tmp_path, text) == ["spec.yaml:26:14: error: expected a mapping, got a list [wrong-type]"]


def test_wrong_type_empty_value(tmp_path: Path) -> None:
    text = BASE.split("    methods:\n")[0] + "    methods:\n"
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:26:13: error: expected a mapping, got an empty value [wrong-type]"
    ]


def test_missing_key_points_at_the_method_not_its_first_key(tmp_path: Path) -> None:
    text = mutate(("        http: POST /accounts/{account_id}/positions\n", ""))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:33:7: error: missing required key 'http' in 'create_position' [missing-key]"
    ]


def test_missing_keys_are_listed_on_one_line(tmp_path: Path) -> None:
    text = mutate(("  name: Demo\n  package: demo\n  client: Demo\n", ""))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:2:1: error: missing required keys 'name', 'package' and 'client' in 'api' [missing-key]"
    ]


def test_wrong_version(tmp_path: Path) -> None:
    assert diagnostics(tmp_path, mutate(("clientgen: 1", "clientgen: 2"))) == [
        "spec.yaml:1:12: error: expected 1, got 2 [bad-value]"
    ]


def test_bad_enum_value_with_did_you_mean(tmp_path: Path) -> None:
    text = mutate(("symbol: {in: path, schema: {type: string}}", "symbol: {in: paht, schema: {type: string}}"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:31:24: error: 'paht' is not one of 'path', 'query', 'header', 'cookie', 'body'; did you mean 'path'? "
         "[bad-value]")
    ]


def test_malformed_ref_suggests_the_right_spelling(tmp_path: Path) -> None:
    text = mutate(('side: {$ref: "#/schemas/Side"}', 'side: {$ref: "#/components/schemas/Side"}'))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:20:20: error: invalid value '#/components/schemas/Side'; expected '#/schemas/Name'; "
         "did you mean '#/schemas/Side'? [bad-value]")
    ]


def test_malformed_http_says_what_is_expected(tmp_path: Path) -> None:
    text = mutate(("http: POST /accounts", "http: FETCH /accounts"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:34:15: error: invalid value 'FETCH /accounts/{account_id}/positions'; expected a verb (GET, POST, "
         "PUT, PATCH or DELETE), one space and a path starting with '/' [bad-value]")
    ]


def test_problems_inside_additional_properties_schema_are_reported_where_they_are(tmp_path: Path) -> None:
    text = mutate(("symbol: {type: string}\n", "symbol: {type: object, additionalProperties: {typo: string}}\n"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:19:53: error: unknown key 'typo'; did you mean 'type'? [unknown-key]"
    ]


def test_additional_properties_of_the_wrong_type(tmp_path: Path) -> None:
    text = mutate(("symbol: {type: string}\n", "symbol: {type: object, additionalProperties: 3}\n"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:19:52: error: expected a boolean or a schema mapping, got an integer [wrong-type]"
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("      symbol: {type: string}\n", "      symbol: {type: string}\n      '': {type: string}\n",
         "20:7: error: a name cannot be empty [bad-name]"),
        ("      symbol: {type: string}\n", f"      symbol: {{type: string}}\n      {'x' * 201}: {{type: string}}\n",
         f"20:7: error: name '{'x' * 77}...' is longer than 200 characters [bad-name]"),
        ("  properties:\n    request_id", "  required: [request_id, request_id]\n  properties:\n    request_id",
         "11:26: error: duplicate item 'request_id' (same as item 1) [duplicate-item]"),
        ("enum: [long, short]", "enum: []", "23:11: error: expected at least 1 item, got none [bad-value]"),
        ("enum: [long, short]", "enum: [long, {a: 1}]",
         "23:18: error: expected a string, an integer, a number or a boolean, got a mapping [wrong-type]"),
        ("symbol: {type: string}", "symbol: {type: string, minLength: -1}",
         "19:41: error: expected 0 or more, got -1 [bad-value]"),
        ("symbol: {type: string}", "symbol: {type: [string, 'null']}",
         "19:22: error: expected one type name, got a list; to allow null, write 'nullable: true' [bad-value]"),
        ("symbol: {type: string}", "symbol: {type: strin}",
         ("19:22: error: 'strin' is not one of 'object', 'array', 'string', 'integer', 'number', 'boolean'; "
          "did you mean 'string'? [bad-value]")),
    ],
    ids=["empty-name", "long-name", "duplicate-item", "empty-enum", "enum-item-type", "minimum", "type-list", "typo"],
)
def test_schema_level_problems_in_words(tmp_path: Path, old: str, new: str, expected: str) -> None:
    assert diagnostics(tmp_path, mutate((old, new))) == [f"spec.yaml:{expected}"]


def test_structural_problems_are_all_reported(tmp_path: Path) -> None:
    text = mutate(
        ("  auth: {type: bearer}", "  auth: {type: basic}"),
        ("required: [symbol]", "required: symbol"),
        ("        http: POST /accounts/{account_id}/positions\n", ""),
    )
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:8:16: error: 'basic' is not one of 'bearer', 'header' [bad-value]",
        "spec.yaml:17:15: error: expected a list, got a string [wrong-type]",
        "spec.yaml:33:7: error: missing required key 'http' in 'create_position' [missing-key]",
    ]


# --- validate: meaning -------------------------------------------------------------------------------------------


def test_unresolved_ref_with_did_you_mean(tmp_path: Path) -> None:
    text = mutate(('side: {$ref: "#/schemas/Side"}', 'side: {$ref: "#/schemas/Sied"}'))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:20:20: error: unresolved reference '#/schemas/Sied'; did you mean 'Side'? [unresolved-ref]"
    ]


def test_unknown_required_property_points_at_the_item(tmp_path: Path) -> None:
    text = mutate(
        ("required: [symbol]", "required: [symbol, symbl]"),
        ("  properties:\n    request_id", "  required: [reqest_id]\n  properties:\n    request_id"),
    )
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:11:14: error: required property 'reqest_id' is not declared in the envelope's 'properties'; "
         "did you mean 'request_id'? [unknown-required]"),
        ("spec.yaml:18:24: error: required property 'symbl' is not declared in 'properties'; did you mean 'symbol'? "
         "[unknown-required]"),
    ]


def test_required_may_name_properties_from_allof(tmp_path: Path) -> None:
    schema = '  Sub:\n    allOf: [{$ref: "#/schemas/Position"}, {properties: {z: {}}}]\n    required: [side, z]\n'
    assert diagnostics(tmp_path, mutate(("  Side:\n", schema + "  Side:\n"))) == []


def test_undeclared_path_param(tmp_path: Path) -> None:
    text = mutate(("POST /accounts/{account_id}/positions", "POST /accounts/{account_id}/positions/{kind}"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:34:15: error: path placeholder '{kind}' has no parameter with 'in: path' [undeclared-path-param]"
    ]


def test_misspelt_path_placeholder_reports_both_sides(tmp_path: Path) -> None:
    text = mutate(("/positions/{symbol}", "/positions/{symbl}"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:28:15: error: path placeholder '{symbl}' has no parameter with 'in: path'; did you mean 'symbol'? "
         "[undeclared-path-param]"),
        "spec.yaml:31:11: error: path parameter 'symbol' does not appear in the path [unused-path-param]",
    ]


def test_path_placeholder_for_a_body_param(tmp_path: Path) -> None:
    text = mutate(("POST /accounts/{account_id}/positions", "POST /accounts/{account_id}/positions/{symbol}"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:34:15: error: path placeholder '{symbol}' needs parameter 'symbol' to be 'in: path', not "
         "'in: body' [undeclared-path-param]")
    ]


def test_empty_path_placeholder(tmp_path: Path) -> None:
    text = mutate(("POST /accounts/{account_id}/positions", "POST /accounts/{account_id}/positions/{}"))
    assert diagnostics(tmp_path, text) == ["spec.yaml:34:15: error: empty path placeholder '{}' [bad-path]"]


def test_a_path_placeholder_twice_takes_the_value_in_each_place(tmp_path: Path) -> None:
    path = "GET /accounts/{account_id}/positions/{symbol}"
    text = mutate((path, path + "/{account_id}"))
    assert diagnostics(tmp_path, text) == []
    (tmp_path / "spec.yaml").write_text(text)
    method = load_api(tmp_path / "spec.yaml").resources[0].methods[0]
    assert method.path_code == ('"/accounts/" + _path_param("account_id", account_id) + "/positions/" + '
                                '_path_param("symbol", symbol) + "/" + _path_param("account_id", account_id)')


def test_an_api_without_resources_is_a_client_with_types_only(tmp_path: Path) -> None:
    text = BASE.split("resources:\n")[0] + "resources: {}\n"
    assert diagnostics(tmp_path, text) == []
    (tmp_path / "spec.yaml").write_text(text)
    generate(tmp_path / "spec.yaml", tmp_path / "out")
    script = ("import demo, demo.types; "
              "print(type(demo.Demo(api_key='k')).__name__, demo.types.Position(symbol='A').symbol)")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path / "out" / "python", capture_output=True,
                          text=True, check=False)
    assert (done.returncode, done.stdout, done.stderr) == (0, "Demo A\n", "")


def test_unused_path_param(tmp_path: Path) -> None:
    text = mutate(("/positions/{symbol}", "/positions"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:31:11: error: path parameter 'symbol' does not appear in the path [unused-path-param]"
    ]


def test_method_names_that_become_one_python_name(tmp_path: Path) -> None:
    text = mutate(("      create_position:", "      getPosition:"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:33:7: error: method 'getPosition' and method 'get_position' (line 27) both become 'get_position' "
         "in Python [name-collision]")
    ]


def test_duplicate_enum_value(tmp_path: Path) -> None:
    text = mutate(("enum: [long, short]", "enum: [long, short, long]"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:23:25: error: duplicate enum value 'long' (same as item 1) [duplicate-enum]"
    ]


def test_property_names_that_become_one_python_name(tmp_path: Path) -> None:
    properties = "      fooBar: {type: string}\n      foo_bar: {type: string}\n"
    text = mutate(('      side: {$ref: "#/schemas/Side"}\n', properties))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:21:7: error: property 'foo_bar' and property 'fooBar' (line 20) both become 'foo_bar' in Python "
         "[name-collision]")
    ]


def test_schema_names_that_become_one_python_name(tmp_path: Path) -> None:
    text = mutate(("  Side:\n", "  position_thing: {type: string}\n  PositionThing: {type: string}\n  Side:\n"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:22:3: error: schema 'PositionThing' and schema 'position_thing' (line 21) both become "
         "'PositionThing' in Python [name-collision]")
    ]


def test_schema_names_the_sdk_or_the_spec_already_use(tmp_path: Path) -> None:
    schemas = "  omit: {type: string}\n  Demo: {type: string}\n  base_response: {type: string}\n"
    text = mutate(("  Side:\n", schemas + "  Side:\n"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:21:3: error: schema 'omit' would be 'Omit' in Python, a name the generated SDK already uses "
         "[name-collision]"),
        ("spec.yaml:22:3: error: schema 'Demo' and the client class 'Demo' (line 5) both become 'Demo' in Python "
         "[name-collision]"),
        ("spec.yaml:23:3: error: schema 'base_response' and the envelope 'BaseResponse' (line 10) both become "
         "'BaseResponse' in Python [name-collision]"),
    ]


def test_sibling_resources_that_need_the_same_type_names(tmp_path: Path) -> None:
    text = mutate(("resources:\n  positions:\n", ("resources:\n  position:\n    methods:\n      get_position:\n"
                   "        http: GET /position\n        response: {type: string}\n  positions:\n")))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:32:7: error: method 'positions.get_position' and method 'position.get_position' (line 27) both "
         "need the type name 'PositionGetPositionParams'; set 'singular' on one of their resources [name-collision]")
    ]


def test_method_type_name_taken_by_a_schema(tmp_path: Path) -> None:
    text = mutate(("  Side:\n", "  PositionGetPositionResponse: {type: string}\n  Side:\n"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:28:7: error: method 'positions.get_position' and schema 'PositionGetPositionResponse' (line 21) "
         "both need the type name 'PositionGetPositionResponse'; rename one [name-collision]")
    ]


def test_a_method_without_a_response_needs_no_response_type_name(tmp_path: Path) -> None:
    """Without `response` there is no PositionGetPositionResponse, so a schema may have that name."""
    text = mutate(("  Side:\n", "  PositionGetPositionResponse: {type: string}\n  Side:\n"),
                  ("          symbol: {in: path, schema: {type: string}}\n        response: {$ref: \"#/schemas/Position\"}\n",
                   "          symbol: {in: path, schema: {type: string}}\n"))
    assert diagnostics(tmp_path, text) == []


def test_a_paginated_method_needs_a_response(tmp_path: Path) -> None:
    text = mutate(("          symbol: {in: path, schema: {type: string}}\n        response: {$ref: \"#/schemas/Position\"}\n",
                   "          page_token: {in: query, schema: {type: string}}\n        pagination: {}\n"),
                  ("/positions/{symbol}", "/positions"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:32:21: error: a paginated method needs a 'response' that holds the list of items "
         "[bad-pagination]")
    ]


def test_misspelt_array_format(tmp_path: Path) -> None:
    tags = "          tags: {in: query, array_format: comas, schema: {type: array, items: {type: string}}}\n"
    body = "          symbol: {in: body, required: true, schema: {type: string}}\n"
    text = mutate((body, body + tags))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:38:43: error: 'comas' is not one of 'repeat', 'comma'; did you mean 'comma'? [bad-value]"
    ]


def test_recursive_allof(tmp_path: Path) -> None:
    schemas = '  A: {allOf: [{$ref: "#/schemas/B"}]}\n  B: {allOf: [{$ref: "#/schemas/A"}]}\n'
    text = mutate(("  Side:\n", schemas + "  Side:\n"))
    assert diagnostics(tmp_path, text) == ["spec.yaml:21:3: error: recursive allOf: A -> B -> A [recursive-allof]"]


@pytest.mark.parametrize(
    ("schemas", "chain"),
    [
        ('  A: {$ref: "#/schemas/A"}\n', "A -> A"),
        ('  A: {$ref: "#/schemas/B"}\n  B: {$ref: "#/schemas/A"}\n', "A -> B -> A"),
    ],
)
def test_recursive_ref_alias_is_an_error_not_a_recursion_crash(tmp_path: Path, schemas: str, chain: str) -> None:
    text = mutate(("  Side:\n", schemas + "  Side:\n"))
    assert diagnostics(tmp_path, text) == [
        f"spec.yaml:21:3: error: recursive $ref: {chain}; a chain of references must end at a type [recursive-ref]"
    ]


def test_envelope_property_named_like_the_data_field(tmp_path: Path) -> None:
    text = mutate(("    request_id: {type: string}", "    data: {type: string}"))
    assert diagnostics(tmp_path, text) == [
        ("spec.yaml:12:5: error: envelope property 'data' clashes with the data field that carries each method's "
         "response; remove it or rename the data field with 'data:' [envelope-data]")
    ]


def test_body_param_on_get(tmp_path: Path) -> None:
    text = mutate(("          symbol: {in: path, schema: {type: string}}\n",
                   "          symbol: {in: path, schema: {type: string}}\n          note: {in: body, schema: {}}\n"))
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:32:22: error: GET requests cannot carry body parameters; use 'in: query' [body-on-get]"
    ]


def test_several_problems_are_reported_together_in_position_order(tmp_path: Path) -> None:
    text = mutate(
        ("      create_position:", "      getPosition:"),
        ("enum: [long, short]", "enum: [long, short, long]"),
        ("/positions/{symbol}", "/positions/{symbl}"),
        ("    description: A position.", "    descripton: A position."),
        ('side: {$ref: "#/schemas/Side"}', 'side: {$ref: "#/schemas/Sied"}'),
    )
    assert diagnostics(tmp_path, text) == [
        "spec.yaml:16:5: error: unknown key 'descripton'; did you mean 'description'? [unknown-key]",
        "spec.yaml:20:20: error: unresolved reference '#/schemas/Sied'; did you mean 'Side'? [unresolved-ref]",
        "spec.yaml:23:25: error: duplicate enum value 'long' (same as item 1) [duplicate-enum]",
        ("spec.yaml:28:15: error: path placeholder '{symbl}' has no parameter with 'in: path'; did you mean 'symbol'? "
         "[undeclared-path-param]"),
        "spec.yaml:31:11: error: path parameter 'symbol' does not appear in the path [unused-path-param]",
        ("spec.yaml:33:7: error: method 'getPosition' and method 'get_position' (line 27) both become 'get_position' "
         "in Python [name-collision]"),
    ]


# --- the command line --------------------------------------------------------------------------------------------


def clientgen(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLIENTGEN), *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def snapshot(root: Path) -> dict[str, tuple[bytes, int] | None]:
    """Every file under `root` byte for byte with its modification time (a rewrite is a change), directories as None."""
    return {
        str(path.relative_to(root)): None if path.is_dir() else (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(root.rglob("*"))
    }


BAD = mutate(
    ("    description: A position.", "    descripton: A position."),
    ('side: {$ref: "#/schemas/Side"}', 'side: {$ref: "#/schemas/Sied"}'),
)
BAD_LINES = [
    "bad.yaml:16:5: error: unknown key 'descripton'; did you mean 'description'? [unknown-key]",
    "bad.yaml:20:20: error: unresolved reference '#/schemas/Sied'; did you mean 'Side'? [unresolved-ref]",
    "clientgen: 2 errors",
]
# generate says so, because writing is what it would have done
GENERATE_LINES = BAD_LINES[:-1] + ["clientgen: 2 errors; nothing was written"]


def test_cli_validate_bad_spec(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    result = clientgen("validate", "bad.yaml", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr.splitlines()) == (1, "", BAD_LINES)


@pytest.mark.parametrize(
    ("argument", "message"),
    [("missing.yaml", "cannot read spec: No such file or directory"), (".", "is a directory, not a spec file")],
)
def test_cli_validate_unreadable(tmp_path: Path, argument: str, message: str) -> None:
    result = clientgen("validate", argument, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr.splitlines()) == (
        1, "", [f"{argument}:1:1: error: {message} [io]", "clientgen: 1 error"]
    )  # fmt: skip


def test_cli_generate_bad_spec_leaves_the_output_directory_untouched(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    # A previous generation, by hand so that this test does not depend on what the templates render today.
    for name, content in {
        "out/.clientgen-manifest.json": '{"files": {"python/demo/__init__.py": "0"}}\n',
        "out/python/demo/__init__.py": "# generated\n",
        "out/NOTES.md": "kept by hand\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(content, encoding="utf-8")
    before = snapshot(tmp_path)

    result = clientgen("generate", "bad.yaml", "-o", "out", cwd=tmp_path)

    assert (result.returncode, result.stdout, result.stderr.splitlines()) == (1, "", GENERATE_LINES)
    assert snapshot(tmp_path) == before  # the output and its parent: no half-written tree or temporary left over


def test_cli_check_bad_spec(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD, encoding="utf-8")
    result = clientgen("check", "bad.yaml", "-o", "out", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr.splitlines()) == (1, "", BAD_LINES)
    assert not (tmp_path / "out").exists()


def test_cli_yaml_error_is_a_diagnostic_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_bytes(mutate(("A position.", "A pos\x07ition.")).encode())
    result = clientgen("validate", "bad.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()) == (1, [
        "bad.yaml:16:23: error: control character U+0007 is not allowed in YAML [encoding]",
        "clientgen: 1 error",
    ])  # fmt: skip


def test_cli_recursive_ref_is_a_diagnostic_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(mutate(("  Side:\n", '  A: {$ref: "#/schemas/A"}\n  Side:\n')), encoding="utf-8")
    result = clientgen("validate", "bad.yaml", cwd=tmp_path)
    assert (result.returncode, result.stderr.splitlines()) == (1, [
        "bad.yaml:21:3: error: recursive $ref: A -> A; a chain of references must end at a type [recursive-ref]",
        "clientgen: 1 error",
    ])  # fmt: skip


def test_cli_validate_reference_spec(tmp_path: Path) -> None:
    result = clientgen("validate", "spec/clear_street.yaml", cwd=REPO)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("spec/clear_street.yaml: ok (")


def test_cli_usage_error(tmp_path: Path) -> None:
    result = clientgen("validate", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines()[-1] == "Error: Missing argument 'SPEC'."
    assert "Traceback" not in result.stderr
