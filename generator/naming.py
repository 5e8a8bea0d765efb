"""Every derived name is decided here: snake/Pascal/kebab forms, keyword escaping, reserved words, singulars."""

from __future__ import annotations

import itertools
import keyword
import re
import unicodedata
from collections.abc import Collection

# Words written in capitals inside derived Pascal names (instruction_id -> InstructionID).
ACRONYMS = frozenset({"api", "id", "url", "uri", "http", "https", "json", "uuid", "ip", "sdk", "cli"})

# Names that appear in generated annotations: a field or parameter with one of these names would shadow them.
ANNOTATION_NAMES = frozenset({"str", "int", "float", "bool", "object", "list", "dict", "bytes", "datetime", "date"})

# Attributes of pydantic.BaseModel that a model field must not shadow.
MODEL_RESERVED = ANNOTATION_NAMES | frozenset(
    {"copy", "dict", "json", "schema", "schema_json", "construct", "validate", "parse_obj", "parse_raw",
     "parse_file", "from_orm", "update_forward_refs", "model_config", "model_fields", "model_computed_fields",
     "model_extra", "model_fields_set", "model_construct", "model_copy", "model_dump", "model_dump_json",
     "model_json_schema", "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate",
     "model_validate_json", "model_validate_strings", "fields", "register"}
)

# Keyword arguments every generated method already takes. Parameters may shadow builtins and annotation names
# (`date`, `type`, `id`, `filter`, `format`): annotations are read in the enclosing scope, never the method's.
PARAM_RESERVED = frozenset({"self", "extra_headers", "extra_query", "extra_body", "timeout"})

# How symbols that snake_case would drop are spelled when two names differ only by them (StartTime< / StartTime>).
SYMBOL_WORDS = (("<=", "lte"), (">=", "gte"), ("!=", "ne"), ("<", "lt"), (">", "gt"), ("=", "eq"), ("!", "not"),
                ("+", "plus"), ("*", "star"), ("@", "at"), ("$", "dollar"), ("#", "hash"), ("%", "percent"),
                ("&", "and"), ("|", "or"), ("~", "tilde"), ("^", "caret"))
# Separators ('-', '_', '.', '/', ':', brackets, spaces) are not spelled: `a-b` and `a_b` get a numeric suffix.

# Attributes every generated resource class already has, and those the client adds for its top-level resources.
RESOURCE_RESERVED = frozenset({"with_raw_response", "with_streaming_response"})
CLIENT_RESERVED = RESOURCE_RESERVED | {"with_options", "copy", "close", "request", "base_url", "timeout"}

# Flags every generated CLI command already has.
CLI_RESERVED_FLAGS = frozenset({"api-key", "base-url", "format", "debug", "body", "output", "help", "version", "h"})

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+[a-z]*")


def numbered(name: str, taken: Collection[str]) -> str:
    """`name`, or when it is taken the first of `name_2`, `name_3`... that is not."""
    if name not in taken:
        return name
    return next(f"{name}_{n}" for n in itertools.count(2) if f"{name}_{n}" not in taken)


