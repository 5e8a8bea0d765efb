"""Writes the OpenAPI pairs of tests/diff/ (openapi-*/): old.yaml is openapi_base.yaml, new.yaml (or .json) the
same with one text edit, expected.txt the classification declared below (by hand). See make_cases.py."""
import json
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent
BASE = (OUT / "openapi_base.yaml").read_text()

def edit(old, new, count=1):
    def apply(text):
        assert text.count(old) >= 1, old
        return text.replace(old, new, count)
    return apply

CASES = {
    "openapi-no-change-json-vs-yaml": ([], "json", []),
    "openapi-no-change-field-moved-into-ref": ([edit("""        owner:
          type: object
          properties:
            name: {type: string}
            home:
              type: object
              properties:
                street: {type: string}
                city: {type: string}""", """        owner:
          type: object
          properties:
            name: {type: string}
            home: {$ref: "#/components/schemas/Address"}""")], "yaml", []),
    "openapi-no-change-oneof-reordered": ([edit("""            - $ref: "#/components/schemas/Card"
            - $ref: "#/components/schemas/Transfer\"""", """            - $ref: "#/components/schemas/Transfer"
            - $ref: "#/components/schemas/Card\"""")], "yaml", []),
    "openapi-flattened-body-field-removed": ([edit("""        name: {type: string}
        tag: {type: string}""", """        name: {type: string}""")], "yaml",
        [("breaking", "param-removed", "client.pets.create(tag)")]),
    "openapi-optional-param-made-required": ([edit("""        - name: limit
          in: query""", """        - name: limit
          in: query
          required: true""")], "yaml", [("breaking", "param-required", "client.pets.list(limit)")]),
    "openapi-response-enum-value-added": ([edit("enum: [available, sold]", "enum: [available, pending, sold]")], "yaml",
        [("compatible", "response-enum-value-added", "types.Pet.status")]),
    "openapi-nested-inline-model-renamed-through-parent": ([
        edit("    Pet:\n", "    Animal:\n"), edit('#/components/schemas/Pet"', '#/components/schemas/Animal"', 3)], "yaml",
        [("breaking", "model-renamed", "types.Pet")]),
    "openapi-path-param-renamed": ([edit("/pets/{petId}:", "/pets/{id}:"), edit("        - name: petId", "        - name: id")],
        "yaml", [("breaking", "param-renamed", "client.pets.retrieve(pet_id)"),
                 ("compatible", "endpoint-changed", "client.pets.retrieve()")]),
    "openapi-operation-removed": ([edit("""  /store:
    get:
      operationId: getStore""", """  /store:
    x-gone:
      operationId: getStore""")], "yaml", [("breaking", "resource-removed", "client.store")]),
    "openapi-security-removed": ([edit("""security:
  - Key: []
""", "")], "yaml", [("breaking", "auth-changed", "client(auth)")]),
}

def main() -> None:
    for name, (edits, fmt, expected) in CASES.items():
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.iterdir():
            stale.unlink()
        new = BASE
        for apply in edits:
            new = apply(new)
        (folder / "old.yaml").write_text(BASE)
        if fmt == "json":
            (folder / "new.json").write_text(json.dumps(yaml.safe_load(new), indent=2) + "\n")
        else:
            (folder / "new.yaml").write_text(new)
        (folder / "expected.txt").write_text("".join(" ".join(l) + "\n" for l in sorted(expected, key=lambda l: (l[0] != "breaking", l[2], l[1]))))
    print(len(CASES))


if __name__ == "__main__":
    main()
