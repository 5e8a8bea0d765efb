"""Stage 3, build IR: an immutable, fully resolved model of the API with every derived name computed once.

Templates only loop over this and print; every decision (names, annotations, imports, file paths) is made here.
"""

from __future__ import annotations

import itertools
import json
import keyword
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache
from typing import Any

from . import naming
from .escape import Code, py_literal, py_str, py_tuple, py_value
from .load import Document

REF_PREFIX = "#/schemas/"
STDLIB_MODULES = frozenset({"builtins", "collections.abc", "datetime", "functools", "typing", "warnings"})
THIRD_PARTY_MODULES = frozenset({"httpx", "pydantic", "typing_extensions"})
# Placeholder examples for formats whose values must parse (a field's own name would not).
FORMAT_EXAMPLES = {"date-time": "2019-12-27T18:11:19.117Z", "date": "2019-12-27",
                   "uuid": "182bd5e5-6e1a-4fe4-a799-aa6d9a6ab26e"}
PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# Keyword arguments the client constructor has whatever the API: credentials and server variables need others.
CLIENT_ARGUMENTS = frozenset({"self", "base_url", "environment", "timeout", "max_retries", "default_headers",
                              "http_client", "strict_response_validation", "initial_retry_delay", "max_retry_delay"})


# --- types -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, repr=False)
class TypeRef:
    """A resolved type: the annotation to print and what it needs imported."""

    annotation: Code
    imports: frozenset[tuple[str, str]] = frozenset()  # (module, name); module is absolute within the package
    nullable: bool = False
    enum: tuple[Any, ...] = ()  # values of an inline enum
    model: str | None = None  # the generated class or alias it shows (through lists), for the reference docs

    def __repr__(self) -> str:
        # The imports in order: the reprs of IR nodes are what render compares between runs (render.input_keys).
        return (f"TypeRef({self.annotation!r}, {sorted(self.imports)!r}, {self.nullable!r}, {self.enum!r}, "
                f"{self.model!r})")

    @property
    def display(self) -> str:
        """The annotation as reference docs show it: Optional[str], List[PositionInstruction]."""
        return _display(self.annotation)


@dataclass(frozen=True)
class Field:
    name: str
    wire_name: str
    type: TypeRef
    required: bool
    description: str
    example: Any = None


@dataclass(frozen=True)
class ModelDef:
    name: str
    description: str
    fields: tuple[Field, ...]
    base: str = "BaseModel"
    kind: str = "model"
    lenient_fields: tuple[str, ...] = ()  # fields whose value may be an enum value (see _models.lenient_enums)


@dataclass(frozen=True)
class AliasDef:
    name: str
    description: str
    type: TypeRef
    kind: str = "alias"


@dataclass(frozen=True)
class TypedDictDef:
    name: str
    description: str
    fields: tuple[Field, ...]
    kind: str = "typeddict"

    @property
    def class_syntax(self) -> bool:
        """Keys that are not identifiers (wire names like 'from' or 'x-id'), not ASCII ('naïve', which Python would
        NFKC-normalise) or private ('__key', which a class body would mangle) need the functional syntax."""
        return all(f.wire_name.isidentifier() and f.wire_name.isascii() and not keyword.iskeyword(f.wire_name)
                   and not (f.wire_name.startswith("__") and not f.wire_name.endswith("__")) for f in self.fields)


Definition = ModelDef | AliasDef | TypedDictDef


@dataclass(frozen=True)
class Module:
    """One generated Python module: its dotted name within the package and what it defines."""

    name: str
    definitions: tuple[Definition, ...]
    imports: tuple[Code, ...]
    exports: tuple[str, ...] = ()  # names a package __init__ re-exports
    lazy: tuple[tuple[str, str], ...] = ()  # (name, relative module) a package __init__ imports on first use

    @property
    def path(self) -> str:
        return self.name.replace(".", "/") + ".py"

    @property
    def public_names(self) -> tuple[str, ...]:
        """`__all__`, in the order ruff expects."""
        return self.exports or tuple(sorted((d.name for d in self.definitions), key=all_order))


# --- resources ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DocField:
    """One line of a method's 'Returns' in the reference docs, with the fields of the model it refers to."""

    name: str
    type: str
    description: str
    values: tuple[Any, ...]  # enum values
    fields: tuple[DocField, ...]

    def lines(self, depth: int = 0) -> Iterator[tuple[int, DocField]]:
        """This field and everything under it, flattened with nesting depth (templates only loop)."""
        yield depth, self
        for child in self.fields:
            yield from child.lines(depth + 1)


@dataclass(frozen=True)
class Param:
    name: str
    wire_name: str
    location: str  # path | query | header | body
    required: bool
    root: bool
    type: TypeRef
    description: str
    example: Any  # JSON value: the spec's example, else a placeholder built from the type
    cli_kind: str  # how the CLI parses the flag: str | int | float | bool | choice | json
    choices: tuple[str, ...] = ()
    comma_separated: bool = False  # an array query parameter sent as one entry, ids=a,b (spec: array_format: comma)
    style: str = ""  # query or form/multipart field: OpenAPI style; '' = the default (repeated keys)
    explode: bool = True
    file: bool = False  # a multipart file field (schema: string, format: binary), or a list of them
    flag_name: str = ""  # what the CLI flag is made from: the wire name, or the Python name when that was made distinct
    flag_taken: bool = False  # a credential or server variable of the API has this parameter's CLI flag

    @property
    def query_code(self) -> Code:
        """What the request's query dict holds for this parameter: the argument, marked for comma-joining or with
        its style."""
        if self.comma_separated:
            return Code(f"_comma_separated({self.name})")
        if self.style:
            return Code(f"_styled({self.name}, {py_str(self.style)}, {self.explode})")
        return Code(self.name)

    @property
    def example_code(self) -> Code:
        if self.file or self.cli_kind == "file":
            return Code('b"raw file contents"')
        return py_value(self.example)

    @property
    def flag(self) -> str:
        return naming.cli_flag(self.flag_name or self.wire_name, self.flag_taken)

    @property
    def cli_example(self) -> str:
        """The example as the CLI reads it: JSON for structured values, true/false, else the plain text."""
        if self.cli_kind == "json" or isinstance(self.example, (dict, list)):
            return json.dumps(self.example, ensure_ascii=False)
        if isinstance(self.example, bool):
            return "true" if self.example else "false"
        return str(self.example)


NO_CODE = Code("")
PAGE_CLASSES = {"token": "TokenPage", "cursor": "CursorPage", "iterator": "IteratorPage", "next_url": "NextURLPage",
                "page": "PageNumberPage"}


@dataclass(frozen=True)
class Pagination:
    """A paginated method: what goes out in a query parameter for the next page, read from the response body.

    `legacy`: a token style list in an envelope, the `SyncPage`/`AsyncPage` of `_base_client` (token_param,
    next_token); every other shape is a page class of `_pagination` made from `paging` (the `Paging(...)` call)."""

    token_param: str  # wire name of the query parameter
    next_token: tuple[str, ...]  # path of the next page's token in the response body
    item: TypeRef  # one element of the data list
    style: str = "token"
    legacy: bool = True
    paging: Code = NO_CODE  # the `_Paging(...)` expression of a `_pagination` page class

    @property
    def next_token_code(self) -> Code:
        parts = [py_str(part) for part in self.next_token]
        return Code("(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")")

    def page_class(self, is_async: bool) -> str:
        if self.legacy:
            return "AsyncPage" if is_async else "SyncPage"
        return ("Async" if is_async else "Sync") + PAGE_CLASSES[self.style]


