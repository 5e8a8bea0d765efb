"""Derived resources and method names (the overrides file's `naming: derived`, the default).

The rules, with examples, are in spec/README.md ("Resources and method names of an imported document"):

- Resources follow the path's static segments (`/chat/completions/{id}/messages` -> `chat.completions.messages`;
  version prefixes stay, `/v1/x` -> `v1.x`). Segments that are not names (`{id}`, `2.0`, `200`) are skipped; a
  path without a single name takes its first tag (else `root`).
- A last static segment is an *action*, a method on its parent, rather than a sub-resource, when nothing else lies
  below it, all its operations use one HTTP verb, and either the operationId starts with the segment's first word
  (`cancelRun` on `.../runs/{run_id}/cancel`) or the segment does not end in a plural word and follows a path
  parameter or a path that has operations of its own (`/files/{file_id}/content`, `/responses/compact`).
- Method names: CRUD shapes get CRUD names (`list`, `create`, `retrieve`, `update`, `delete`); an action is named
  after its segment; anything else is its operationId with the resource's words removed (`usage-costs` under
  `organization.costs` -> `usage`). An operationId that starts with another verb than the CRUD slot's
  (`cancelEvalRun` on `POST /evals/{eval_id}/runs/{run_id}`) keeps that verb instead of the CRUD name.
- Collisions in one resource: the operation whose own words say nothing more than the name keeps it (of several, the
  one with the shortest operationId, if only one is shortest); every other one falls back, in order, to its
  operationId without the resource's words, the operationId in snake_case, the HTTP verb and path
  (`get_status_200`), and last a numeric suffix (the only fallback that warns).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .. import naming

VERSION = re.compile(r"^v[0-9]+([.][0-9]+)?((alpha|beta)[0-9]*)?$")

# CRUD slots: (shape, HTTP verb) -> name; each with the operationId verbs that mean it.
CRUD = {("collection", "get"): "list", ("collection", "post"): "create", ("item", "get"): "retrieve",
        ("item", "put"): "update", ("item", "patch"): "update", ("item", "post"): "update",
        ("item", "delete"): "delete", ("singleton", "get"): "retrieve", ("singleton", "post"): "create"}
SYNONYMS = {
    "list": frozenset({"list", "get", "find", "fetch", "all", "query", "index", "browse", "read"}),
    "create": frozenset({"create", "add", "new", "post", "insert", "make", "upload"}),
    "retrieve": frozenset({"retrieve", "get", "read", "fetch", "find", "show", "describe", "lookup", "load", "view"}),
    "update": frozenset({"update", "modify", "patch", "put", "edit", "set", "change", "replace", "save", "upsert"}),
    "delete": frozenset({"delete", "remove", "destroy", "del", "erase", "purge", "drop"}),
}
# Words that only join others: dropped at the ends of a name and inside run-together operationIds.
# An operationId with a word this long has its words run together (`Getorganizationspendlimit`).
RUN_TOGETHER = 15
FILLERS = frozenset({"a", "an", "the", "and", "or", "to", "by", "for", "of", "in", "on", "at", "with", "from", "into"})


def base_route(route: str) -> str:
    """The path without a query string or fragment (`/responses?beta=true` -> `/responses`)."""
    return re.split(r"[?#]", route, maxsplit=1)[0]


def _is_name(segment: str) -> bool:
    """A segment that can name a resource: not a parameter, and starting with a letter once in snake_case."""
    return not segment.startswith("{") and naming.snake(segment)[:1].isalpha()


def _shape(route: str) -> tuple[str, ...]:
    return tuple(s if _is_name(s) else "{}" for s in base_route(route).split("/") if s)


def _plural(segment: str) -> bool:
    last = (naming.words(segment) or [""])[-1]
    return naming.singular(last) != last


@dataclass
class Plan:
    """One operation's place: its resource trail, its name candidates (best first) and whether it may keep the
    first one in a collision."""
    trail: list[str]
    candidates: list[str]
    exact: bool = False
    operation_id: str = ""
    fixed: bool = False  # a `name:` override
    name: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class Layout:
    """The document's paths, to tell sub-resources from actions."""

    def __init__(self, operations: Iterable[tuple[str, str, str]]) -> None:
        self.ops: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        self.below: set[tuple[str, ...]] = set()
        for route, verb, operation_id in operations:
            shape = _shape(route)
            self.ops.setdefault(shape, []).append((verb, operation_id))
            self.below.update(shape[:end] for end in range(len(shape)))

    def trail(self, route: str, tag: str | None) -> tuple[list[str], str, str]:
        """(resource trail, shape, action name) of one operation's path. The shape is `item` (the path ends in a
        parameter), `collection` (a plural word), `singleton` (another word: `/v1/clock`), or `action`."""
        shape = _shape(route)
        names = [i for i, s in enumerate(shape) if s != "{}"]
        segments = [s for s in base_route(route).split("/") if s]
        if not names:
            return [naming.snake(tag) if tag and naming.snake(tag) else "root"], "item" if shape else "collection", ""
        trail = [naming.snake(segments[i]) for i in names]
        if names[-1] != len(shape) - 1:
            return trail, "item", ""
        if self._is_action(shape, segments[-1], trail):
            return trail[:-1], "action", trail[-1]
        return trail, "collection" if _plural(segments[-1]) else "singleton", ""

    def _is_action(self, shape: tuple[str, ...], segment: str, trail: list[str]) -> bool:
        if len(trail) < 2 or all(VERSION.match(part) for part in trail[:-1]) or shape in self.below:
            return False
        ops = self.ops.get(shape, [])
        if len({verb for verb, _ in ops}) != 1:
            return False
        first = naming.words(segment)[:1]
        if any(operation_id and naming.words(operation_id)[:1] == first for _, operation_id in ops):
            return True
        if _plural(segment):
            return False
        parent = shape[:-1]
        return parent[-1] == "{}" or parent in self.ops


