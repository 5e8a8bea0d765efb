"""Comparing two type annotations of the SDK surface by what values they hold, not by how they are spelled.

An annotation (`list[Position] | None`, `Literal["a", "b"]`, `Iterable[OrderParam]`) is parsed into a tree. Named
types (the spec's schemas) stay names: their own changes are reported once, where they are defined. Inline types
(`OrderShipping`, `{Stem}Response`, `MessageOption1`) are expanded into their fields, so renaming one through its
parent, moving a field's schema into a `$ref`'d schema of the same shape, or reordering the members of a `oneOf`
changes nothing. Where the names differ, a named type is expanded too and compared by shape.

Which way is compatible depends on who sends the value: a request type may widen (accept more: `str` ->
`str | int`, a new enum value, None), a response type may narrow (return less); an enum value added to a response
is compatible too, since the runtime accepts unknown values (lenient enums).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Parsed annotations: ("name", n) | ("literal", values) | ("generic", n, args) | ("union", members) | ("none",)
Tree = tuple[Any, ...]
# Sequence generics the request and response sides spell differently.
_SEQUENCES = {"list", "List", "Iterable", "Sequence", "tuple"}
_DICTS = {"dict", "Dict", "Mapping"}


@dataclass(frozen=True)
class Finding:
    """One difference inside a type: a rule (diff.RULES), the path under the compared value (`.data.id`, `[]`)."""

    rule: str
    where: str
    message: str
    location: str = ""


@lru_cache(maxsize=65536)
def parse(annotation: str) -> Tree:
    """The annotation as a tree; anything Python cannot parse is one opaque name."""
    try:
        node = ast.parse(annotation, mode="eval").body
    except SyntaxError:
        return ("name", annotation)
    return _tree(node)


def _tree(node: ast.expr) -> Tree:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union([_tree(node.left), _tree(node.right)])
    if isinstance(node, ast.Constant) and node.value is None:
        return ("none",)
    if isinstance(node, ast.Constant):
        return ("name", repr(node.value))
    if isinstance(node, (ast.Name, ast.Attribute)):
        return ("name", ast.unparse(node).removeprefix("builtins."))
    if isinstance(node, ast.Subscript):
        base = ast.unparse(node.value).removeprefix("builtins.")
        args = list(node.slice.elts) if isinstance(node.slice, ast.Tuple) else [node.slice]
        if base == "Literal":
            return ("literal", frozenset(_literal(a) for a in args))
        if base == "Annotated":
            return _tree(args[0])
        if base == "Optional":
            return _union([_tree(args[0]), ("none",)])
        if base == "Union":
            return _union([_tree(a) for a in args])
        if base in _SEQUENCES:
            base = "list"
        if base in _DICTS:
            base = "dict"
        return ("generic", base, tuple(_tree(a) for a in args))
    return ("name", ast.unparse(node))


def _literal(node: ast.expr) -> Any:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


def _union(members: list[Tree]) -> Tree:
    flat: list[Tree] = []
    for member in members:
        for part in member[1] if member[0] == "union" else (member,):
            if part not in flat:
                flat.append(part)
    literals = [m for m in flat if m[0] == "literal"]
    if len(literals) > 1:  # Literal["a"] | Literal["b"] is Literal["a", "b"]
        flat = [m for m in flat if m[0] != "literal"] + [("literal", frozenset().union(*(m[1] for m in literals)))]
    return flat[0] if len(flat) == 1 else ("union", tuple(flat))


def names(tree: Tree) -> list[str]:
    """The names an annotation refers to (classes, aliases, builtins)."""
    if tree[0] == "name":
        return [str(tree[1])]
    if tree[0] == "union":
        return [n for m in tree[1] for n in names(m)]
    if tree[0] == "generic":
        return [n for a in tree[2] for n in names(a)]
    return []


def members(tree: Tree) -> tuple[Tree, ...]:
    return tree[1] if tree[0] == "union" else (tree,)


def split_none(tree: Tree) -> tuple[Tree, bool]:
    """The tree without None, and whether it had it."""
    parts = members(tree)
    rest = [m for m in parts if m != ("none",)]
    if len(rest) == len(parts):
        return tree, False
    if not rest:
        return ("none",), True
    return (rest[0] if len(rest) == 1 else ("union", tuple(rest))), True


def show(tree: Tree) -> str:
    kind = tree[0]
    if kind == "none":
        return "None"
    if kind == "name":
        return str(tree[1])
    if kind == "literal":
        return "Literal[" + ", ".join(sorted(repr(v) for v in tree[1])) + "]"
    if kind == "union":
        return " | ".join(show(m) for m in tree[1])
    return f"{tree[1]}[{', '.join(show(a) for a in tree[2])}]"


# Builtin values a wider builtin type also accepts (a type checker's promotions).
_WIDER = {"int": {"float", "object"}, "bool": {"int", "float", "object"}, "float": {"object"}, "str": {"object"},
          "date": {"object"}, "datetime": {"object"}}


class Types:
    """Comparisons of annotations within two surfaces (their `types` tables)."""

    def __init__(self, old: dict[str, Any], new: dict[str, Any]) -> None:
        self.old, self.new = old, new
        self._shapes: dict[tuple[int, Tree, int], Any] = {}
        self._accepted: dict[tuple[int, Tree, int, Tree], bool] = {}

    # shapes --------------------------------------------------------------------------------------------------

    def shape(self, tree: Tree, table: dict[str, Any], named_levels: int) -> Any:
        """A hashable canonical form: inline types expanded into their fields, named ones `named_levels` deep (then
        they stay names, which also ends every cycle), union members in no order, request and response spellings
        of sequences alike."""
        key = (id(table), tree, named_levels)
        found = self._shapes.get(key)
        if found is None:
            found = self._shapes[key] = self._shape(tree, table, named_levels)
        return found

    def _shape(self, tree: Tree, table: dict[str, Any], levels: int) -> Any:
        kind = tree[0]
        if kind == "name":
            entry = table.get(tree[1])
            if entry is None or (entry["named"] and levels <= 0):
                return ("ref", tree[1]) if entry is not None else tree
            inner = levels - 1 if entry["named"] else levels
            if entry["kind"] == "alias":
                return self.shape(parse(entry["type"]), table, inner)
            fields = frozenset((f["wire_name"], f["name"], f["required"], self.shape(parse(f["type"]), table, inner))
                               for f in self.fields(entry, table))
            base = table.get(entry.get("base") or "")
            return ("object", fields, entry.get("base") if base and base["named"] else None)
        if kind == "union":
            return ("union", frozenset(self.shape(m, table, levels) for m in tree[1]))
        if kind == "generic":
            return ("generic", tree[1], tuple(self.shape(a, table, levels) for a in tree[2]))
        return tree

    @staticmethod
    def fields(entry: dict[str, Any], table: dict[str, Any]) -> list[dict[str, Any]]:
        """A model's fields with those of its base, unless the base is a named type (the envelope of a
        `{Stem}Response`), whose changes are its own."""
        base = table.get(entry.get("base") or "")
        inherited = [f for f in base.get("fields", ())] if base and not base["named"] else []
        own = {f["wire_name"] for f in entry.get("fields", ())}
        return [f for f in inherited if f["wire_name"] not in own] + list(entry.get("fields", ()))

    def same(self, old: Tree, new: Tree) -> bool:
        """Whether two types hold the same values: by name for the named ones, else by shape one level into them."""
        if self.shape(old, self.old, 0) == self.shape(new, self.new, 0):
            return True
        return bool(self.shape(old, self.old, 1) == self.shape(new, self.new, 1))

    # compatibility ---------------------------------------------------------------------------------------------

    def accepts(self, wide: Tree, wide_table: dict[str, Any], narrow: Tree, narrow_table: dict[str, Any],
                depth: int = 0) -> bool:
        """Whether every value of `narrow` is a value of `wide` (by shape, a few levels deep; a pair already being
        checked further up is taken to hold, which ends cycles)."""
        key = (id(wide_table), wide, id(narrow_table), narrow)
        if depth > 8 or key in self._accepted:
            return self._accepted.get(key, True)
        self._accepted[key] = True
        self._accepted[key] = result = self._accepts(wide, wide_table, narrow, narrow_table, depth)
        return result

    def _accepts(self, wide: Tree, wide_table: dict[str, Any], narrow: Tree, narrow_table: dict[str, Any],
                 depth: int) -> bool:
        if narrow[0] == "union":
            return all(self.accepts(wide, wide_table, m, narrow_table, depth + 1) for m in narrow[1])
        if wide[0] == "union":
            return any(self.accepts(m, wide_table, narrow, narrow_table, depth + 1) for m in wide[1])
        wide, narrow = self._resolve(wide, wide_table), self._resolve(narrow, narrow_table)
        if wide[0] == "union" or narrow[0] == "union":
            return self.accepts(wide, wide_table, narrow, narrow_table, depth + 1)
        if wide == ("name", "object") or wide == ("name", "Any"):
            return True
        if wide[0] == "literal" and narrow[0] == "literal":
            return bool(narrow[1] <= wide[1])
        if narrow[0] == "literal":
            kinds = {type(v).__name__ for v in narrow[1]}
            return wide[0] == "name" and all(k == wide[1] or wide[1] in _WIDER.get(k, ()) for k in kinds)
        if wide[0] == "generic" and narrow[0] == "generic":
            return wide[1] == narrow[1] and len(wide[2]) == len(narrow[2]) and all(
                self.accepts(w, wide_table, n, narrow_table, depth + 1) for w, n in zip(wide[2], narrow[2]))
        if wide[0] == "object" and narrow[0] == "object":
            return self._object_accepts(wide[1], wide_table, narrow[1], narrow_table, depth)
        if wide[0] == "name" and narrow[0] == "name":
            return wide[1] == narrow[1] or wide[1] in _WIDER.get(str(narrow[1]), ())
        return bool(wide == narrow)

    def _resolve(self, tree: Tree, table: dict[str, Any]) -> Tree:
        """A name of the table as what it holds: an alias's type, a model's fields (as ("object", entries))."""
        for _ in range(20):
            if tree[0] != "name" or tree[1] not in table:
                return tree
            entry = table[tree[1]]
            if entry["kind"] != "alias":
                return ("object", tuple(self.fields(entry, table)))
            tree = parse(entry["type"])
        return tree

    def _object_accepts(self, wide: tuple[dict[str, Any], ...], wide_table: dict[str, Any],
                        narrow: tuple[dict[str, Any], ...], narrow_table: dict[str, Any], depth: int) -> bool:
        wide_fields = {f["wire_name"]: f for f in wide}
        narrow_fields = {f["wire_name"]: f for f in narrow}
        if any(f["required"] and name not in narrow_fields for name, f in wide_fields.items()):
            return False
        for name, field in narrow_fields.items():
            other = wide_fields.get(name)
            if other is None:
                continue  # an extra key: models ignore it, a TypedDict type checker would flag it (structural)
            if other["required"] and not field["required"]:
                return False
            if not self.accepts(parse(other["type"]), wide_table, parse(field["type"]), narrow_table, depth + 1):
                return False
        return True

    # changes ---------------------------------------------------------------------------------------------------

    def compare(self, old: str, new: str, side: str, where: str = "") -> list[Finding]:
        """The changes from annotation `old` to `new` of a value sent (side 'request') or received ('response')."""
        return self._compare(parse(old), parse(new), side, where, 0)

    def _compare(self, old: Tree, new: Tree, side: str, where: str, depth: int) -> list[Finding]:
        if depth > 12 or self.same(old, new):
            return []
        if ("none",) in (old, new):  # a method without a response body, or one that has one now
            return [self._retyped(old, new, side, where)]
        old_core, old_none = split_none(old)
        new_core, new_none = split_none(new)
        found: list[Finding] = []
        if old_none != new_none:
            found.append(self._nullability(old_none, new_none, side, where, old, new))
            if self.same(old_core, new_core):
                return found
        found += self._core(old_core, new_core, side, where, depth)
        return found

    def _nullability(self, old_none: bool, new_none: bool, side: str, where: str, old: Tree, new: Tree) -> Finding:
        text = f"{show(old)} -> {show(new)}"
        if side == "request":
            return Finding("type-widened" if new_none else "type-narrowed", where,
                           ("now accepts None: " if new_none else "no longer accepts None: ") + text)
        return Finding("response-became-nullable" if new_none else "response-not-nullable", where,
                       ("may now be None: " if new_none else "is never None now: ") + text)

    def _core(self, old: Tree, new: Tree, side: str, where: str, depth: int) -> list[Finding]:
        old_r, new_r = self._resolve_inline(old, self.old), self._resolve_inline(new, self.new)
        if old_r[0] == "literal" and new_r[0] == "literal":
            return self._enum(old_r[1], new_r[1], side, where)
        if old_r[0] == "object" and new_r[0] == "object":
            return self.fields_changes(old_r[1], new_r[1], side, where, depth + 1)
        if (old_r[0] == "generic" and new_r[0] == "generic" and old_r[1] == new_r[1]
                and len(old_r[2]) == len(new_r[2])):
            suffix = "{}" if old_r[1] == "dict" else "[]"  # a list's, a stream's or a page's items
            found: list[Finding] = []
            for old_arg, new_arg in zip(old_r[2], new_r[2]):
                found += self._compare(old_arg, new_arg, side, where + suffix, depth + 1)
            return found
        return [self._retyped(old, new, side, where)]

    def _resolve_inline(self, tree: Tree, table: dict[str, Any]) -> Tree:
        """An inline type as its shape (a named one only as what an alias holds: a model keeps its name)."""
        for _ in range(20):
            if tree[0] != "name" or tree[1] not in table:
                return tree
            entry = table[tree[1]]
            if entry["kind"] != "alias":
                return tree if entry["named"] else ("object", tuple(self.fields(entry, table)))
            tree = parse(entry["type"])
        return tree

    def _retyped(self, old: Tree, new: Tree, side: str, where: str) -> Finding:
        text = f"{show(old)} -> {show(new)}"
        if side == "request":
            if self.accepts(new, self.new, old, self.old):
                return Finding("type-widened", where, f"accepts more: {text}")
            return Finding("type-changed", where, f"type changed incompatibly: {text}")
        if self.accepts(old, self.old, new, self.new):
            return Finding("response-type-narrowed", where, f"returns less: {text}")
        return Finding("response-type-changed", where, f"type changed incompatibly: {text}")

    @staticmethod
    def _enum(old: frozenset[Any], new: frozenset[Any], side: str, where: str) -> list[Finding]:
        found = []
        removed, added = sorted(map(repr, old - new)), sorted(map(repr, new - old))
        if removed:
            rule = "enum-value-removed" if side == "request" else "response-enum-value-removed"
            found.append(Finding(rule, where, f"enum value{'s' if len(removed) > 1 else ''} removed: "
                                 + ", ".join(removed)))
        if added:
            rule = "enum-value-added" if side == "request" else "response-enum-value-added"
            found.append(Finding(rule, where, f"enum value{'s' if len(added) > 1 else ''} added: " + ", ".join(added)))
        return found

    def fields_changes(self, old: tuple[dict[str, Any], ...], new: tuple[dict[str, Any], ...], side: str,
                       where: str, depth: int = 0) -> list[Finding]:
        """Field by field (by wire name): removed, added, renamed in Python, made required or optional, retyped."""
        old_fields = {f["wire_name"]: f for f in old}
        new_fields = {f["wire_name"]: f for f in new}
        found: list[Finding] = []
        request = side == "request"
        for wire, field in old_fields.items():
            if wire not in new_fields:
                found.append(Finding("field-removed" if request else "response-field-removed",
                                     f"{where}.{field['name']}", "field removed", field.get("location", "")))
        for wire, field in new_fields.items():
            at = f"{where}.{field['name']}"
            location = field.get("location", "")
            before = old_fields.get(wire)
            if before is None:
                if request:
                    rule = "required-field-added" if field["required"] else "field-added"
                    found.append(Finding(rule, at, ("required " if field["required"] else "optional ") + "field added",
                                         location))
                else:
                    found.append(Finding("response-field-added", at, "field added", location))
                continue
            if before["name"] != field["name"]:
                found.append(Finding("field-renamed", at, f"Python name changed: {before['name']} -> {field['name']}",
                                     location))
            old_type, new_type = parse(before["type"]), parse(field["type"])
            if before["required"] != field["required"]:
                found.append(self._required(before["required"], field["required"], request, at, location))
                if not request:  # an optional response field is `X | None`: the None says the same again
                    old_type, new_type = split_none(old_type)[0], split_none(new_type)[0]
            for finding in self._compare(old_type, new_type, side, at, depth + 1):
                found.append(finding if finding.location else Finding(finding.rule, finding.where, finding.message,
                                                                      location))
            if before.get("description", "") != field.get("description", ""):
                found.append(Finding("description-changed", at, "description changed", location))
        return found

    @staticmethod
    def _required(was: bool, now: bool, request: bool, at: str, location: str) -> Finding:
        if request:
            return Finding("field-required" if now else "field-optional", at,
                           "field is now required" if now else "field is now optional", location)
        return Finding("response-field-required" if now else "response-field-optional", at,
                       "field is now always present" if now else "field may now be missing (None)", location)
