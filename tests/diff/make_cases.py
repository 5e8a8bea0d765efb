"""Writes the spec pairs of tests/diff/: <case>/old.yaml and new.yaml, a base spec and the same with one edit, and
<case>/expected.txt, the classification each case is declared with below (written by hand, never taken from what
clientgen diff prints). Run it after changing a case: .venv/bin/python tests/diff/make_cases.py [case...];
tests/diff/make_openapi_cases.py does the same for the OpenAPI pairs.
"""
import copy
import sys
from pathlib import Path

import yaml

OUT = Path(__file__).resolve().parent
sys.path.insert(0, str(OUT.parent.parent))
from generator.openapi.dump import _Block, _Dumper

BASE = {
    "clientgen": 1,
    "api": {"name": "Acme Shop", "package": "acme_shop", "client": "AcmeShop", "cli": "acme-shop",
            "base_url": "https://api.acme.example", "auth": {"type": "bearer"}},
    "schemas": {
        "OrderStatus": {"type": "string", "enum": ["open", "filled", "cancelled"]},
        "Side": {"type": "string", "enum": ["buy", "sell"]},
        "Address": {"type": "object", "properties": {"street": {"type": "string"}, "city": {"type": "string"}}},
        "Order": {
            "type": "object",
            "description": "An order.",
            "required": ["id", "status", "quantity"],
            "properties": {
                "id": {"type": "string"},
                "status": {"$ref": "#/schemas/OrderStatus"},
                "quantity": {"type": "integer"},
                "kind": {"type": "string", "enum": ["market", "limit"]},
                "note": {"type": "string", "description": "A free note."},
                "reference": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                "shipping": {"type": "object", "properties": {"street": {"type": "string"},
                                                              "city": {"type": "string"}}},
                "billing": {"$ref": "#/schemas/Address"},
            },
        },
        "LineInput": {
            "type": "object",
            "required": ["sku"],
            "properties": {"sku": {"type": "string"}, "count": {"type": "integer"}},
        },
    },
    "resources": {
        "orders": {
            "description": "Orders.",
            "methods": {
                "list": {
                    "http": "GET /orders",
                    "params": {
                        "limit": {"in": "query", "schema": {"type": "integer"}},
                        "status": {"in": "query", "schema": {"$ref": "#/schemas/OrderStatus"}},
                        "page_token": {"in": "query", "schema": {"type": "string"}},
                    },
                    "response": {"type": "array", "items": {"$ref": "#/schemas/Order"}},
                },
                "get": {
                    "http": "GET /orders/{order_id}",
                    "description": "One order.",
                    "params": {"order_id": {"in": "path", "schema": {"type": "string"}}},
                    "response": {"$ref": "#/schemas/Order"},
                },
                "create": {
                    "http": "POST /orders",
                    "params": {
                        "side": {"in": "body", "required": True, "schema": {"$ref": "#/schemas/Side"}},
                        "quantity": {"in": "body", "required": True, "schema": {"type": "integer"}},
                        "note": {"in": "body", "schema": {"type": "string"}},
                        "gift": {"in": "body", "schema": {"type": "object", "properties": {
                            "message": {"type": "string"}, "wrap": {"type": "boolean"}}}},
                    },
                    "response": {"$ref": "#/schemas/Order"},
                },
                "add_lines": {
                    "http": "POST /orders/{order_id}/lines",
                    "params": {
                        "order_id": {"in": "path", "schema": {"type": "string"}},
                        "lines": {"in": "body", "root": True, "required": True,
                                  "schema": {"type": "array", "items": {"$ref": "#/schemas/LineInput"}}},
                    },
                },
                "cancel": {
                    "http": "DELETE /orders/{order_id}",
                    "params": {"order_id": {"in": "path", "schema": {"type": "string"}}},
                },
            },
        },
        "customers": {
            "methods": {
                "get": {"http": "GET /customers/{customer_id}",
                        "params": {"customer_id": {"in": "path", "schema": {"type": "string"}}},
                        "response": {"$ref": "#/schemas/Address"}},
            },
        },
    },
}