@dataclass(frozen=True)
class Method:
    name: str
    summary: str
    description: str
    verb: str
    path: str
    path_parts: tuple[Code, ...]  # the terms of the expression that builds the encoded path, joined by +
    positional: tuple[Param, ...]
    keyword: tuple[Param, ...]
    response_type: str  # the envelope class ({Stem}Response) of a JSON response in an envelope, else ''
    params_type: str
    deprecated: bool
    declared: tuple[Param, ...]  # in spec order, as the reference docs list them
    returns: tuple[DocField, ...]  # the envelope's data field, expanded; () without a response body
    response_example: Any  # a full example envelope, JSON; None without a response body
    # Runtime behaviour (retries, pagination): spec keys `idempotent`, `idempotency_header`, `pagination`.
    idempotent: bool = False  # may be retried whatever the verb
    idempotency_header: str = ""  # header carrying one key per logical call, the same on every retry
    pagination: Pagination | None = None
    # The body's media type (spec keys `request_format`, `content_type`): json | form | multipart | binary | text.
    request_format: str = "json"
    content_type: str = ""
    # Spec key `body_values`: body fields sent with these fixed values on every call (wire name, JSON value).
    body_values: tuple[tuple[str, Any], ...] = ()

    @property
    def field_body(self) -> bool:
        """Whether the body is made of fields: body parameters, fixed `body_values`, or both."""
        return bool(self.located("body") or (self.body_values and self.root_body is None))

    @property
    def path_code(self) -> Code:
        """The expression that builds the encoded path."""
        return Code(" + ".join(self.path_parts))

    @property
    def query_entries(self) -> tuple[Code, ...]:
        """The entries of the request's query dict."""
        return tuple(Code(f"{py_str(p.wire_name)}: {p.query_code}") for p in self.located("query"))

    @property
    def header_entries(self) -> tuple[Code, ...]:
        """The entries of the request's headers dict: each header parameter, then the cookies' `Cookie` header."""
        entries = [Code(f"{py_str(p.wire_name)}: {p.name}") for p in self.located("header")]
        return tuple(entries + ([Code(f'"Cookie": {self.cookie_code}')] if self.located("cookie") else []))

    @property
    def field_entries(self) -> tuple[Code, ...]:
        """The entries of the dict of the body's fields: each body parameter, then each fixed value."""
        entries = [f"{py_str(p.wire_name)}: {p.name}" for p in self.located("body")]
        entries += [f"{py_str(wire)}: {py_value(value)}" for wire, value in self.body_values]
        return tuple(Code(entry) for entry in entries)

    @property
    def values_code(self) -> Code:
        """The dict of the fixed `body_values` alone: merged over a root body (as `extra_body` is)."""
        return Code("{" + ", ".join(f"{py_str(wire)}: {py_value(value)}" for wire, value in self.body_values) + "}")

    @property
    def fields_code(self) -> Code:
        """The dict of the body's fields: each body parameter, then each fixed value."""
        return Code("{" + ", ".join(self.field_entries) + "}")

    @property
    def body_code(self) -> Code:
        """The `body=` argument of a method whose body is not JSON: the encoded body (`_files`)."""
        root = self.root_body
        if self.request_format == "binary" and root is not None:
            media = self.content_type or "application/octet-stream"
            return Code(f"_binary_body({root.name}, {py_str(media)})")
        if self.request_format == "text" and root is not None:
            media = f", {py_str(self.content_type)}" if self.content_type else ""
            return Code(f"_text_body({root.name}{media})")
        fields = self.fields_code
        styled = [p for p in self.located("body") if p.style]
        args = [fields, "extra_body"]
        if self.request_format == "multipart":
            files = [py_str(p.wire_name) for p in self.located("body") if p.file]
            if files:
                args.append("files=(" + ", ".join(files) + ("," if len(files) == 1 else "") + ")")
        if styled:
            args.append("encoding={" + ", ".join(f"{py_str(p.wire_name)}: ({py_str(p.style)}, {p.explode})"
                                                  for p in styled) + "}")
        function = "_multipart_body" if self.request_format == "multipart" else "_form_body"
        return Code(f"{function}({', '.join(args)})")

    @property
    def cookie_code(self) -> Code:
        """The `Cookie` header of the cookie parameters."""
        cookies = ", ".join(f"{py_str(p.wire_name)}: {p.name}" for p in self.located("cookie"))
        return Code(f"_cookie_header({{{cookies}}})")
    security: Security | None = None  # the spec's method `security` (() sends no credentials); None: the API's
    base_url: str = ""  # the spec's method `base_url`: this method's own, '' for the client's

    @property
    def auth_args(self) -> tuple[Code, ...]:
        """Keyword arguments of the runtime's request call for the method's own security and base URL."""
        args = []
        if self.security is not None:
            args.append(Code(f"security={_security_code(self.security)}"))
        if self.base_url:
            args.append(Code(f"base_url={py_str(self.base_url)}"))
        return tuple(args)
    # Spec key `response_format`: json | text | binary | event_stream.
    response_format: str = "json"
    # What a JSON response is parsed into without an envelope (the method returns it); for event_stream, one event.
    result: TypeRef | None = None
    # Builtin names the resource class's own methods shadow in its annotations ('list'): spelled builtins.list there.
    shadowed: tuple[str, ...] = ()
    union_alias: bool = False  # `result` names an alias of a union, which type checkers read as no type at all

    @property
    def has_body(self) -> bool:
        """Whether the method returns something (else None: a success response has no body)."""
        return bool(self.response_type) or self.result is not None or self.response_format != "json"

    @property
    def retry_args(self) -> tuple[Code, ...]:
        """Extra keyword arguments of the runtime's request call that say when a POST/PATCH may be retried."""
        args = []
        if self.idempotent:
            args.append(Code("idempotent=True"))
        if self.idempotency_header:
            args.append(Code(f"idempotency_header={py_str(self.idempotency_header)}"))
        return tuple(args)

    def return_annotation(self, is_async: bool) -> Code:
        """What the method returns."""
        if self.pagination:
            page_item = _unshadow(self.pagination.item.annotation, self.shadowed)
            return Code(f"{self.pagination.page_class(is_async)}[{page_item}]")
        if self.response_format == "text":
            return Code("str")
        if self.response_format == "binary":
            return Code("AsyncBinaryResponse" if is_async else "BinaryResponse")
        if self.response_format == "event_stream":
            item = _unshadow(self.result.annotation, self.shadowed) if self.result else "object"
            return Code(f"{'AsyncStream' if is_async else 'Stream'}[{item}]")
        if self.response_type:
            return Code(self.response_type)
        return _unshadow(self.result.annotation, self.shadowed) if self.result else Code("None")

    def cast_to(self, is_async: bool) -> Code:
        """What the runtime parses a success response into, as the argument of its request call: the return type
        (None for no body). Type checkers read a union written as a value as no type at all, hence the cast."""
        annotation = self.return_annotation(is_async)
        if "|" in annotation or (self.union_alias and self.response_format == "json"):
            return Code(f"cast({py_str('type[' + annotation + ']')}, {annotation})")
        return annotation

    @property
    def format_args(self) -> tuple[Code, ...]:
        """The runtime's request argument for a response that is not JSON."""
        if self.response_format == "json":
            return ()
        return (Code(f"response_format={py_str(self.response_format)}"),)

    @property
    def sync_return(self) -> Code:
        return self.return_annotation(False)

    @property
    def async_return(self) -> Code:
        return self.return_annotation(True)

    @property
    def cli_name(self) -> str:
        return naming.kebab(self.name)

    @property
    def signature(self) -> str:
        """As the reference docs show it: (str instruction_id, PositionCancelPositionInstructionParams**kwargs)."""
        parts = [f"{p.type.display} {p.name}" for p in self.positional]
        if self.keyword:
            parts.append(f"{self.params_type}**kwargs")
        # Pages in an envelope show the envelope, as they always have; the page classes of `_pagination` show.
        pagination = None if self.pagination is None or self.pagination.legacy else self.pagination
        return f"({', '.join(parts)}) -> {replace(self, shadowed=(), pagination=pagination).return_annotation(False)}"

    @property
    def call_signature(self) -> str:
        """As the API reference index lists it: (instruction_id, **params) -> PositionInstruction."""
        parts = [p.name for p in self.positional] + (["**params"] if self.keyword else [])
        return f"({', '.join(parts)}) -> {self.return_annotation(False)}"

    @property
    def params(self) -> tuple[Param, ...]:
        return self.positional + self.keyword

    @property
    def described_params(self) -> tuple[Param, ...]:
        """The parameters with a description, for the method's docstring (the per-call options are documented once,
        in the README)."""
        return tuple(p for p in self.params if p.description)

    def located(self, location: str) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == location and not p.root)

    @property
    def root_body(self) -> Param | None:
        return next((p for p in self.params if p.root), None)


@dataclass(frozen=True)
class Resource:
    name: str  # attribute on the parent
    class_name: str
    module: str  # dotted module within the package
    description: str
    methods: tuple[Method, ...]
    children: tuple[Resource, ...]
    types_module: str  # package holding the methods' Params/Response types
    imports: tuple[Code, ...]  # what the resource module needs
    import_line: Code  # how its parent module imports this resource's class (lazily)
    trail: tuple[str, ...]  # attribute path from the client: ("v1", "positions")

    @property
    def python_path(self) -> str:
        return ".".join(self.trail)

    @property
    def cli_name(self) -> str:
        """The CLI command group: v1:positions."""
        return ":".join(naming.kebab(part) for part in self.trail)

    @property
    def doc_path(self) -> str:
        """Where this resource's reference page lives, relative to docs/python/ and docs/cli/."""
        return "/".join(self.trail) + ".md"

    @property
    def doc_root(self) -> str:
        """From this resource's page back to docs/."""
        return "../" * len(self.trail)

    @property
    def child_imports(self) -> tuple[Code, ...]:
        return tuple(sorted(child.import_line for child in self.children))

    # The SDK runtime's companions of the resource class: async, and the raw-response views of both.

    @property
    def async_class_name(self) -> str:
        return "Async" + self.class_name

    @property
    def raw_class_name(self) -> str:
        return self.class_name + "WithRawResponse"

    @property
    def async_raw_class_name(self) -> str:
        return "Async" + self.class_name + "WithRawResponse"

    def lazy_import(self, name: str) -> Code:
        """How the parent module imports one of this resource's classes (inside a method, to stay lazy)."""
        return Code(self.import_line.rsplit(" import ", 1)[0] + " import " + name)

    @property
    def type_import_line(self) -> Code:
        names = (self.class_name, self.async_class_name, self.raw_class_name, self.async_raw_class_name)
        return self.lazy_import(", ".join(sorted(names, key=import_order)))

    @property
    def child_type_imports(self) -> tuple[Code, ...]:
        return tuple(sorted(child.type_import_line for child in self.children))

    def walk(self) -> Iterator[Resource]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass(frozen=True)
class Auth:
    """The spec's `api.auth`: one key, sent as a bearer token or in a header."""

    type: str
    header: str
    env: str


@dataclass(frozen=True)
class Credential:
    """One client argument that holds a secret (an API key, a token, a username or a password)."""

    name: str  # the client's keyword argument
    env: str  # the environment variable it falls back to

    @property
    def words(self) -> str:
        """'API key', 'access token': for help texts."""
        text = " ".join(naming.words(self.name))
        return "API key" if text == "api key" else text

    @property
    def example_value(self) -> str:
        """'My API Key', 'My Password'."""
        return "My " + " ".join(w if w == "API" else w.capitalize() for w in self.words.split())

    @property
    def example(self) -> Code:
        """The argument as the README shows it: api_key="My API Key"."""
        return Code(f"{self.name}={py_str(self.example_value)}")

    @property
    def flag(self) -> str:
        return naming.cli_global_flag(self.name, "credential")


@dataclass(frozen=True)
class SecurityScheme:
    """A spec `api.security_schemes` entry, resolved: what it sends and the client arguments it needs."""

    name: str
    kind: str  # bearer | basic | api_key
    location: str  # header | query | cookie
    wire_name: str  # the header, query parameter or cookie name
    credentials: tuple[str, ...]  # client arguments: ('api_key',), ('username', 'password')
    description: str = ""


@dataclass(frozen=True)
class ServerVariable:
    """A `{placeholder}` of the API's URLs: a client keyword argument with a default."""

    name: str  # the client's keyword argument
    wire_name: str  # the placeholder
    default: str
    enum: tuple[str, ...]
    description: str

    @property
    def annotation(self) -> Code:
        if self.enum:
            return Code("Literal[" + ", ".join(py_str(value) for value in self.enum) + "]")
        return Code("str")

    @property
    def flag(self) -> str:
        return naming.cli_global_flag(self.name, "variable")