def _resource_words(trail: list[str]) -> frozenset[str]:
    found: set[str] = set()
    for part in trail:
        words = naming.words(part)
        for word in [*words, "".join(words)]:
            found |= {word, naming.singular(word)}
    return frozenset(w for w in found if w)


def _segmentable(text: str, vocabulary: frozenset[str], cache: dict[str, bool]) -> bool:
    """Whether `text` is nothing but words of `vocabulary` run together (`organizationspendlimit`)."""
    if not text:
        return True
    if text not in cache:
        cache[text] = any(text.startswith(w) and _segmentable(text[len(w):], vocabulary, cache) for w in vocabulary)
    return cache[text]


def _run_together(text: str, vocabulary: frozenset[str]) -> list[str]:
    """A verb, words of `vocabulary`, and maybe one more word, run together (`getinputtokencounts` with input,
    token -> [get, counts]): the split that leaves the fewest letters unknown (then the shortest verb); the whole
    text when there is none."""
    cache: dict[str, bool] = {}
    fillers: dict[str, bool] = {}
    best: tuple[int, int, list[str]] = (len(text), len(text), [text])
    for end in range(2, len(text)):
        for start in range(len(text), end, -1):
            unknown = end + len(text) - start
            middle = text[end:start]
            if unknown < best[0] and _segmentable(middle, vocabulary, cache) \
                    and not _segmentable(middle, FILLERS, fillers):
                best = (unknown, end, [text[:end], *([text[start:]] if start < len(text) else [])])
    return best[2]


def leftover(operation_id: str, trail: list[str]) -> list[str]:
    """The operationId's words without the resource's (and version prefixes, and the joining words that joined
    them: `listFilesInVectorStoreBatch` under vector_stores.file_batches.files -> [list], but `AllOf` keeps its
    `of`): `getChatCompletionMessages` under chat.completions.messages -> [get]; `Getorganizationspendlimit` under
    organization.spend_limit -> [get]."""
    words = naming.words(operation_id)
    if not words:
        return []
    own = _resource_words(trail) | {w for w in words if VERSION.match(w)}
    marked: list[str | None] = []  # the words in order, None for each removed run of the resource's words
    for part in re.split(r"[-_. ]+", operation_id):  # each run-together part on its own (`beta_Getx`)
        words = naming.words(part)
        if words and max(len(w) for w in words) >= RUN_TOGETHER:
            marked += [w if naming.singular(w) not in own else None
                       for w in _run_together("".join(words), own | FILLERS)]
            continue
        index = 0
        while index < len(words):
            for size in (3, 2, 1):  # `fine`, `tuning` -> `finetuning`, one of fine_tuning's words
                run = "".join(words[index:index + size])
                if index + size <= len(words) and (run in own or naming.singular(run) in own):
                    marked.append(None)
                    index += size
                    break
            else:
                marked.append(words[index])
                index += 1
    kept = [(i, w) for i, w in enumerate(marked) if w is not None]
    while kept and kept[0][1] in FILLERS and kept[0][0] > 0 and marked[kept[0][0] - 1] is None:
        kept.pop(0)
    while kept and kept[-1][1] in FILLERS and kept[-1][0] + 1 < len(marked) and marked[kept[-1][0] + 1] is None:
        kept.pop()
    return [w for _, w in kept]