def dump(data):
    text = yaml.dump(_Block(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120, indent=2)
    return text


def M(spec, name, resource="orders"):
    return spec["resources"][resource]["methods"][name]


def S(spec, name):
    return spec["schemas"][name]


CASES = {}


def case(name, *expected, base=None):
    def register(edit):
        CASES[name] = (edit, expected, base)
        return edit
    return register

# ---------------------------------------------------------------- no change
@case("no-change-reformatted")
def _(s):
    s["resources"]["orders"] = dict(reversed(list(s["resources"]["orders"].items())))
    M(s, "list")["params"]["limit"] = dict(reversed(list(M(s, "list")["params"]["limit"].items())))
    S(s, "Order")["required"] = ["quantity", "id", "status"]
    S(s, "Order")["properties"]["note"] = {"description": "A free note.", "type": "string"}

@case("no-change-field-moved-into-ref")
def _(s):
    S(s, "Order")["properties"]["shipping"] = {"$ref": "#/schemas/Address"}

@case("field-moved-into-new-ref", ("compatible", "model-added", "types.Shipping"))
def _(s):
    s["schemas"]["Shipping"] = S(s, "Order")["properties"]["shipping"]
    S(s, "Order")["properties"]["shipping"] = {"$ref": "#/schemas/Shipping"}

@case("no-change-allof-same-shape")
def _(s):
    props = S(s, "Order")["properties"]
    S(s, "Order").pop("properties")
    S(s, "Order")["allOf"] = [{"type": "object", "properties": {k: props[k] for k in list(props)[:4]}},
                              {"type": "object", "properties": {k: props[k] for k in list(props)[4:]}}]

# ---------------------------------------------------------------- client
@case("package-renamed", ("breaking", "package-renamed", "client"), ("breaking", "env-var-changed", "client(api_key)"),
      ("breaking", "env-var-changed", "client(base_url)"))
def _(s):
    s["api"]["package"] = "acme_store"

@case("client-renamed", ("breaking", "client-renamed", "client"))
def _(s):
    s["api"]["client"] = "AcmeStore"

@case("base-url-changed", ("breaking", "base-url-changed", "client(base_url)"))
def _(s):
    s["api"]["base_url"] = "https://api.acme.example/v2"

@case("auth-changed", ("breaking", "auth-changed", "client(auth)"))
def _(s):
    s["api"]["auth"] = {"type": "header", "header": "X-Api-Key"}

@case("api-description-changed", ("compatible", "description-changed", "client"))
def _(s):
    s["api"]["description"] = "Shop for things."

# ---------------------------------------------------------------- resources
@case("resource-removed", ("breaking", "resource-removed", "client.customers"))
def _(s):
    del s["resources"]["customers"]

@case("resource-added", ("compatible", "resource-added", "client.refunds"))
def _(s):
    s["resources"]["refunds"] = {"methods": {"list": {"http": "GET /refunds", "response": {"type": "array", "items": {"type": "string"}}}}}

@case("resource-renamed", ("breaking", "resource-renamed", "client.customers"))
def _(s):
    s["resources"]["clients"] = s["resources"].pop("customers")

@case("resource-description-changed", ("compatible", "description-changed", "client.orders"))
def _(s):
    s["resources"]["orders"]["description"] = "The orders of the shop."

# ---------------------------------------------------------------- methods
@case("method-removed", ("breaking", "method-removed", "client.orders.cancel()"))
def _(s):
    del s["resources"]["orders"]["methods"]["cancel"]

@case("method-added", ("compatible", "method-added", "client.orders.update()"))
def _(s):
    s["resources"]["orders"]["methods"]["update"] = {"http": "PATCH /orders/{order_id}", "params": {
        "order_id": {"in": "path", "schema": {"type": "string"}}, "note": {"in": "body", "schema": {"type": "string"}}},
        "response": {"$ref": "#/schemas/Order"}}

@case("method-renamed", ("breaking", "method-renamed", "client.orders.cancel()"))
def _(s):
    methods = s["resources"]["orders"]["methods"]
    methods["cancel_order"] = methods.pop("cancel")

@case("method-moved", ("breaking", "method-renamed", "client.orders.cancel()"))
def _(s):
    s["resources"]["customers"]["methods"]["cancel_order"] = s["resources"]["orders"]["methods"].pop("cancel")

@case("resource-renamed-method-changed", ("breaking", "resource-renamed", "client.customers"),
      ("compatible", "param-added", "client.clients.get(expand)"))
def _(s):
    s["resources"]["clients"] = s["resources"].pop("customers")
    s["resources"]["clients"]["methods"]["get"]["params"]["expand"] = {"in": "query", "schema": {"type": "boolean"}}

@case("method-deprecated", ("compatible", "method-deprecated", "client.orders.cancel()"))
def _(s):
    M(s, "cancel")["deprecated"] = True

@case("endpoint-changed", ("compatible", "endpoint-changed", "client.orders.get()"))
def _(s):
    M(s, "get")["http"] = "GET /v2/orders/{order_id}"

@case("method-description-changed", ("compatible", "description-changed", "client.orders.get()"))
def _(s):
    M(s, "get")["description"] = "One order, by its id."

@case("method-base-url-changed", ("breaking", "base-url-changed", "client.orders.get()"))
def _(s):
    M(s, "get")["base_url"] = "https://orders.acme.example"

@case("request-format-changed", ("compatible", "request-format-changed", "client.orders.create()"))
def _(s):
    M(s, "create")["request_format"] = "form"

@case("pagination-added", ("breaking", "pagination-changed", "client.orders.list()"), base="envelope")
def _(s):
    M(s, "list")["pagination"] = {"token_param": "page_token", "next_token": "next"}

@case("return-type-changed", ("breaking", "return-type-changed", "client.orders.get()"))
def _(s):
    M(s, "get")["response"] = {"type": "array", "items": {"$ref": "#/schemas/Order"}}

@case("return-removed", ("breaking", "return-type-changed", "client.orders.get()"))
def _(s):
    del M(s, "get")["response"]

@case("return-became-nullable", ("breaking", "return-type-changed", "client.orders.get()"))
def _(s):
    M(s, "get")["response"] = {"$ref": "#/schemas/Order", "nullable": True}

# ---------------------------------------------------------------- parameters
@case("param-removed", ("breaking", "param-removed", "client.orders.list(limit)"))
def _(s):
    del M(s, "list")["params"]["limit"]

@case("flattened-body-field-removed", ("breaking", "param-removed", "client.orders.create(note)"))
def _(s):
    del M(s, "create")["params"]["note"]

@case("param-added", ("compatible", "param-added", "client.orders.list(offset)"))
def _(s):
    M(s, "list")["params"]["offset"] = {"in": "query", "schema": {"type": "integer"}}

@case("param-added-required", ("breaking", "param-added-required", "client.orders.list(region)"))
def _(s):
    M(s, "list")["params"]["region"] = {"in": "query", "required": True, "schema": {"type": "string"}}

@case("optional-param-made-required", ("breaking", "param-required", "client.orders.list(limit)"))
def _(s):
    M(s, "list")["params"]["limit"]["required"] = True

@case("param-made-optional", ("compatible", "param-optional", "client.orders.create(quantity)"))
def _(s):
    M(s, "create")["params"]["quantity"]["required"] = False

@case("param-type-widened", ("compatible", "type-widened", "client.orders.list(limit)"))
def _(s):
    M(s, "list")["params"]["limit"]["schema"] = {"anyOf": [{"type": "integer"}, {"type": "string"}]}

@case("param-type-changed", ("breaking", "type-changed", "client.orders.create(quantity)"))
def _(s):
    M(s, "create")["params"]["quantity"]["schema"] = {"type": "string"}

@case("param-no-longer-nullable", ("breaking", "type-narrowed", "client.orders.create(note)"), base="nullable-note")
def _(s):
    M(s, "create")["params"]["note"]["schema"] = {"type": "string"}

@case("param-moved", ("compatible", "param-moved", "client.orders.list(limit)"))
def _(s):
    M(s, "list")["params"]["limit"]["in"] = "header"

@case("param-positional-changed", ("breaking", "param-positional-changed", "client.orders.add_lines(order_id)"),
      ("breaking", "param-added-required", "client.orders.add_lines(line_no)"),
      ("compatible", "endpoint-changed", "client.orders.add_lines()"))
def _(s):
    M(s, "add_lines")["http"] = "POST /orders/{order_id}/lines/{line_no}"
    M(s, "add_lines")["params"] = {"order_id": M(s, "add_lines")["params"]["order_id"],
                                    "line_no": {"in": "path", "schema": {"type": "integer"}},
                                    "lines": M(s, "add_lines")["params"]["lines"]}

@case("param-renamed", ("breaking", "param-renamed", "client.orders.list(sort_by_2)"),
      ("breaking", "param-removed", "client.orders.list(sort_by)"), base="colliding-params")
def _(s):
    del M(s, "list")["params"]["sort-by"]

@case("param-description-changed", ("compatible", "description-changed", "client.orders.list(limit)"))
def _(s):
    M(s, "list")["params"]["limit"]["description"] = "At most this many."

@case("inline-param-field-removed", ("breaking", "field-removed", "client.orders.create(gift).wrap"))
def _(s):
    del M(s, "create")["params"]["gift"]["schema"]["properties"]["wrap"]

@case("inline-param-field-required", ("breaking", "field-required", "client.orders.create(gift).message"))
def _(s):
    M(s, "create")["params"]["gift"]["schema"]["required"] = ["message"]

# ---------------------------------------------------------------- enums
@case("request-enum-value-removed", ("breaking", "enum-value-removed", "types.Side"))
def _(s):
    S(s, "Side")["enum"] = ["buy"]

@case("request-enum-value-added", ("compatible", "enum-value-added", "types.Side"))
def _(s):
    S(s, "Side")["enum"] = ["buy", "sell", "short"]

@case("response-enum-value-added", ("compatible", "response-enum-value-added", "types.Order.kind"))
def _(s):
    S(s, "Order")["properties"]["kind"]["enum"] = ["market", "limit", "stop"]

@case("response-enum-value-removed", ("compatible", "response-enum-value-removed", "types.Order.kind"))
def _(s):
    S(s, "Order")["properties"]["kind"]["enum"] = ["market"]

@case("shared-enum-value-removed", ("breaking", "enum-value-removed", "types.OrderStatus"))
def _(s):
    S(s, "OrderStatus")["enum"] = ["open", "filled"]

@case("shared-enum-value-added", ("compatible", "enum-value-added", "types.OrderStatus"))
def _(s):
    S(s, "OrderStatus")["enum"] = ["open", "filled", "cancelled", "expired"]

# ---------------------------------------------------------------- response fields
@case("response-field-removed", ("breaking", "response-field-removed", "types.Order.note"))
def _(s):
    del S(s, "Order")["properties"]["note"]

@case("response-field-added", ("compatible", "response-field-added", "types.Order.created_at"))
def _(s):
    S(s, "Order")["properties"]["created_at"] = {"type": "string", "format": "date-time"}

@case("response-field-optional", ("breaking", "response-field-optional", "types.Order.quantity"))
def _(s):
    S(s, "Order")["required"] = ["id", "status"]

@case("response-field-nullable", ("breaking", "response-became-nullable", "types.Order.quantity"))
def _(s):
    S(s, "Order")["properties"]["quantity"]["nullable"] = True

@case("response-field-required", ("compatible", "response-field-required", "types.Order.note"))
def _(s):
    S(s, "Order")["required"] = ["id", "status", "quantity", "note"]

@case("response-field-type-changed", ("breaking", "response-type-changed", "types.Order.quantity"))
def _(s):
    S(s, "Order")["properties"]["quantity"] = {"type": "string"}

@case("response-field-type-narrowed", ("compatible", "response-type-narrowed", "types.Order.reference"))
def _(s):
    S(s, "Order")["properties"]["reference"] = {"type": "string"}

@case("response-field-type-widened", ("breaking", "response-type-changed", "types.Order.id"))
def _(s):
    S(s, "Order")["properties"]["id"] = {"anyOf": [{"type": "string"}, {"type": "integer"}]}

@case("nested-inline-response-field-removed", ("breaking", "response-field-removed", "types.Order.shipping.city"))
def _(s):
    del S(s, "Order")["properties"]["shipping"]["properties"]["city"]

@case("field-description-changed", ("compatible", "description-changed", "types.Order.note"))
def _(s):
    S(s, "Order")["properties"]["note"]["description"] = "A note from the buyer."

# ---------------------------------------------------------------- request types
@case("request-field-removed", ("breaking", "field-removed", "types.LineInputParam.count"))
def _(s):
    del S(s, "LineInput")["properties"]["count"]

@case("request-required-field-added", ("breaking", "required-field-added", "types.LineInputParam.warehouse"))
def _(s):
    S(s, "LineInput")["properties"]["warehouse"] = {"type": "string"}
    S(s, "LineInput")["required"] = ["sku", "warehouse"]

@case("request-optional-field-added", ("compatible", "field-added", "types.LineInputParam.warehouse"))
def _(s):
    S(s, "LineInput")["properties"]["warehouse"] = {"type": "string"}

@case("request-field-made-required", ("breaking", "field-required", "types.LineInputParam.count"))
def _(s):
    S(s, "LineInput")["required"] = ["sku", "count"]

@case("request-field-made-optional", ("compatible", "field-optional", "types.LineInputParam.sku"))
def _(s):
    S(s, "LineInput")["required"] = []

# ---------------------------------------------------------------- named types
@case("model-removed", ("breaking", "model-removed", "types.Address"),
      ("breaking", "response-type-changed", "types.Order.billing"),
      ("breaking", "return-type-changed", "client.customers.get()"))
def _(s):
    del s["schemas"]["Address"]
    S(s, "Order")["properties"]["billing"] = {"type": "string"}
    s["resources"]["customers"]["methods"]["get"]["response"] = {"type": "string"}

@case("model-added", ("compatible", "model-added", "types.Refund"))
def _(s):
    s["schemas"]["Refund"] = {"type": "object", "properties": {"id": {"type": "string"}}}

@case("model-renamed-with-nested-inline", ("breaking", "model-renamed", "types.Order"))
def _(s):
    s["schemas"] = {("Purchase" if k == "Order" else k): v for k, v in s["schemas"].items()}
    for m in s["resources"]["orders"]["methods"].values():
        r = m.get("response")
        if r == {"$ref": "#/schemas/Order"}:
            m["response"] = {"$ref": "#/schemas/Purchase"}
        elif r and r.get("items") == {"$ref": "#/schemas/Order"}:
            r["items"] = {"$ref": "#/schemas/Purchase"}

@case("model-kind-changed", ("breaking", "model-kind-changed", "types.Address"))
def _(s):
    s["schemas"]["Address"] = {"type": "string"}

@case("model-description-changed", ("compatible", "description-changed", "types.Order"))
def _(s):
    S(s, "Order")["description"] = "An order of the shop."

# ---------------------------------------------------------------- unions
@case("no-change-oneof-reordered", base="payment-union")
def _(s):
    S(s, "Order")["properties"]["payment"]["oneOf"].reverse()

@case("union-member-added-response", ("breaking", "response-type-changed", "types.Order.payment"), base="payment-union")
def _(s):
    S(s, "Order")["properties"]["payment"]["oneOf"].append({"type": "string"})

# ---------------------------------------------------------------- servers and credentials
@case("environment-removed", ("breaking", "environment-removed", "client(environment='sandbox')"), base="servers")
def _(s):
    del s["api"]["environments"]["sandbox"]

@case("environment-added", ("compatible", "environment-added", "client(environment='staging')"), base="servers")
def _(s):
    s["api"]["environments"]["staging"] = "https://staging.acme.example/{version}"

@case("environment-url-changed", ("breaking", "base-url-changed", "client(environment='sandbox')"), base="servers")
def _(s):
    s["api"]["environments"]["sandbox"] = "https://sandbox.acme.dev/{version}"

@case("server-variable-added", ("compatible", "server-variable-added", "client(region)"),
      ("breaking", "base-url-changed", "client(base_url)"), base="servers")
def _(s):
    s["api"]["server_variables"]["region"] = {"default": "us", "enum": ["us", "eu"]}
    s["api"]["base_url"] = s["api"]["environments"]["production"] = "https://{region}.api.acme.example/{version}"

@case("server-variable-removed", ("breaking", "server-variable-removed", "client(version)"),
      ("breaking", "base-url-changed", "client(base_url)"),
      ("breaking", "base-url-changed", "client(environment='sandbox')"), base="servers")
def _(s):
    del s["api"]["server_variables"]
    s["api"]["base_url"] = s["api"]["environments"]["production"] = "https://api.acme.example/v1"
    s["api"]["environments"]["sandbox"] = "https://sandbox.acme.example/v1"

@case("server-variable-default-changed", ("breaking", "base-url-changed", "client(version)"), base="servers")
def _(s):
    s["api"]["server_variables"]["version"]["default"] = "v2"

@case("scheme-removed", ("breaking", "auth-changed", "client(auth)"),
      ("breaking", "auth-changed", "client(auth=Login)"), base="schemes")
def _(s):
    del s["api"]["security_schemes"]["Login"]
    s["api"]["security"] = [["Token"]]

@case("method-security-changed", ("breaking", "auth-changed", "client.orders.get()"), base="schemes")
def _(s):
    M(s, "get")["security"] = [["Login"]]

@case("credential-env-changed", ("breaking", "env-var-changed", "client(api_key)"))
def _(s):
    s["api"]["auth"]["env"] = "ACME_TOKEN"

# ---------------------------------------------------------------- nullability
@case("param-now-nullable", ("compatible", "type-widened", "client.orders.create(note)"))
def _(s):
    M(s, "create")["params"]["note"]["schema"]["nullable"] = True

@case("response-field-not-nullable", ("compatible", "response-not-nullable", "types.Order.quantity"), base="nullable-quantity")
def _(s):
    S(s, "Order")["properties"]["quantity"] = {"type": "integer"}

# ---------------------------------------------------------------- envelope
@case("enveloped-inline-return-field-removed", ("breaking", "response-field-removed", "client.customers.get().data.name"),
      base="envelope")
def _(s):
    del s["resources"]["customers"]["methods"]["get"]["response"]["properties"]["name"]

@case("envelope-field-removed", ("breaking", "response-field-removed", "types.BaseResponse.next"), base="envelope")
def _(s):
    del s["envelope"]["properties"]["next"]

@case("enveloped-return-type-changed", ("breaking", "response-type-changed", "client.orders.get().data"), base="envelope")
def _(s):
    M(s, "get")["response"] = {"type": "string"}

@case("return-type-narrowed", ("compatible", "response-type-narrowed", "client.orders.get()"), base="union-return")
def _(s):
    M(s, "get")["response"] = {"$ref": "#/schemas/Order"}

@case("return-format-changed", ("breaking", "return-type-changed", "client.orders.get()"))
def _(s):
    M(s, "get")["response_format"] = "binary"
    del M(s, "get")["response"]

@case("event-stream-item-changed", ("breaking", "response-field-removed", "client.orders.watch()[].sequence"),
      base="event-stream")
def _(s):
    del M(s, "watch")["response"]["properties"]["sequence"]


def nullable_note(s):
    M(s, "create")["params"]["note"]["schema"] = {"type": "string", "nullable": True}

def colliding_params(s):
    M(s, "list")["params"]["sort-by"] = {"in": "query", "schema": {"type": "string"}}
    M(s, "list")["params"]["sort_by"] = {"in": "header", "schema": {"type": "string"}}

def payment_union(s):
    S(s, "Order")["properties"]["payment"] = {"oneOf": [
        {"type": "object", "required": ["last4"], "properties": {"last4": {"type": "string"}}},
        {"type": "object", "required": ["iban"], "properties": {"iban": {"type": "string"}}},
    ]}

def envelope(s):
    s["envelope"] = {"name": "BaseResponse", "properties": {"next": {"type": "string", "nullable": True}}}
    s["resources"]["customers"]["methods"]["get"]["response"] = {
        "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "name": {"type": "string"}}}

def union_return(s):
    M(s, "get")["response"] = {"oneOf": [{"$ref": "#/schemas/Order"}, {"$ref": "#/schemas/Address"}]}

def event_stream(s):
    s["resources"]["orders"]["methods"]["watch"] = {
        "http": "GET /orders/{order_id}/events", "response_format": "event_stream",
        "params": {"order_id": {"in": "path", "schema": {"type": "string"}}},
        "response": {"type": "object", "required": ["status"], "properties": {
            "status": {"$ref": "#/schemas/OrderStatus"}, "sequence": {"type": "integer"}}}}

def servers(s):
    s["api"]["base_url"] = "https://api.acme.example/{version}"
    s["api"]["server_variables"] = {"version": {"default": "v1"}}
    s["api"]["environments"] = {"production": "https://api.acme.example/{version}",
                                "sandbox": "https://sandbox.acme.example/{version}"}

def schemes(s):
    del s["api"]["auth"]
    s["api"]["security_schemes"] = {"Token": {"type": "bearer"}, "Login": {"type": "basic"}}
    s["api"]["security"] = [["Token"], ["Login"]]

def nullable_quantity(s):
    S(s, "Order")["properties"]["quantity"] = {"type": "integer", "nullable": True}

BASES = {"union-return": union_return, "event-stream": event_stream, "servers": servers, "schemes": schemes, "nullable-quantity": nullable_quantity, "envelope": envelope, "nullable-note": nullable_note, "colliding-params": colliding_params, "payment-union": payment_union}


def main():
    names = sys.argv[1:]
    for name, (edit, expected, base) in CASES.items():
        if names and name not in names:
            continue
        old = copy.deepcopy(BASE)
        if base:
            BASES[base](old)
        new = copy.deepcopy(old)
        edit(new)
        folder = OUT / name
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "old.yaml").write_text(dump(old))
        (folder / "new.yaml").write_text(dump(new))
        (folder / "expected.txt").write_text("".join(f"{' '.join(line)}\n" for line in sorted(expected, key=lambda l: (l[0] != "breaking", l[2], l[1]))))
    print(len(CASES), "cases")

if __name__ == "__main__":
    main()