Security = tuple[tuple[str, ...], ...]


def scheme_credentials(api: dict[str, Any]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Scheme name -> (client argument, environment variable) for each credential it needs. Basic auth takes
    `username` and `password`; a bearer or API key scheme its `param`, by default `api_key` when it is the API's only
    one, else the scheme name in snake_case. validate.py checks the names these give."""
    schemes: dict[str, Any] = api.get("security_schemes") or {}
    upper = api["package"].upper()
    single = sum(1 for scheme in schemes.values() if scheme.get("type") != "basic") == 1
    found: dict[str, tuple[tuple[str, str], ...]] = {}
    for name, scheme in schemes.items():
        if scheme.get("type") == "basic":
            found[name] = (("username", scheme.get("username_env", f"{upper}_USERNAME")),
                           ("password", scheme.get("password_env", f"{upper}_PASSWORD")))
        else:
            param = scheme.get("param") or ("api_key" if single else naming.identifier(name))
            found[name] = ((param, scheme.get("env", f"{upper}_{param.upper()}")),)
    return found


@dataclass(frozen=True)
class Api:
    name: str
    description: str
    package: str
    client_class: str
    cli_name: str
    version: str
    base_url: str
    base_url_env: str
    log_env: str
    auth: Auth | None  # the spec's `api.auth`; None with `security_schemes` (or no auth at all)
    envelope: ModelDef | None  # None: methods return their responses themselves
    data_field: str
    resources: tuple[Resource, ...]
    modules: tuple[Module, ...]  # every types module, in a stable order
    packages: tuple[Module, ...]  # package __init__ modules re-exporting their modules' definitions
    type_docs: tuple[DocField, ...]  # the shared types (clear_street.types), for the reference docs
    spec_name: str
    spec_sha256: str = field(repr=False)
    package_option: str = ""  # the package name given with --package-name (vendoring), else ''
    # Credentials (spec `security_schemes`, `security`) and servers (`server_variables`, `environments`).
    schemes: tuple[SecurityScheme, ...] = ()
    credentials: tuple[Credential, ...] = ()  # every client argument the schemes need (api_key for `auth`)
    security: Security = ()  # the alternatives a call uses by default
    server_variables: tuple[ServerVariable, ...] = ()
    environments: tuple[tuple[str, str], ...] = ()  # (name, URL), the first the default

    @property
    def security_code(self) -> Code:
        return _security_code(self.security)

    @property
    def environment_annotation(self) -> Code:
        return Code("Literal[" + ", ".join(py_str(name) for name, _ in self.environments) + "]")

    @property
    def secret_query(self) -> tuple[str, ...]:
        """Query parameters that carry credentials, which the CLI's --debug output redacts."""
        return tuple(sorted({s.wire_name for s in self.schemes if s.location == "query"}))

    @property
    def example_credentials(self) -> tuple[Credential, ...]:
        """What the README passes to the client: the credentials of the first alternative."""
        if self.auth is not None or not self.security:
            return self.credentials
        needed = {c for scheme in self.schemes if scheme.name in self.security[0] for c in scheme.credentials}
        return tuple(c for c in self.credentials if c.name in needed)

    def security_words(self, security: Security) -> str:
        """'token; or username and password': the client arguments each alternative needs, for the docs."""
        if not security or not any(security):
            return "none: this method sends no credentials"
        needs = {s.name: s.credentials for s in self.schemes}
        options = [" and ".join(dict.fromkeys(c for name in alternative for c in needs.get(name, ())))
                   for alternative in security]
        return "; or ".join(option or "none" for option in options)

    @property
    def example_client_args(self) -> Code:
        """api_key="My API Key", for a one-line client in the README."""
        return Code(", ".join(c.example for c in self.example_credentials))

    @property
    def secret_headers(self) -> tuple[str, ...]:
        """Lower-case names of the headers that carry credentials, which the CLI's --debug output redacts."""
        names = {"authorization"}
        if self.auth is not None:
            names.add(self.auth.header.lower())
        names |= {s.wire_name.lower() for s in self.schemes if s.location == "header"}
        if any(s.location == "cookie" for s in self.schemes):
            names.add("cookie")
        return tuple(sorted(names))

    response_formats: tuple[str, ...] = ()  # the formats other than json that some method uses, sorted
    # The page classes of `_pagination` some method returns (SyncCursorPage, AsyncCursorPage, ...), sorted; the
    # module is generated only when there is one.
    page_classes: tuple[str, ...] = ()
    styled_paths: bool = False  # a method has a path parameter with a `style`: the runtime's styled_path_param

    @property
    def title(self) -> str:
        """'Clear Street API': the name with 'API' once, however the spec spells the name."""
        return self.name if self.name.split()[-1:] == ["API"] else f"{self.name} API"

    @property
    def cli_package(self) -> str:
        return self.package + "_cli"

    @property
    def command_resources(self) -> tuple[Resource, ...]:
        """Resources that become CLI command groups: those with methods."""
        return tuple(r for r in self.all_resources() if r.methods)

    @property
    def cli_table(self) -> list[dict[str, Any]]:
        """The CLI's command tree as plain data (the generated CLI reads it from commands.json)."""
        return [
            {"name": r.cli_name, "help": " ".join(r.description.split()), "path": list(r.trail),
             "commands": [_cli_command(m) for m in r.methods]}
            for r in self.command_resources
        ]

    @property
    def resource_imports(self) -> tuple[Code, ...]:
        return tuple(sorted(resource.import_line for resource in self.resources))

    @property
    def resource_type_imports(self) -> tuple[Code, ...]:
        return tuple(sorted(resource.type_import_line for resource in self.resources))

    def all_resources(self) -> Iterator[Resource]:
        for resource in self.resources:
            yield from resource.walk()

    @property
    def example_method(self) -> tuple[Code, Method] | None:
        """The README's example, with its dotted path from the client (v1.positions.cancel_position_instruction): the
        first method that returns a body, so the example can show it, else the first method."""
        methods = [(Code(".".join(r.trail + (m.name,))), m) for r in self.all_resources() for m in r.methods]
        return next((found for found in methods if found[1].has_body), methods[0] if methods else None)

    @property
    def example_raw_path(self) -> Code | None:
        """The example method through `with_raw_response` (v1.positions.with_raw_response.cancel_...)."""
        found = self.example_method
        if found is None:
            return None
        resource_path, _, method = found[0].rpartition(".")
        return Code(f"{resource_path}.with_raw_response.{method}")


BUILTIN_TYPES = ("list", "dict", "str", "int", "float", "bool", "object", "bytes")


# The keys each pagination style reads (besides `style` and `items`), as spec/README.md documents them.
PAGINATION_KEYS = {
    "token": ("token_param", "next_token"),
    "cursor": ("cursor_param", "has_more", "cursor_field"),
    "iterator": ("iterator_param", "next_iterator", "done"),
    "next_url": ("next_url",),
    "page": ("page_param", "per_page_param", "total", "total_pages"),
}
# The key of each style's page parameter (the query parameter a next page is asked with), and its default.
PAGE_PARAMS = {"token_param": "page_token", "cursor_param": "after", "iterator_param": "iterator", "page_param": "page"}


def _path(dotted: str) -> tuple[str, ...]:
    return tuple(part for part in dotted.split(".") if part)


def _tuple_code(parts: tuple[str, ...]) -> Code:
    return py_tuple(parts) if parts else Code("()")


def _unshadow(annotation: Code, shadowed: tuple[str, ...]) -> Code:
    """`annotation` with the builtin type names in `shadowed` spelled `builtins.name`."""
    if not shadowed:
        return annotation
    pattern = r"(?<![\w.\"'])(" + "|".join(shadowed) + r")\b(?![\"'])"
    return Code(re.sub(pattern, r"builtins.\1", annotation))


def _cli_command(method: Method) -> dict[str, Any]:
    options = [
        {"flag": p.flag, "name": p.name, "wire_name": p.wire_name, "kind": p.cli_kind, "location": p.location,
         "required": p.required, "help": " ".join(p.description.split()), "choices": list(p.choices), "root": p.root}
        for p in method.declared
    ]
    return {"name": method.cli_name, "method": method.name, "summary": method.summary, "help": method.description,
            "http": f"{method.verb} {method.path}", "options": options, "returns_body": method.has_body} | (
                {"response_format": method.response_format} if method.response_format != "json" else {})


# --- builder -----------------------------------------------------------------------------------------------------


def build(doc: Document) -> Api:
    return _Builder(doc).api()


class _Builder:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.spec: dict[str, Any] = doc.data
        self.schemas: dict[str, Any] = self.spec.get("schemas") or {}
        self.class_names = {name: naming.class_name(name) for name in self.schemas}
        self.module_of = schema_modules(self.schemas)
        self.schema_module_set = set(self.module_of.values())
        self.definitions: dict[str, list[Definition]] = {}  # module -> definitions, in creation order
        self.param_types: dict[str, str] = {}  # schema name -> its request-side TypedDict name
        self._taken_class_names = set(self.class_names.values())  # and the request-side names given so far
        self.by_name: dict[str, Definition] = {}
        self.done: set[str] = set()
        api = self.spec["api"]
        # The CLI's global options for credentials and server variables: a parameter's flag must not be one.
        flags = [naming.cli_global_flag(a, "credential") for needed in scheme_credentials(api).values() for a, _ in needed]
        flags += [naming.cli_global_flag(naming.param_name(name), "variable") for name in api.get("server_variables") or {}]
        flags += ["--environment"] if api.get("environments") else []
        self.global_flags = frozenset(flag[2:] for flag in flags)

    @cached_property
    def tag_properties(self) -> dict[str, set[str]]:
        """Schema name -> the properties a discriminated union selects it by: no lenient enum validator on those
        (pydantic cannot read a discriminator through a wrap validator, and an unknown tag selects nothing anyway)."""
        found: dict[str, set[str]] = {}
        for union in _discriminated_unions(self.spec):
            prop = union["discriminator"]["propertyName"]
            for member in union.get("oneOf") or union.get("anyOf") or ():
                if isinstance(member.get("$ref"), str) and member["$ref"].startswith(REF_PREFIX):
                    found.setdefault(member["$ref"][len(REF_PREFIX):], set()).add(prop)
        return found

    # modules

    def _define(self, module: str, definition: Definition) -> None:
        self.definitions.setdefault(module, []).append(definition)
        self.by_name[definition.name] = definition

    # entry

    def api(self) -> Api:
        api = self.spec["api"]
        package = api["package"]
        for name in self.schemas:
            self._schema_definition(name)
        envelope = self._envelope()
        resources = tuple(
            self._resource(name, node, (), "_client") for name, node in (self.spec.get("resources") or {}).items()
        )
        modules = tuple(self._module(name, defs) for name, defs in sorted(self.definitions.items()))
        packages = _packages(modules)
        auth = api.get("auth")
        upper = package.upper()
        credentials, schemes = self._schemes(api)
        environments = tuple((name, url) for name, url in (api.get("environments") or {}).items())
        formats = {m.response_format for r in resources for each in r.walk() for m in each.methods} - {"json"}
        pages = {m.pagination.page_class(is_async) for r in resources for each in r.walk() for m in each.methods
                 if m.pagination and not m.pagination.legacy for is_async in (False, True)}
        return Api(
            name=api["name"],
            description=api.get("description", ""),
            package=package,
            client_class=api["client"],
            cli_name=api["cli"],
            version=api.get("version", "0.1.0"),
            base_url=api["base_url"] if "base_url" in api else environments[0][1],
            base_url_env=api.get("base_url_env", f"{upper}_BASE_URL"),
            log_env=f"{upper}_LOG",
            auth=Auth(auth["type"], auth.get("header", "Authorization"), auth.get("env", f"{upper}_API_KEY"))
            if auth is not None else None,
            envelope=envelope,
            data_field=(self.spec.get("envelope") or {}).get("data", "data"),
            resources=resources,
            modules=modules,
            packages=packages,
            type_docs=tuple(self._type_doc(d) for m in modules if m.name.count(".") == 1 for d in m.definitions),
            spec_name=self.doc.file.replace("\\", "/").rsplit("/", 1)[-1],
            spec_sha256=self.doc.sha256,
            schemes=schemes,
            credentials=credentials,
            security=_security(api["security"]) if "security" in api else tuple((s.name,) for s in schemes),
            server_variables=tuple(
                ServerVariable(naming.param_name(name), name, v["default"], tuple(v.get("enum") or ()),
                               v.get("description", ""))
                for name, v in (api.get("server_variables") or {}).items()
            ),
            environments=environments,
            response_formats=tuple(sorted(formats)),
            page_classes=tuple(sorted(pages)),
            styled_paths=any(p.style for r in resources for each in r.walk() for m in each.methods
                             for p in m.located("path")),
        )

    def _schemes(self, api: dict[str, Any]) -> tuple[tuple[Credential, ...], tuple[SecurityScheme, ...]]:
        """The client's credential arguments (each once, in spec order) and the schemes that use them."""
        if "auth" in api:
            return (Credential("api_key", api["auth"].get("env", f"{api['package'].upper()}_API_KEY")),), ()
        credentials: dict[str, Credential] = {}
        schemes = []
        for name, needed in scheme_credentials(api).items():
            scheme = api["security_schemes"][name]
            for argument, env in needed:
                credentials.setdefault(argument, Credential(argument, env))
            kind = scheme["type"]
            location = scheme.get("in", "header")
            wire_name = scheme.get("name", "Authorization") if kind == "api_key" else "Authorization"
            schemes.append(SecurityScheme(name, kind, location, wire_name, tuple(a for a, _ in needed),
                                          scheme.get("description", "")))
        return tuple(credentials.values()), tuple(schemes)

    def _module(self, name: str, definitions: list[Definition]) -> Module:
        needed: set[tuple[str, str]] = set()
        for definition in definitions:
            if isinstance(definition, ModelDef):
                needed.add(_base_import(definition.base))
                if definition.lenient_fields:
                    needed.add(("_models", "lenient_enums"))
            if isinstance(definition, AliasDef):
                needed |= definition.type.imports | {("typing", "TypeAlias")}
            else:
                for f in definition.fields:
                    needed |= f.type.imports
            if isinstance(definition, ModelDef) and any(f.name != f.wire_name for f in definition.fields):
                needed.add(("pydantic", "Field"))
            if isinstance(definition, TypedDictDef):
                needed.add(("typing_extensions", "TypedDict"))
                if any(f.required for f in definition.fields):
                    needed.add(("typing_extensions", "Required"))
        own = {d.name for d in definitions}
        needed = {(m, n) for m, n in needed if not (m == name and n in own)}
        return Module(name, tuple(_order(definitions)), _import_lines(name, needed))

    # schemas

    def _schema_definition(self, name: str) -> None:
        if name in self.done:
            return
        self.done.add(name)
        schema = self._flatten(self.schemas[name])
        class_name = self.class_names[name]
        module = self.module_of[name]
        if _is_object(schema):
            self._define(module, self._model(class_name, schema, module, tags=self.tag_properties.get(name, set())))
        else:
            hint = naming.alias_item_class(class_name, bool(schema.get("oneOf") or schema.get("anyOf")))
            self._define(module, AliasDef(class_name, _description(schema), self._type(schema, hint, module)))

    def _model(self, class_name: str, schema: dict[str, Any], module: str, base: str = "BaseModel",
               tags: set[str] | frozenset[str] = frozenset()) -> ModelDef:
        """A response model. writeOnly properties are left out: a server does not send them. `tags`: properties a
        discriminated union selects this model by, which stay plain Literal fields."""
        required = set(schema.get("required") or [])
        fields = []
        lenient = []
        for wire, prop in (schema.get("properties") or {}).items():
            if self._flag(prop, "writeOnly"):
                continue
            field_type = self._type(prop, naming.property_class(class_name, wire), module)
            if wire not in required:  # responses are lenient: a missing optional field reads as None
                field_type = _optional(field_type)
            fields.append(Field(naming.field_name(wire), wire, field_type, wire in required, _description(prop),
                                _spec_example(prop, self.schemas)))
            if wire not in tags and self._holds_enum(prop):
                lenient.append(fields[-1].name)
        return ModelDef(class_name, _description(schema), tuple(fields), base, lenient_fields=tuple(lenient))

    def _request_side(self, method: dict[str, Any]) -> dict[str, Any]:
        """The method as its request sees it: body parameters whose schema is readOnly left out (the server sets
        them), and each parameter's description followed by what its schema says beside it (deprecated, ...)."""
        params = {wire: {**param, "description": _description(param["schema"], param.get("description", ""))}
                  for wire, param in (method.get("params") or {}).items()
                  if not (param["in"] == "body" and self._flag(param["schema"], "readOnly"))}
        return {**method, "params": params} if "params" in method else method

    def _flag(self, schema: dict[str, Any], key: str) -> bool:
        """readOnly / writeOnly / deprecated, beside a $ref or on the schema it names."""
        return bool(schema.get(key)) or ("$ref" in schema and bool(self._resolve(schema).get(key)))

    def _holds_enum(self, schema: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
        """Whether a value of `schema` may be an enum value, itself or in a list, dict or union; not inside an
        object, whose model checks its own fields."""
        if "$ref" in schema:
            name = schema["$ref"][len(REF_PREFIX):]
            return name not in seen and self._holds_enum(self.schemas[name], seen | {name})
        schema = self._flatten(schema)
        if "enum" in schema or "const" in schema:
            return schema.get("type") != "number"  # a number enum is a plain number type (see _bare_type)
        if _is_object(schema):
            return False
        parts = [*(schema.get("oneOf") or schema.get("anyOf") or ()), schema.get("items"),
                 schema.get("additionalProperties")]
        return any(isinstance(part, dict) and self._holds_enum(part, seen) for part in parts)

    def _flatten(self, schema: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        """allOf merged into one object schema: properties and required lists combined, later members win."""
        if "allOf" not in schema or depth > 50:
            return schema
        merged: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
        properties: dict[str, Any] = {}
        required: list[str] = []
        for member in schema["allOf"]:
            part = self._flatten(self._resolve(member), depth + 1)
            properties.update(part.get("properties") or {})
            required += [r for r in part.get("required") or [] if r not in required]
        properties.update(schema.get("properties") or {})
        required += [r for r in schema.get("required") or [] if r not in required]
        merged.update(type="object", properties=properties, required=required)
        return merged

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.schemas[schema["$ref"][len(REF_PREFIX):]]
        return schema

    def _type(self, schema: dict[str, Any], hint: str, module: str, request: bool = False) -> TypeRef:
        """The annotation for `schema`; inline objects become classes named `hint` in `module`."""
        inner = self._bare_type(schema, hint, module, request)
        return _optional(inner) if schema.get("nullable") else inner

    def _bare_type(self, schema: dict[str, Any], hint: str, module: str, request: bool) -> TypeRef:
        if "$ref" in schema:
            return self._ref_type(schema["$ref"][len(REF_PREFIX):], request)
        if "allOf" in schema:
            schema = self._flatten(schema)
        if "const" in schema and "enum" not in schema:
            schema = {**schema, "enum": [schema["const"]]}
        if "enum" in schema and schema.get("type") != "number":
            values = tuple(schema["enum"])
            literal = ", ".join(py_literal(v) for v in values)
            return TypeRef(Code(f"Literal[{literal}]"), frozenset({("typing", "Literal")}), enum=values)
        variants = schema.get("oneOf") or schema.get("anyOf")
        if variants:
            return self._union(variants, hint, module, request, schema.get("discriminator"))
        kind = schema.get("type")
        if kind == "array":
            item = self._type(schema.get("items") or {}, hint, module, request)
            if request:
                return TypeRef(Code(f"Iterable[{item.annotation}]"), item.imports | {("collections.abc", "Iterable")},
                               model=item.model, enum=item.enum)
            return TypeRef(Code(f"list[{item.annotation}]"), item.imports, model=item.model, enum=item.enum)
        if _is_object(schema):
            return self._inline_object(schema, hint, module, request)
        if kind == "object" or (kind is None and "additionalProperties" in schema):
            extra = schema.get("additionalProperties")
            value = self._type(extra, hint, module, request) if isinstance(extra, dict) else TypeRef(Code("object"))
            return TypeRef(Code(f"dict[str, {value.annotation}]"), value.imports)
        return _primitive(kind, schema.get("format"), request)

    def _ref_type(self, name: str, request: bool) -> TypeRef:
        self._schema_definition(name)
        target = self.schemas[name]
        is_object = _is_object(self._flatten(target))
        if request and (is_object or name in self.param_types or self._reaches_object(target, frozenset({name}))):
            param_name = self._param_definition(name)
            ref = TypeRef(Code(param_name), frozenset({(self._param_module(name), param_name)}), model=param_name)
        else:
            class_name = self.class_names[name]
            ref = TypeRef(Code(class_name), frozenset({(self.module_of[name], class_name)}), model=class_name)
        if not target.get("nullable"):
            return ref
        # An alias of a nullable schema already includes None; a class never does.
        return _optional(ref) if is_object else replace(ref, nullable=True)

    def _param_definition(self, name: str) -> str:
        """The type a request uses for schema `name`, in the schema's `_param` module: for an object the TypedDict
        (PositionInstructionSubmission -> ...Param); for an alias that reaches objects (a union, a list or map of
        them) its request-side twin, the same alias over the TypedDicts (`MessageParam: TypeAlias = UserParam |
        ...`, `Iterable` for lists), with a discriminated union a plain union."""
        if name not in self.param_types:
            # A schema of the document may already have the name (OpenAPI documents define `FooParam` beside
            # `Foo`): then FooRequestParam, then a number, never a class the schemas make.
            taken = self._taken_class_names
            base = self.class_names[name]
            candidates = itertools.chain([base + "Param", base + "RequestParam"],
                                         (f"{base}RequestParam{n}" for n in itertools.count(2)))
            param_name = next(c for c in candidates if c not in taken)
            taken.add(param_name)
            self.param_types[name] = param_name
            module = self._param_module(name)
            schema = self._flatten(self.schemas[name])
            if _is_object(schema):
                self._define(module, self._typed_dict(param_name, schema, module))
            else:  # inline objects inside are named as on the response side, plus Param (MessageOption1Param)
                hint = naming.alias_item_class(self.class_names[name], bool(schema.get("oneOf") or schema.get("anyOf")))
                self._define(module, AliasDef(param_name, _description(schema), self._type(schema, hint, module, True)))
        return self.param_types[name]

    def _param_module(self, name: str) -> str:
        return param_module(self.module_of, name, self.schema_module_set)

    def _reaches_object(self, schema: dict[str, Any], seen: frozenset[str] = frozenset()) -> bool:
        return reaches_object(self.schemas, schema, seen)

    def _typed_dict(self, class_name: str, schema: dict[str, Any], module: str) -> TypedDictDef:
        """A request type. readOnly properties are left out: a client does not send them."""
        required = set(schema.get("required") or [])
        fields = tuple(
            Field(naming.field_name(wire), wire, self._type(prop, naming.property_class(class_name, wire), module, True),
                  wire in required, _description(prop), _spec_example(prop, self.schemas))
            for wire, prop in (schema.get("properties") or {}).items() if not self._flag(prop, "readOnly")
        )
        return TypedDictDef(class_name, _description(schema), fields)

    def _inline_object(self, schema: dict[str, Any], hint: str, module: str, request: bool) -> TypeRef:
        if request:
            name = hint + "Param"
            self._define(module, self._typed_dict(name, schema, module))
        else:
            name = hint
            self._define(module, self._model(name, schema, module))
        return TypeRef(Code(name), frozenset({(module, name)}), model=name)

    def _union(self, variants: list[dict[str, Any]], hint: str, module: str, request: bool,
               discriminator: dict[str, Any] | None = None) -> TypeRef:
        types = [
            self._type(v, naming.variant_class(hint, v.get("title"), i), module, request)
            for i, v in enumerate(variants)
        ]
        # A member that may be null makes the union nullable, with one None at its end (not `str | None | int`).
        nullable = any(t.nullable for t in types)
        annotations = list(dict.fromkeys(Code(t.annotation.removesuffix(" | None")) for t in types))
        if len(annotations) == 1:
            only = replace(types[0], annotation=annotations[0], nullable=False)
            return _optional(only) if nullable else types[0]
        union = TypeRef(Code(" | ".join(annotations)), frozenset().union(*(t.imports for t in types)))
        if nullable:
            return _optional(union)
        if discriminator and not request and len(annotations) == len(types):
            return self._discriminated(variants, types, discriminator, union) or union
        return union

    def _discriminated(self, variants: list[dict[str, Any]], types: list[TypeRef], discriminator: dict[str, Any],
                       union: TypeRef) -> TypeRef | None:
        """A union that responses parse by the value of one property. When every member is a model whose property
        is a required Literal (and no mapping says otherwise), pydantic's own `Field(discriminator=...)`; else a
        callable discriminator over `Tag`ged members, from the mapping, the members' enum values and, for a
        `$ref` member without them, its schema name (as OpenAPI says). None when some member cannot be told apart
        (not a model, no value selects it, or a value the mapping does not settle selects two): then a plain
        union, which pydantic tries member by member."""
        wire = discriminator["propertyName"]
        tags: dict[str, str] = {}  # property value -> member class
        ambiguous: set[str] = set()  # values two members claim
        literal = True
        for variant, type_ref in zip(variants, types):
            target = self._flatten(self._resolve(variant))
            definition = self.by_name.get(str(type_ref.annotation))
            if not isinstance(definition, ModelDef) or not _is_object(target):
                return None
            prop: dict[str, Any] = (target.get("properties") or {}).get(wire) or {}
            resolved = self._resolve(prop)
            values = _enum_values(resolved)
            strings = [v for v in values if isinstance(v, str)]
            field_name = naming.field_name(wire)
            if (not strings or len(strings) != len(values) or wire not in (target.get("required") or [])
                    or prop.get("nullable") or resolved.get("nullable") or field_name in definition.lenient_fields):
                literal = False
            mapped = variant.get("$ref") in (discriminator.get("mapping") or {}).values()
            for value in strings:
                if tags.setdefault(value, definition.name) != definition.name:
                    ambiguous.add(value)
            if not strings and not mapped and "$ref" in variant:
                tags.setdefault(variant["$ref"][len(REF_PREFIX):], definition.name)
        by_ref = {v["$ref"]: t.annotation for v, t in zip(variants, types) if "$ref" in v}
        for value, ref in (discriminator.get("mapping") or {}).items():
            if ref in by_ref:
                literal = literal and tags.get(value) == by_ref[ref]
                tags[value] = by_ref[ref]
        members = [str(t.annotation) for t in types]
        if ambiguous - set(discriminator.get("mapping") or {}):
            return None
        if literal and not ambiguous:
            code = f"Annotated[{union.annotation}, Field(discriminator={py_str(naming.field_name(wire))})]"
            imports = {("typing", "Annotated"), ("pydantic", "Field")}
        elif set(members) <= set(tags.values()):
            tagged = " | ".join(f"Annotated[{m}, Tag({py_str(m)})]" for m in members)
            table = ", ".join(f"{py_str(value)}: {py_str(member)}" for value, member in tags.items())
            code = f"Annotated[{tagged}, discriminated({py_str(wire)}, {{{table}}})]"
            imports = {("typing", "Annotated"), ("pydantic", "Tag"), ("_models", "discriminated")}
        else:
            return None
        return TypeRef(Code(code), union.imports | imports)

    # envelope

    def _envelope(self) -> ModelDef | None:
        if "envelope" not in self.spec:
            return None
        envelope = self.spec["envelope"]
        name = naming.class_name(envelope["name"])
        schema = {"type": "object", "properties": envelope["properties"], "required": envelope.get("required", [])}
        model = self._model(name, schema, "types." + naming.module_name(name))
        model = ModelDef(model.name, envelope.get("description", ""), model.fields)
        self._define("types." + naming.module_name(name), model)
        return model

    # resources

    def _resource(self, name: str, node: dict[str, Any], parents: tuple[str, ...], parent_module: str) -> Resource:
        attr = naming.member_name(name, not parents)
        trail = parents + (attr,)
        module = "resources." + ".".join(trail) + (".__init__" if node.get("resources") else "")
        children = tuple(
            self._resource(n, child, trail, module) for n, child in (node.get("resources") or {}).items()
        )
        class_name = naming.resource_class(name)
        types_module = types_package(parents)
        singular = naming.resource_singular(name, node.get("singular"))
        own = {naming.member_name(method_name) for method_name in node.get("methods") or {}}
        shadowed = tuple(name for name in BUILTIN_TYPES if name in own)
        methods = tuple(
            replace(self._method(method_name, spec, singular, types_module), shadowed=shadowed)
            for method_name, spec in (node.get("methods") or {}).items()
        )
        imports = {("_base_client", "SyncAPIResource"), ("_base_client", "AsyncAPIResource"),
                   ("functools", "cached_property")}
        if children:
            imports.add(("typing", "TYPE_CHECKING"))
        if methods:
            imports |= {("_types", name) for name in ("Headers", "Query", "Timeout", "Omit", "omit")}
            imports |= {("_base_client", "to_raw_response_wrapper"), ("_base_client", "async_to_raw_response_wrapper")}
        for method in methods:
            if method.deprecated:
                imports.add(("warnings", "warn"))
            if method.response_type:
                imports.add((f"{types_module}.{naming.module_name(method.response_type)}", method.response_type))
            if method.result:
                imports |= method.result.imports
            if method.response_format == "binary":
                imports |= {("_response", "BinaryResponse"), ("_response", "AsyncBinaryResponse")}
            if method.response_format == "event_stream":
                imports |= {("_streaming", "Stream"), ("_streaming", "AsyncStream")}
            if "cast(" in method.cast_to(False):
                imports.add(("typing", "cast"))
            if "builtins." in method.return_annotation(False):
                imports.add(("builtins", ""))
            if method.pagination and method.pagination.legacy:
                imports |= {("_base_client", "SyncPage"), ("_base_client", "AsyncPage")}
                imports |= method.pagination.item.imports
            elif method.pagination:
                imports |= {("_pagination", method.pagination.page_class(False)),
                            ("_pagination", method.pagination.page_class(True)), ("_pagination", "Paging as _Paging"),
                            ("_pagination", "request_page as _request_page"),
                            ("_pagination", "async_request_page as _async_request_page")}
                imports |= method.pagination.item.imports
            if any(not p.style for p in method.located("path")):
                imports.add(("_utils", "path_param as _path_param"))
            if any(p.style for p in method.located("path")):
                imports.add(("_utils", "styled_path_param as _styled_path_param"))
            if any(p.comma_separated for p in method.params):
                imports.add(("_utils", "comma_separated as _comma_separated"))
            if method.field_body:
                imports.add(("collections.abc", "Mapping"))
            if method.request_format != "json" and (method.field_body or method.root_body):
                function = {"form": "form_body", "multipart": "multipart_body", "binary": "binary_body",
                            "text": "text_body"}[method.request_format]
                imports.add(("_files", f"{function} as _{function}"))
            if method.located("cookie"):
                imports.add(("_encoding", "cookie_header as _cookie_header"))
            if any(p.style for p in method.located("query")):
                imports.add(("_encoding", "styled as _styled"))
            for param in method.params:
                imports |= param.type.imports
        import_line = _import_lines(parent_module, {(module, class_name)})[0]
        return Resource(attr, class_name, module, node.get("description", ""), methods, children, types_module,
                        _import_lines(module, imports), import_line, trail)

    def _method(self, name: str, spec: dict[str, Any], singular: str, types_module: str) -> Method:
        verb, _, path = spec["http"].partition(" ")
        spec = self._request_side(spec)
        stem = naming.method_type_prefix(singular, name)
        request_format = spec.get("request_format", "json")
        names = naming.param_names(list(spec.get("params") or {}))
        params = [self._param(wire, p, stem, types_module, names[wire], request_format)
                  for wire, p in (spec.get("params") or {}).items()]
        path_params = [p for p in params if p.location == "path"]
        # As in the SDKs users know: the last path parameter is positional, everything else keyword-only.
        positional = tuple(path_params[-1:])
        keyword = tuple(p for p in params if p not in positional)
        keyword = tuple(sorted(keyword, key=lambda p: not p.required))
        # Without a response body there is no Response model, nothing to document and no example to show. In an
        # envelope, a JSON response is the envelope's class {Stem}Response with the data field; without one, the
        # response's own type (an inline object is the class {Stem}Response).
        response_format = spec.get("response_format", "json")
        enveloped = "envelope" in self.spec and response_format == "json" and "response" in spec
        response_type = stem + "Response" if enveloped else ""
        data = self._response_data(spec["response"], response_type, types_module) if response_type else None
        result = None
        if not enveloped and "response" in spec and response_format in ("json", "event_stream"):
            result = self._result(spec["response"], stem + ("Event" if response_format == "event_stream" else
                                                              "Response"), types_module)
        params_type = stem + "Params"
        params_module = f"{types_module}.{naming.module_name(params_type)}"
        fields = tuple(Field(p.name, p.name, p.type, p.required, p.description, p.example) for p in params)
        self._define(params_module, TypedDictDef(params_type, "", fields))
        data_wire = (self.spec.get("envelope") or {}).get("data", "data")
        return Method(
            name=naming.member_name(name),
            summary=spec.get("summary") or naming.words(name)[0].capitalize() + " " + " ".join(naming.words(name)[1:]),
            description=spec.get("description", ""),
            verb=verb,
            path=path,
            path_parts=_path_parts(path, {p.wire_name: p for p in path_params}),
            positional=positional,
            keyword=keyword,
            response_type=response_type,
            params_type=params_type,
            deprecated=bool(spec.get("deprecated")),
            declared=tuple(params),
            returns=((self._doc_field(naming.field_name(data_wire), data, ""),) if data else
                     self._doc_field("", result, "").fields if result else ()),
            response_example=(self._response_example(spec["response"], data_wire) if data else
                              self._example(spec["response"], "response", full=True) if result else None),
            idempotent=bool(spec.get("idempotent")),
            idempotency_header=spec.get("idempotency_header", ""),
            pagination=self._pagination(spec, data, result, response_type),
            request_format=request_format,
            content_type=spec.get("content_type", ""),
            body_values=tuple((spec.get("body_values") or {}).items()),
            security=_security(spec["security"]) if "security" in spec else None,
            base_url=spec.get("base_url", ""),
            response_format=response_format,
            result=result,
            union_alias=result is not None and self._is_union_alias(result),
        )

    def _is_union_alias(self, type_ref: TypeRef) -> bool:
        definition = self.by_name.get(type_ref.model or "")
        return (type_ref.annotation == type_ref.model and isinstance(definition, AliasDef)
                and "|" in definition.type.annotation)

    def _result(self, schema: dict[str, Any], hint: str, types_module: str) -> TypeRef:
        """The type a method without an envelope returns: the response schema's own; an inline object is the class
        `hint` ({Stem}Response), the inline items of a list or map `hint` + Item."""
        module = f"{types_module}.{naming.module_name(hint)}"
        if "$ref" not in schema and not _is_object(self._flatten(schema)):
            hint = naming.alias_item_class(hint, bool(schema.get("oneOf") or schema.get("anyOf")))
        return self._type(schema, hint, module)

    def _response_data(self, schema: dict[str, Any], response_type: str, types_module: str) -> TypeRef:
        """Define `{Stem}Response`, the envelope with one more field that holds the method's data; its type."""
        response_module = f"{types_module}.{naming.module_name(response_type)}"
        data = self._type(schema, response_type + "Data", response_module)
        envelope = self.spec["envelope"]
        data_wire = envelope.get("data", "data")
        data_field = Field(naming.field_name(data_wire), data_wire, data, True, "")
        self._define(response_module, ModelDef(response_type, "", (data_field,), naming.class_name(envelope["name"])))
        return data

    def _response_example(self, schema: dict[str, Any], data_wire: str) -> dict[str, Any]:
        """A whole example envelope: every envelope property, and the data field filled from `schema`."""
        properties = self.spec["envelope"]["properties"]
        example = {name: self._example(prop, name, full=True) for name, prop in properties.items()}
        example[data_wire] = self._example(schema, data_wire, full=True)
        return example

    def _pagination(self, spec: dict[str, Any], data: TypeRef | None, result: TypeRef | None,
                    response_type: str) -> Pagination | None:
        """How the method's pages are read (validate checked the shape). In an envelope, a token style list is
        today's `SyncPage` (the item type: `list[X]` itself, or through the aliases that name it); any other shape
        is a `_pagination` page class whose items are found at `items` (a path of wire names in the body)."""
        if "pagination" not in spec or (data is None and result is None):
            return None
        options = spec["pagination"]
        style = options.get("style", "token")
        data_wire = (self.spec.get("envelope") or {}).get("data", "data")
        listed = data is not None and self._list_item(data) is not None
        if data is not None and style == "token" and listed and options.get("items", data_wire) == data_wire:
            next_token = tuple(options.get("next_token", "metadata.next_page_token").split("."))
            return Pagination(options.get("token_param", PAGE_PARAMS["token_param"]), next_token,
                              self._list_item(data, nullable=False) or TypeRef(Code("object")))
        if data is not None:
            items = _path(options.get("items", data_wire if listed else ""))
            found = self._at(data, items[1:]) if items[:1] == (data_wire,) else None
            cast_to = Code(response_type)
        else:
            assert result is not None
            items = _path(options.get("items", "" if self._list_item(result) is not None else "data"))
            found = self._at(result, items)
            cast_to = Code(result.annotation)
        item = (self._list_item(found) if found is not None else None) or TypeRef(Code("object"))
        args = [cast_to, Code(f"items={_tuple_code(items)}")]
        enveloped = data is not None
        defaults: dict[str, tuple[str, str]] = {  # key: (keyword of Paging, default)
            **{key: ("param", default) for key, default in PAGE_PARAMS.items()},
            "per_page_param": ("size_param", "per_page"),
            "next_token": ("next_path", "metadata.next_page_token" if enveloped else "next_page_token"),
            "next_iterator": ("next_path", "iterator"), "next_url": ("next_path", "next"),
            "has_more": ("has_more", "has_more"), "done": ("done", "done"), "cursor_field": ("cursor_field", "id"),
            "total": ("total", "total"), "total_pages": ("total_pages", ""),
        }
        paths = ("next_path", "has_more", "done", "total", "total_pages")  # keywords whose values are body paths
        for key in PAGINATION_KEYS[style]:
            keyword, default = defaults[key]
            value = str(options.get(key, default))
            if not value:
                continue
            args.append(Code(f"{keyword}={_tuple_code(_path(value)) if keyword in paths else py_str(value)}"))
        param = next((str(options.get(k, PAGE_PARAMS[k])) for k in PAGINATION_KEYS[style] if k in PAGE_PARAMS), "")
        return Pagination(param, (), item, style, False, Code(f"_Paging({', '.join(args)})"))

    def _list_item(self, type_ref: TypeRef, nullable: bool = True) -> TypeRef | None:
        """The item type of a list type, itself or through the aliases that name it (a nullable list too, unless
        not `nullable`: the envelope's token pages have always read `list[X] | None` as a list of objects); None for
        anything else."""
        for _ in range(50):
            annotation = type_ref.annotation.removesuffix(" | None") if nullable else type_ref.annotation
            if annotation.startswith("list[") and annotation.endswith("]"):
                return replace(type_ref, annotation=Code(annotation[5:-1]), nullable=False)
            definition = self.by_name.get(type_ref.model or "")
            if not isinstance(definition, AliasDef):
                return None
            type_ref = definition.type
        return None

    def _at(self, type_ref: TypeRef, path: tuple[str, ...]) -> TypeRef | None:
        """The type at `path` (wire names) inside a model type; None where the path leaves the declared fields."""
        for part in path:
            definition = self.by_name.get(type_ref.model or "")
            for _ in range(50):
                if not isinstance(definition, AliasDef):
                    break
                definition = self.by_name.get(definition.type.model or "")
            if not isinstance(definition, ModelDef):
                return None
            field = next((f for f in definition.fields if f.wire_name == part), None)
            if field is None:
                return None
            type_ref = field.type
        return type_ref

    def _type_doc(self, definition: Definition) -> DocField:
        """A shared type for the types reference: its fields one level deep, each with its enum values."""
        if isinstance(definition, AliasDef):
            return DocField(definition.name, definition.type.display, definition.description, definition.type.enum, ())
        fields = tuple(self._doc_field(f.name, f.type, f.description, depth=3) for f in definition.fields)
        kind = "TypedDict" if isinstance(definition, TypedDictDef) else "class"
        return DocField(definition.name, kind, definition.description, (), fields)

    def _doc_field(self, name: str, type_ref: TypeRef, description: str, depth: int = 1,
                   expanded: set[str] | None = None) -> DocField:
        """A field for the reference docs; the method's data model is expanded into its fields (nested models
        show their type, described in the types reference), so a graph of models stays small."""
        expanded = set() if expanded is None else expanded
        definition = self.by_name.get(type_ref.model or "")
        values = type_ref.enum
        if isinstance(definition, AliasDef):
            values = values or definition.type.enum
        description = description or (definition.description if definition else "")
        children: tuple[DocField, ...] = ()
        if isinstance(definition, (ModelDef, TypedDictDef)) and definition.name not in expanded and depth < 2:
            expanded.add(definition.name)
            children = tuple(self._doc_field(f.name, f.type, f.description, depth + 1, expanded)
                             for f in definition.fields)
        return DocField(name, type_ref.display, description, values, children)

    def _param(self, wire: str, spec: dict[str, Any], stem: str, types_module: str, name: str,
               request_format: str) -> Param:
        location = spec["in"]
        module = f"{types_module}.{naming.module_name(stem + 'Params')}"
        schema = spec["schema"]
        param_type = self._type(schema, stem + "Params" + naming.pascal(wire), module, request=True)
        cli_kind = self._cli_kind(schema)
        file = False
        if location == "body" and spec.get("root") and request_format == "binary":
            param_type, cli_kind = TypeRef(Code("BinaryTypes"), frozenset({("_files", "BinaryTypes")})), "file"
        elif location == "body" and request_format == "multipart" and self._is_file(schema):
            file, cli_kind = True, "file"
            param_type = TypeRef(Code("FileTypes"), frozenset({("_files", "FileTypes")}))
        elif location == "body" and request_format == "multipart" and self._is_file(self._resolve(schema).get("items")):
            file, cli_kind = True, "files"
            param_type = TypeRef(Code("Iterable[FileTypes]"),
                                 frozenset({("_files", "FileTypes"), ("collections.abc", "Iterable")}))
        style = spec.get("style", "")
        if "explode" in spec and not style:
            style = "simple" if location == "path" else "form"
        if not style and location == "query" and _is_object(self._flatten(self._resolve(schema))):
            style = "form"  # an object in a query: each property an entry of its own, as OpenAPI's default says
        return Param(
            name=name,
            wire_name=wire,
            location=location,
            required=location == "path" or bool(spec.get("required")),
            root=bool(spec.get("root")),
            type=param_type,
            description=spec.get("description", ""),
            example=spec["example"] if "example" in spec else self._example(schema, wire),
            cli_kind=cli_kind,
            choices=tuple(v for v in self._resolve(schema).get("enum") or () if isinstance(v, str)),
            comma_separated=spec.get("array_format") == "comma",
            style=style,
            explode=spec.get("explode", style in ("", "form")),
            file=file,
            flag_name="" if name == naming.param_name(wire) else name.rstrip("_"),
            flag_taken=naming.kebab(wire) in self.global_flags,
        )

    def _is_file(self, schema: dict[str, Any] | None) -> bool:
        """`{type: string, format: binary}` (directly or through a $ref): a file to upload."""
        if not isinstance(schema, dict):
            return False
        schema = self._resolve(schema)
        return schema.get("type") == "string" and schema.get("format") == "binary"

    def _cli_kind(self, schema: dict[str, Any]) -> str:
        """How the CLI reads a flag: scalars typed, enums as choices, anything structured as JSON."""
        schema = self._resolve(schema)
        if schema.get("enum") and all(isinstance(v, str) for v in schema["enum"]):
            return "choice"
        variants = schema.get("oneOf") or schema.get("anyOf")
        if variants and all(self._cli_kind(v) in ("str", "choice") for v in variants):
            return "str"  # a string or one of some names (a model id): plain text, not JSON
        return {"string": "str", "integer": "int", "number": "float", "boolean": "bool"}.get(schema.get("type", ""),
                                                                                            "json")

    def _example(self, schema: dict[str, Any], name: str, depth: int = 0, full: bool = False,
                 path: frozenset[str] = frozenset()) -> Any:
        """The spec's example, else a placeholder like the reference docs show: a string shows its own name,
        numbers 0, an enum its first value. Request examples fill only required properties; `full` (responses)
        fills every property of the data model, with null for a nullable one that has no example. A model already
        being filled on this path is not entered again, so examples stay small for any graph of references."""
        if "example" in schema:
            return schema["example"]
        if full and schema.get("nullable") and not _is_object(self._flatten(self._resolve(schema))):
            return None  # a nullable scalar without an example shows null; objects are shown expanded
        if "$ref" in schema:
            target = schema["$ref"][len(REF_PREFIX):]
            if target in path:
                return None
            return self._example(self.schemas[target], name, depth, full, path | {target})
        schema = self._flatten(schema)
        if _enum_values(schema):
            return _enum_values(schema)[0]
        variants = schema.get("oneOf") or schema.get("anyOf")
        if variants:
            return self._example(variants[0], name, depth, full, path)
        if depth > 6:
            return None
        if _is_object(schema):
            required = set(schema.get("required") or [])
            everything = full and depth == 0  # the data model (and the envelope's parts); deeper, required only
            hidden = "writeOnly" if full else "readOnly"  # what the response (full) or the request leaves out
            return {k: self._example(v, k, depth + 1, full, path) for k, v in (schema.get("properties") or {}).items()
                    if (everything or k in required) and not self._flag(v, hidden)}
        if schema.get("type") == "array":
            return [self._example(schema.get("items") or {}, name, depth, full, path)]
        placeholders = {"integer": 0, "number": 0, "boolean": True, "object": {}}
        return FORMAT_EXAMPLES.get(schema.get("format", "")) or placeholders.get(schema.get("type", ""), name)


# --- helpers -----------------------------------------------------------------------------------------------------


def schema_modules(schemas: dict[str, Any]) -> dict[str, str]:
    """Schema name -> its module ('types.position'); schemas that reference each other in a cycle share one module.
    validate.py uses it too, to report a module that would clash with a package."""
    names = set(schemas)
    edges = {name: sorted(set(_refs(schema)) & names) for name, schema in schemas.items()}
    order = {name: index for index, name in enumerate(schemas)}
    module_of: dict[str, str] = {}
    for component in _strongly_connected(list(schemas), edges):
        first = min(component, key=order.__getitem__)
        for name in component:
            module_of[name] = "types." + naming.module_name(naming.class_name(first))
    return module_of


def param_module(module_of: dict[str, str], name: str, modules: Collection[str] | None = None) -> str:
    """The module of a schema's request types: its module + `_param` (schemas in a cycle share it), else
    `_request_param` when a schema of the document already has that module (`FooParam` beside `Foo`). `modules`:
    the set of module_of's values, for a caller that asks for many schemas."""
    module = module_of[name] + "_param"
    return module_of[name] + "_request_param" if module in (module_of.values() if modules is None else modules) \
        else module


def reaches_object(schemas: dict[str, Any], schema: Any, seen: frozenset[str] = frozenset()) -> bool:
    """Whether a value of the alias `schema` may hold an object (a TypedDict on the request side, a model on the
    response side): through unions, list items, map values and other aliases, as _Builder._bare_type reads them.
    Such an alias needs a request-side twin. validate.py uses it too, on a spec it has not accepted yet."""
    if not isinstance(schema, dict):
        return False
    if "$ref" in schema:
        ref = schema["$ref"]
        name = ref[len(REF_PREFIX):] if isinstance(ref, str) and ref.startswith(REF_PREFIX) else None
        if name is None or name in seen or not isinstance(schemas.get(name), dict):
            return False
        return _is_object(schemas[name]) or reaches_object(schemas, schemas[name], seen | {name})
    if "enum" in schema or "const" in schema:
        return False
    variants = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(variants, list) and variants:
        return any(reaches_object(schemas, v, seen) for v in variants)
    if schema.get("type") == "array" and "allOf" not in schema:
        return reaches_object(schemas, schema.get("items"), seen)
    return _is_object(schema) or reaches_object(schemas, schema.get("additionalProperties"), seen)


def types_package(parents: tuple[str, ...]) -> str:
    """The package that holds the Params/Response types of a resource's methods: 'types.' + the parent resources'
    attribute names ('types.v1' for v1.positions; 'types' itself for a top-level resource)."""
    return ".".join(("types",) + parents)


@lru_cache(maxsize=4096)  # an API spells the same few annotations over and over
def _display(annotation: str) -> str:
    """'list[X] | None' -> 'Optional[List[X]]': the typing spelling the reference docs use."""
    parts = _split_top(annotation, "|")
    if len(parts) > 1:
        rest = [_display(p) for p in parts if p != "None"]
        inner = rest[0] if len(rest) == 1 else f"Union[{', '.join(rest)}]"
        return f"Optional[{inner}]" if "None" in parts else inner
    head, _, args = annotation.partition("[")
    if not args:
        return annotation
    head = {"list": "List", "dict": "Dict"}.get(head, head)
    if head == "Literal":
        return annotation
    if head == "Annotated":  # a discriminated union, a tagged member: the docs show the type
        return _display(_split_top(args[:-1], ",")[0])
    return f"{head}[{', '.join(_display(a) for a in _split_top(args[:-1], ','))}]"


def _split_top(text: str, separator: str) -> list[str]:
    """Split on `separator` outside brackets and string literals."""
    parts, depth, quote, current = [], 0, "", ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote and text[index - 1] != "\\" else quote
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(current.strip())
            current = ""
            continue
        current += char
    parts.append(current.strip())
    return parts


def _enum_values(schema: dict[str, Any]) -> list[Any]:
    """The values an enum or a const allows ([] for neither)."""
    if "enum" in schema:
        return list(schema["enum"])
    return [schema["const"]] if "const" in schema else []


def _description(schema: dict[str, Any], text: str | None = None) -> str:
    """A docstring: the description (or `text`), then what the schema says beside it that a reader needs."""
    text = schema.get("description", "") if text is None else text
    notes = []
    if schema.get("deprecated"):
        notes.append("Deprecated.")
    if schema.get("uniqueItems"):
        notes.append("The items are unique.")
    return "\n\n".join(filter(None, [text, " ".join(notes)]))


def _discriminated_unions(node: Any) -> Iterator[dict[str, Any]]:
    """Every schema of the spec that has a discriminator beside oneOf/anyOf."""
    if isinstance(node, dict):
        if isinstance(node.get("discriminator"), dict) and (node.get("oneOf") or node.get("anyOf")):
            yield node
        for value in node.values():
            yield from _discriminated_unions(value)
    elif isinstance(node, list):
        for value in node:
            yield from _discriminated_unions(value)


def _optional(inner: TypeRef) -> TypeRef:
    if inner.nullable:
        return inner
    return replace(inner, annotation=Code(f"{inner.annotation} | None"), nullable=True)


_PRIMITIVES = {
    ("string", "date-time"): ("datetime", ("datetime", "datetime")),
    ("string", "date"): ("date", ("datetime", "date")),
    ("integer", None): ("int", None),
    ("number", None): ("float", None),
    ("boolean", None): ("bool", None),
    ("string", None): ("str", None),
}


def _primitive(kind: str | None, fmt: str | None, request: bool) -> TypeRef:
    found = _PRIMITIVES.get((kind or "", fmt)) or _PRIMITIVES.get((kind or "", None))
    if found is None:
        return TypeRef(Code("object"))
    annotation, module_name = found
    if module_name is None:
        return TypeRef(Code(annotation))
    if request:  # callers may pass the ISO string or the object
        return TypeRef(Code(f"str | {annotation}"), frozenset({module_name}))
    return TypeRef(Code(annotation), frozenset({module_name}))


def _is_object(schema: dict[str, Any]) -> bool:
    return "properties" in schema or "allOf" in schema or (
        schema.get("type") == "object" and "additionalProperties" not in schema
    )


def _refs(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str) and ref.startswith(REF_PREFIX):
            yield ref[len(REF_PREFIX):]
        for value in schema.values():
            yield from _refs(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _refs(value)


def _strongly_connected(nodes: list[str], edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so that long reference chains cannot exhaust the Python stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = edges.get(node, [])
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
    return components


def _order(definitions: list[Definition]) -> list[Definition]:
    """Plain aliases first, then classes, then aliases that mention classes (they are evaluated at import)."""
    classes = {d.name for d in definitions if not isinstance(d, AliasDef)}

    def rank(definition: Definition) -> int:
        if not isinstance(definition, AliasDef):
            return 1
        mentioned = set(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", definition.type.annotation))
        return 2 if mentioned & classes else 0

    return sorted(definitions, key=rank)


def _packages(modules: tuple[Module, ...]) -> tuple[Module, ...]:
    """`types/__init__.py` and each sub-package's: re-export what the modules directly inside define."""
    names: dict[str, set[tuple[str, str]]] = {}
    for module in modules:
        parts = module.name.split(".")
        for depth in range(1, len(parts)):
            names.setdefault(".".join(parts[:depth]), set())
        names[".".join(parts[:-1])] |= {(module.name, d.name) for d in module.definitions}
    inits = []
    for package, needed in sorted(names.items()):
        init = package + ".__init__"
        exports = tuple(sorted((n for _, n in needed), key=all_order))
        lazy = tuple(sorted((n, _relative(init, m)) for m, n in needed))
        inits.append(Module(init, (), _import_lines(init, needed), exports, lazy))
    return tuple(inits)


def _base_import(base: str) -> tuple[str, str]:
    if base == "BaseModel":
        return ("_models", "BaseModel")
    return ("types." + naming.module_name(base), base)


def _import_lines(module: str, needed: set[tuple[str, str]]) -> tuple[Code, ...]:
    """Import statements in isort order (standard library, third party, then relative, blank lines between);
    modules inside the package are imported relatively, so the package can be vendored under any name."""
    by_module: dict[str, set[str]] = {}
    for source, name in needed:
        by_module.setdefault(source, set()).add(name)
    groups = [
        sorted(m for m in by_module if m in STDLIB_MODULES),
        sorted(m for m in by_module if m in THIRD_PARTY_MODULES),
    ]
    local = {_relative(module, m): m for m in by_module if m not in STDLIB_MODULES | THIRD_PARTY_MODULES}
    # Relative imports furthest first ('...x' before '..y' before '.z'), then by name.
    groups.append(sorted(local, key=lambda r: (-(len(r) - len(r.lstrip("."))), r.lstrip("."))))
    lines: list[Code] = []
    for group in filter(None, groups):
        if lines:
            lines.append(Code(""))
        # ("module", "") is `import module`; isort puts those before the `from` imports of their group.
        lines += [Code(f"import {source}") for source in group if "" in by_module[local.get(source, source)]]
        for source in group:
            lines += [Code(f"from {source} import {', '.join(names)}")
                      for names in _import_statements(by_module[local.get(source, source)] - {""})]
    return tuple(lines)


def _import_statements(names: set[str]) -> list[list[str]]:
    """The names imported from one module, grouped as ruff's isort writes them: the plain names on one line, each
    `name as alias` on a line of its own, the lines in the order of their first names."""
    ordered = sorted(names, key=import_order)
    plain = [name for name in ordered if " as " not in name]
    statements = ([plain] if plain else []) + [[name] for name in ordered if " as " in name]
    return sorted(statements, key=lambda members: import_order(members[0]))


def import_order(name: str) -> tuple[int, tuple[str | int, ...], tuple[str | int, ...]]:
    """Names in one import, as ruff's isort wants them: CONSTANTS, Classes, then the rest; case-insensitive, in
    natural order (`Option9` before `Option10`)."""
    base = name.split(" as ")[0]
    return _kind(base), _natural(base.lower()), _natural(base)


def all_order(name: str) -> tuple[int, tuple[str | int, ...]]:
    """`__all__` as ruff (RUF022) wants it: CONSTANTS, Classes, then the rest; case-sensitive, in natural order."""
    return _kind(name), _natural(name)


@cache  # import lines and __all__ lists sort the same names over and over
def _natural(name: str) -> tuple[str | int, ...]:
    """A natural sort key, as ruff's (the `natord` crate) compares names: runs of digits by their value. The key
    alternates text and numbers (text at even positions), so keys compare position by position; in an identifier
    a digit sorts before any other character, as it does in the text comparison a shorter text part stands for."""
    return tuple(int(part) if index % 2 else part for index, part in enumerate(re.split(r"(\d+)", name)))


def _kind(name: str) -> int:
    return 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2


def _relative(from_module: str, to_module: str) -> str:
    """Relative import path from one module of the package to another (both dotted, package-relative)."""
    origin = from_module.split(".")[:-1]
    target = to_module.removesuffix(".__init__").split(".")
    common = 0
    while common < min(len(origin), len(target) - 1) and origin[common] == target[common]:
        common += 1
    return "." * (len(origin) - common + 1) + ".".join(target[common:])


def _path_parts(path: str, params: dict[str, Param]) -> tuple[Code, ...]:
    """'"/v1/accounts/"', '_path_param(account_id)', ...: literal parts escaped, parameters encoded at run time
    (a parameter with a `style`: `_styled_path_param(name, value, style, explode)`, which writes its prefix too)."""
    parts: list[Code] = []
    position = 0
    for match in PLACEHOLDER.finditer(path):
        if match.start() > position:
            parts.append(py_str(path[position:match.start()]))
        wire = match.group(1)
        param = params[wire]
        if param.style:
            parts.append(Code(f"_styled_path_param({py_str(wire)}, {param.name}, {py_str(param.style)}, "
                              f"{param.explode})"))
        else:
            parts.append(Code(f"_path_param({py_str(wire)}, {param.name})"))
        position = match.end()
    if position < len(path):
        parts.append(py_str(path[position:]))
    return tuple(parts) or (Code('""'),)


def _security(spec: list[list[str]]) -> Security:
    return tuple(tuple(alternative) for alternative in spec)


def _security_code(security: Security) -> Code:
    """A tuple of tuples of scheme names, as Python: (("A",), ("B", "C"))."""
    def one(items: tuple[str, ...]) -> str:
        return "(" + ", ".join(py_str(item) for item in items) + ("," if len(items) == 1 else "") + ")"

    return Code("(" + ", ".join(one(a) for a in security) + ("," if len(security) == 1 else "") + ")")


def _spec_example(schema: dict[str, Any], schemas: dict[str, Any], depth: int = 0) -> Any:
    """The spec's example for a schema, following references; None when there is none."""
    if "example" in schema:
        return schema["example"]
    if "$ref" in schema and depth < 20:
        return _spec_example(schemas.get(schema["$ref"][len(REF_PREFIX):], {}), schemas, depth + 1)
    return None