def plan(trail: list[str], shape: str, action: str, verb: str, operation_id: str, derived: str) -> Plan:
    """The name candidates of one operation in resource `trail`."""
    left = leftover(operation_id, trail)
    left_name = "_".join(left)
    joined = "".join(naming.words(operation_id))
    slot = CRUD.get((shape, verb))
    if slot and any(word in SYNONYMS[slot] for word in left):  # beta_getResponse: beta_retrieve, as beta_create
        index = next(i for i, word in enumerate(left) if word in SYNONYMS[slot])
        left_name = "_".join([*left[:index], slot, *left[index + 1:]])
    if shape == "action":
        primary, exact = action, not joined or joined.startswith(action.replace("_", ""))
    elif slot and not (left and joined.startswith(left[0]) and left[0] not in SYNONYMS[slot]):
        primary, exact = slot, not left or left_name == slot or (len(left) == 1 and left[0] in SYNONYMS[slot])
    else:
        primary, exact = left_name or verb, True
    candidates = [primary, left_name, naming.snake(operation_id), derived]
    unique = [c for i, c in enumerate(candidates) if c and c not in candidates[:i]]
    return Plan(list(trail), unique, exact, operation_id)


def resolve(plans: list[Plan], children: set[str]) -> list[tuple[Plan, str, str]]:
    """Give every plan of one resource its name (in place); returns (plan, wanted, given) for each name that only a
    numeric suffix could make unique."""
    taken = set(children)
    renamed: list[tuple[Plan, str, str]] = []
    for item in plans:
        if item.fixed:
            item.name = naming.numbered(item.candidates[0], taken)
            if item.name != item.candidates[0]:
                renamed.append((item, item.candidates[0], item.name))
            taken.add(item.name)
    position = {id(item): 0 for item in plans}
    pending = [item for item in plans if not item.fixed]
    first_round = True
    while pending:
        proposals: dict[str, list[Plan]] = {}
        exhausted: list[Plan] = []
        for item in pending:
            while position[id(item)] < len(item.candidates) and item.candidates[position[id(item)]] in taken:
                position[id(item)] += 1
            if position[id(item)] >= len(item.candidates):
                exhausted.append(item)
            else:
                proposals.setdefault(item.candidates[position[id(item)]], []).append(item)
        for name, wanting in proposals.items():
            winner = wanting[0] if len(wanting) == 1 else _winner(wanting) if first_round else None
            if winner is not None:
                winner.name = name
                taken.add(name)
            for item in wanting:
                if item is not winner:
                    position[id(item)] += 1
        for item in exhausted:
            wanted = item.candidates[0] if item.candidates else "method"
            item.name = naming.numbered(wanted, taken)
            taken.add(item.name)
            renamed.append((item, wanted, item.name))
        pending = [item for item in pending if not item.name]
        first_round = False
    return renamed


def _winner(wanting: list[Plan]) -> Plan | None:
    """Of several operations that want one name: the one whose words say no more than it, with the shortest
    operationId; None when that is not one operation."""
    exact = [item for item in wanting if item.exact]
    if not exact:
        return None
    shortest = min(len(item.operation_id) for item in exact)
    best = [item for item in exact if len(item.operation_id) == shortest]
    return best[0] if len(best) == 1 else None


def names_match(resource: str, tag: str) -> bool:
    """Whether a tag names a resource (`Batch` and `batches`, `Vector stores` and `vector_stores`)."""
    a, b = naming.snake(resource), naming.snake(tag)
    return bool(a) and (a == b or naming.singular(a) == naming.singular(b))
