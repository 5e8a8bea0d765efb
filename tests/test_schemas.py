"""Schema features in a generated SDK, against a real HTTP server on 127.0.0.1: discriminated unions parse into the
right class (by Literal fields, by a mapping, by schema names), readOnly/writeOnly fields are left out of request
and response types, deprecated methods warn, recursive models parse nested data, and request bodies whose fields are
union aliases (or lists, maps and aliases of them) take plain dicts, under mypy --strict too (tests/golden/schemas)."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import subprocess
import sys
import typing
import warnings
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate
from tests.conftest import ROOT
from tests.server import Reply, ScriptedServer

SPEC = ROOT / "tests" / "golden" / "schemas" / "spec.yaml"


@pytest.fixture(scope="module")
def zoo(tmp_path_factory: pytest.TempPathFactory) -> Any:
    out: Path = tmp_path_factory.mktemp("zoo")
    generate(SPEC, out)
    sys.path.insert(0, str(out / "python"))
    try:
        yield importlib.import_module("zoo")
    finally:
        sys.path.remove(str(out / "python"))
        for name in [m for m in sys.modules if m == "zoo" or m.startswith("zoo.")]:
            del sys.modules[name]


@pytest.fixture
def client(zoo: Any, server: ScriptedServer) -> Any:
    with zoo.Zoo(api_key="k", base_url=server.url, max_retries=0) as client:
        yield client


def enveloped(data: Any) -> Reply:
    return Reply(200, {"request_id": "r-1", "data": data})


def test_union_by_literal_fields_picks_the_member(zoo: Any, client: Any, server: ScriptedServer) -> None:
    server.reply(enveloped({"petType": "dog", "bark": "woof"}), enveloped({"petType": "cat", "name": "Tom"}))

    dog = client.pets.get("d1").data
    cat = client.pets.get("c1").data

    assert type(dog) is zoo.types.Dog and dog.bark == "woof"
    assert type(cat) is zoo.types.Cat and (cat.name, cat.pet_type) == ("Tom", "cat")
    assert [s.path for s in server.seen] == ["/pets/d1", "/pets/c1"]


def test_union_by_mapping_picks_the_member_also_for_several_values(zoo: Any, client: Any,
                                                                    server: ScriptedServer) -> None:
    server.reply(enveloped([{"kind": "round", "radius": 1}, {"kind": "square", "side": 2},
                            {"kind": "circle", "radius": 3.5}]))

    shapes = client.pets.list_shapes().data

    assert [type(s).__name__ for s in shapes] == ["Circle", "Square", "Circle"]
    assert [s.kind for s in shapes] == ["round", "square", "circle"]
    assert shapes[2].radius == 3.5


def test_union_without_mapping_or_enum_goes_by_schema_name(zoo: Any, client: Any, server: ScriptedServer) -> None:
    server.reply(enveloped([{"event_type": "Deleted"}, {"event_type": "Created", "at": "2026-01-02T03:04:05Z"}]))

    events = client.pets.events().data

    assert [type(e) for e in events] == [zoo.types.Deleted, zoo.types.Created]
    assert events[1].at.year == 2026


def test_inline_union_members_are_discriminated(zoo: Any, client: Any, server: ScriptedServer) -> None:
    server.reply(enveloped({"item": {"type": "note", "text": "hi"}}), enveloped({"item": {"type": "photo", "url": "u"}}))

    note = client.pets.feed().data.item
    photo = client.pets.feed().data.item

    assert type(note).__name__ == "PetFeedResponseDataItemNote" and note.text == "hi"
    assert type(photo).__name__ == "PetFeedResponseDataItemPhoto" and photo.url == "u"


@pytest.mark.parametrize("body", [{"petType": "bird"}, {"kind": "triangle"}, {"nothing": 1}])
def test_a_value_that_selects_no_member_is_a_validation_error(zoo: Any, client: Any, server: ScriptedServer,
                                                              body: dict[str, Any]) -> None:
    server.reply(enveloped(body if "petType" in body else [body]))

    with pytest.raises(zoo.APIResponseValidationError):
        client.pets.get("x") if "petType" in body else client.pets.list_shapes()


def test_discriminated_members_are_not_tried_one_by_one(zoo: Any) -> None:
    """The tag selects the member: a Circle-shaped value tagged 'square' fails as a Square, it is not taken as a
    Circle (what a plain union would do)."""
    import pydantic

    with pytest.raises(pydantic.ValidationError) as raised:
        pydantic.TypeAdapter(zoo.types.Shape).validate_python({"kind": "square", "radius": 1})
    assert [e["loc"] for e in raised.value.errors()] == [("Square", "side")]


def test_deprecated_method_warns_sync_and_async(zoo: Any, client: Any, server: ScriptedServer) -> None:
    server.reply(enveloped({"petType": "dog"}))

    with pytest.warns(DeprecationWarning, match=r"pets\.old_get\(\) is deprecated") as caught:
        pet = client.pets.old_get("d1")
    assert type(pet.data) is zoo.types.Dog
    assert caught[0].filename == __file__  # stacklevel: the warning points at the caller

    async def call() -> Any:
        async with zoo.AsyncZoo(api_key="k", base_url=server.url, max_retries=0) as async_client:
            return await async_client.pets.old_get("d2")

    with pytest.warns(DeprecationWarning, match=r"pets\.old_get\(\) is deprecated"):
        assert type(asyncio.run(call()).data) is zoo.types.Dog
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        client.pets.get("d3")  # not deprecated: no warning
    assert "Deprecated." in (client.pets.old_get.__doc__ or "")
    assert "Deprecated." in (zoo.types.Legacy.__doc__ or "")


def test_read_only_and_write_only_fields(zoo: Any, client: Any, server: ScriptedServer) -> None:
    account = {"id": "a1", "name": "Ann", "version": 2, "tags": ["x"], "owner": {"id": "a0", "name": "Root"}}
    server.reply(enveloped(account))

    assert "password" not in zoo.types.Account.model_fields  # writeOnly: never in a response
    assert {"id", "owner"} <= set(zoo.types.Account.model_fields)
    hints = typing.get_type_hints(zoo.types.AccountParam)
    assert "password" in hints and "id" not in hints and "owner" not in hints  # readOnly: never in a request
    parameters = inspect.signature(client.accounts.create).parameters
    assert "id" not in parameters and "password" in parameters

    created = client.accounts.create(name="Ann", password="s3cret", tags=["x"])

    assert server.seen[-1].body == b'{"name":"Ann","password":"s3cret","tags":["x"]}'
    assert created.data.id == "a1" and created.data.owner.name == "Root"
    assert created.data.version == 2


def test_recursive_models_parse_nested_data(zoo: Any, client: Any, server: ScriptedServer) -> None:
    tree = {"value": 1, "children": [{"value": 2, "children": [{"value": 3, "children": []}]}, {"value": 4}]}
    folder = {"name": "root", "files": [{"name": "a.txt", "parent": {"name": "root", "files": []}}]}
    server.reply(enveloped(tree), enveloped(folder))

    node = client.trees.get("t").data
    top = client.trees.folder("f").data

    assert type(node) is zoo.types.TreeNode
    assert node.children[0].children[0].value == 3 and node.children[1].children is None
    assert type(top.files[0]) is zoo.types.File and type(top.files[0].parent) is zoo.types.Folder
    assert top.files[0].parent.name == "root"


def test_recursion_through_a_discriminated_union(zoo: Any, client: Any, server: ScriptedServer) -> None:
    expr = {"op": "sum", "terms": [{"op": "num", "value": 1}, {"op": "sum", "terms": [{"op": "num", "value": 2}]}]}
    server.reply(enveloped(expr))

    result = client.trees.evaluate(expr=expr).data

    assert json.loads(server.seen[-1].body) == expr
    assert type(result) is zoo.types.Sum
    assert type(result.terms[0]) is zoo.types.Num and type(result.terms[1].terms[0]) is zoo.types.Num


def test_a_union_with_a_nullable_member_has_one_none(zoo: Any) -> None:
    import pydantic

    source = Path(zoo.types.__file__).parent.joinpath("stop.py").read_text()
    assert "Stop: TypeAlias = str | list[str] | None\n" in source
    assert pydantic.TypeAdapter(zoo.types.Stop).validate_python(None) is None


# Request bodies whose fields are a union alias (Pet), a list and a map of one, a list alias of one (Pack) and a
# union with an inline object member (Toy): request-side twins over the TypedDicts (PetParam, PackParam, ToyParam);
# and an object whose {Name}Param is a schema of the document (Leash: LeashRequestParam).
ADOPT_BODY = (b'{"pet":{"petType":"cat","name":"Tom"},"others":[{"petType":"dog","bark":"woof"}],'
              b'"by_name":{"c":{"kind":"round","radius":1.5},"s":{"kind":"square","side":2}},'
              b'"pack":[{"petType":"dog"},{"petType":"cat","name":"Kit","lives":9}],"toy":{"size":3},"leash":{"length":2.5}}')


def test_request_union_aliases_send_plain_dicts_exactly(zoo: Any, client: Any, server: ScriptedServer) -> None:
    server.reply(enveloped({"petType": "cat", "name": "Tom"}), enveloped({"petType": "cat", "name": "Tom"}))
    pack = [{"petType": "dog"}, {"petType": "cat", "name": "Kit", "lives": 9}]
    arguments: dict[str, Any] = {
        "pet": {"petType": "cat", "name": "Tom"},
        "others": ({"petType": "dog", "bark": "woof"},),
        "by_name": {"c": {"kind": "round", "radius": 1.5}, "s": {"kind": "square", "side": 2}},
        "toy": {"size": 3},
        "leash": {"length": 2.5},
    }

    adopted = client.pets.adopt(**arguments, pack=(pet for pet in pack))  # an Iterable is read once

    async def call() -> Any:  # the runtime serialises a model (the response-side class) as it does a dict
        async with zoo.AsyncZoo(api_key="k", base_url=server.url, max_retries=0) as async_client:
            cat = zoo.types.Cat.model_validate({"petType": "cat", "name": "Tom"})
            return await async_client.pets.adopt(**{**arguments, "pet": cat}, pack=pack)

    asyncio.run(call())
    assert [(s.method, s.path, s.body) for s in server.seen] == [("POST", "/adoptions", ADOPT_BODY)] * 2
    assert type(adopted.data) is zoo.types.Cat
    hints = typing.get_type_hints(zoo.types.PetAdoptParams)
    assert hints["pet"] == zoo.types.PetParam and hints["pack"] == zoo.types.PackParam
    # The document's own schema LeashParam keeps its name: Leash's request type is LeashRequestParam.
    assert hints["leash"] == zoo.types.LeashRequestParam and "leash" in zoo.types.LeashParam.model_fields
    assert typing.get_args(zoo.types.PetParam) == (zoo.types.CatParam, zoo.types.DogParam)  # no discriminator


GOOD_SNIPPET = '''
from zoo import Zoo
from zoo.types import PackParam, PetParam

client = Zoo(api_key="k")
pet: PetParam = {"petType": "dog", "bark": "woof"}
pack: PackParam = [pet, {"petType": "cat", "name": "Kit"}]
client.pets.adopt(
    pet={"petType": "cat", "name": "Tom"},
    others=[{"petType": "dog"}],
    by_name={"c": {"kind": "round", "radius": 1.5}},
    pack=pack,
    toy={"size": 3},
    leash={"length": 2.5},
)
client.pets.adopt(pet=pet, toy="ball")
client.trees.evaluate(expr={"op": "sum", "terms": [{"op": "num", "value": 1}, {"op": "sum", "terms": []}]})
'''


ADOPT = 'from zoo import Zoo\n\nZoo(api_key="k").pets.adopt({})\n'
CAT = 'pet={"petType": "cat", "name": "Tom"}, '


@pytest.mark.parametrize("snippet, error", [
    (GOOD_SNIPPET, None),  # a wrong key, a wrong tag in a list, a missing key in a map, an unknown key in an alias:
    (ADOPT.format('pet={"petType": "cat", "nam": "Tom"}'), 'expected "CatParam | DogParam"  [arg-type]'),
    (ADOPT.format(CAT + 'others=[{"petType": "bird"}]'), '"Literal[\'bird\']", TypedDict item "petType"'),
    (ADOPT.format(CAT + 'by_name={"c": {"kind": "round"}}'), 'expected "str": "CircleParam | SquareParam"'),
    (ADOPT.format(CAT + 'pack=[{"petType": "dog", "lives": 1}]'), 'expected "CatParam | DogParam"  [list-item]'),
])
def test_request_union_aliases_type_check(zoo: Any, tmp_path: Path, snippet: str, error: str | None) -> None:
    """mypy --strict takes plain dicts for union aliases, lists and maps of them, and rejects a wrong key."""
    sdk = Path(zoo.__file__).parent.parent
    (tmp_path / "snippet.py").write_text(snippet)
    bin_dir = Path(sys.executable).parent
    command = [str(bin_dir / "mypy"), "--strict", "--cache-dir", str(sdk.parent / ".mypy_cache"), "snippet.py"]
    result = subprocess.run(command, cwd=tmp_path, env={"MYPYPATH": str(sdk), "PATH": str(bin_dir)},
                            capture_output=True, text=True, timeout=300, check=False)
    if error is None:
        assert result.returncode == 0, result.stdout
    else:
        assert result.returncode == 1 and error in result.stdout, result.stdout