def ascii_fold(text: str) -> str:
    """'Prénom' -> 'Prenom': generated identifiers stay ASCII so they survive every editor and NFKC."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode("ascii")


def words(name: str) -> list[str]:
    """Split any spelling (camelCase, PascalCase, snake_case, kebab-case, 'Title Case') into lower-case words."""
    return [word.lower() for word in _WORD.findall(ascii_fold(name))]


def snake(name: str) -> str:
    return "_".join(words(name))


def kebab(name: str) -> str:
    return "-".join(words(name))


def pascal(name: str) -> str:
    return "".join(word.upper() if word in ACRONYMS else word.capitalize() for word in words(name))


def identifier(name: str, reserved: frozenset[str] = frozenset()) -> str:
    """A snake_case Python identifier for `name`; '' when nothing of it survives (the caller reports that)."""
    result = snake(name)
    if not result:
        return ""
    if result[0].isdigit():
        result = "n_" + result
    if keyword.iskeyword(result) or result in reserved:
        result += "_"
    return result


def class_name(name: str) -> str:
    """A Python class name: spec names already in PascalCase are kept as written (APIError stays APIError)."""
    if name.isascii() and name.isidentifier() and name[0].isupper() and not keyword.iskeyword(name):
        return name
    result = pascal(name)
    if result and result[0].isdigit():
        result = "N" + result
    return result


def module_name(class_or_name: str) -> str:
    """File-system and import name for a class: PositionInstruction -> position_instruction."""
    return identifier(class_or_name)


def constant_name(name: str) -> str:
    return snake(name).upper()


def singular(word: str) -> str:
    """positions -> position, entries -> entry, addresses -> address; anything unrecognised is kept."""
    for suffix, replacement in (("ies", "y"), ("sses", "ss"), ("xes", "x"), ("ches", "ch"), ("shes", "sh")):
        if word.endswith(suffix) and len(word) > len(suffix):
            return word[: -len(suffix)] + replacement
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 1:
        return word[:-1]
    return word


# Names shared by validate (collision checks) and ir (building): one rule per kind of name.


def field_name(wire_name: str) -> str:
    return identifier(wire_name, MODEL_RESERVED)


def param_name(wire_name: str) -> str:
    return identifier(wire_name, PARAM_RESERVED)


def param_names(wire_names: list[str]) -> dict[str, str]:
    """The Python names of one method's parameters, all distinct: each is `param_name` of its wire name, except
    where two or more collide. Those spell out the symbols snake_case drops (`StartTime<` and `StartTime>` ->
    `start_time_lt`, `start_time_gt`); names still taken get `_2`, `_3`... in spec order (`a-b`, `a_b` -> `a_b`,
    `a_b_2`). Empty names stay empty (validate reports them)."""
    plain = {wire: param_name(wire) for wire in wire_names}
    counts: dict[str, int] = {}
    for name in plain.values():
        counts[name] = counts.get(name, 0) + 1
    result: dict[str, str] = {}
    taken: set[str] = {name for name in plain.values() if name and counts[name] == 1}
    for wire in wire_names:
        name = plain[wire]
        if not name or counts[name] == 1:
            result[wire] = name
            continue
        spelled = param_name(_spell_symbols(wire))
        candidate = spelled if spelled and spelled not in taken else numbered(name, taken)
        taken.add(candidate)
        result[wire] = candidate
    return result


def _spell_symbols(wire_name: str) -> str:
    text = wire_name
    for symbol, word in SYMBOL_WORDS:
        text = text.replace(symbol, f" {word} ")
    return text


def member_name(name: str, top_level: bool = False) -> str:
    """Attribute name of a resource or method on its parent resource, or of a resource on the client."""
    return identifier(name, CLIENT_RESERVED if top_level else RESOURCE_RESERVED)


def cli_flag(wire_name: str, taken: bool = False) -> str:
    """--account-id; a parameter named like a global flag (--format, or one the API's credentials and server
    variables add: `taken`) becomes --format-param."""
    flag = kebab(wire_name)
    return f"--{flag}-param" if taken or flag in CLI_RESERVED_FLAGS else f"--{flag}"


def cli_global_flag(name: str, suffix: str) -> str:
    """The CLI option of a client argument (a credential, a server variable): --region; one named like a flag every
    command has (--format) becomes --format-SUFFIX. --api-key is the API key's own."""
    flag = kebab(name)
    return f"--{flag}-{suffix}" if flag in CLI_RESERVED_FLAGS - {"api-key"} else f"--{flag}"


def resource_singular(name: str, override: str | None) -> str:
    return override or singular(snake(name))


def resource_class(name: str) -> str:
    """PositionsResource; a resource named '2fa' gives N2faResource, as class names never start with a digit."""
    result = pascal(name)
    return ("N" + result if result[:1].isdigit() else result) + "Resource"


def property_class(owner: str, wire_name: str) -> str:
    """The class of an inline object in property `wire_name` of class `owner`: Order.item -> OrderItem."""
    return owner + pascal(wire_name)


def variant_class(hint: str, title: str | None, index: int) -> str:
    """The class of an inline object in a oneOf/anyOf: its title, else its position (PaymentOption2)."""
    return hint + pascal(title or f"option {index + 1}")


def alias_item_class(alias_class: str, is_union: bool) -> str:
    """Where the inline objects inside a type alias are named from: a union's variants from the alias's name,
    the items of a list or map alias from 'ThingsItem' (not the alias's own name)."""
    return alias_class if is_union else alias_class + "Item"


def method_type_prefix(singular_name: str, method: str) -> str:
    """PositionCancelPositionInstruction, the stem of ...Response and ...Params (N2faGet for resource '2fa')."""
    result = pascal(singular_name) + pascal(method)
    return "N" + result if result[:1].isdigit() else result
