"""A content file in, the ids its options, grid columns and steps lack out: proposed, and written in on request.

Ids are what apps store (a saved answer, a step's progress), so skillbook never makes them up
silently while building: `skillbook validate` asks for them, and `skillbook ids` proposes one per
missing id, made from the label (`Stay mindful` -> `stay-mindful`), unique in its list. With
`--write` it edits the front matter in place, touching nothing else: comments, quoting and layout
stay as the author wrote them. A grid whose columns are the seven days, Monday first, becomes
`columns: week`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from skillbook.checking.schema import proposed_id
from skillbook.reading.frontmatter import find_front_matter, starts_like_front_matter
from skillbook.reading.vocabulary import COLUMN_SETS
from skillbook.reading.wording import words_for

_LINE = 100  # a one-line list longer than this is written one item per line


@dataclass(frozen=True)
class Proposal:
    line: int  # in the file, 1-based
    what: str  # e.g. `steps[2]`, `fields.skills-used.options[1]`
    label: str
    id: str  # the proposed id, or `week` for a set of columns


@dataclass(frozen=True)
class _Edit:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class IdsResult:
    proposals: tuple[Proposal, ...]
    text: str  # the file with the ids written in (the same text when nothing is proposed)
    problem: str = ""  # why the file could not be read for ids (then nothing is proposed)


def propose_ids(text: str) -> IdsResult:
    """The ids missing from one Markdown file's front matter, and the file with them written in."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    newline = "\r\n" if "\r\n" in text else "\n"
    plain = text.removeprefix(bom).replace("\r\n", "\n")
    lines = plain.split("\n")
    found = find_front_matter(lines)
    if found is None or not found.exact:  # validate explains what is wrong with the block
        return IdsResult((), text, "the file has no front matter" if not starts_like_front_matter(lines)
                         else "the front matter is not opened and closed by lines of exactly `---`")
    close = found.close
    start = len(lines[0]) + 1
    front = "\n".join(lines[1:close]) + "\n"
    try:
        root = yaml.compose(front, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return IdsResult((), text, "the front matter is not valid YAML; run `skillbook validate` first")
    if not isinstance(root, yaml.MappingNode):
        return IdsResult((), text)
    finder = _Finder(front)
    finder.root(root)
    edits = sorted(finder.edits, key=lambda e: e.start, reverse=True)
    for edit in edits:
        front = front[:edit.start] + edit.text + front[edit.end:]
    rebuilt = plain[:start] + front + "\n".join(lines[close:])
    proposals = tuple(Proposal(p.line + 1, p.what, p.label, p.id) for p in finder.proposals)
    return IdsResult(proposals, bom + rebuilt.replace("\n", newline) if edits else text)


def propose_ids_in(path: Path) -> IdsResult:
    if path.suffix != ".md":
        return IdsResult((), "", "only Markdown files are edited; write the ids of a notebook by hand")
    return propose_ids(path.read_text(encoding="utf-8"))


def _written(ident: str) -> str:
    """An id as YAML text: quoted where YAML would read it as something else (`"yes"`, `"no"`, `"1"`)."""
    return ident if isinstance(yaml.safe_load(ident), str) else f'"{ident}"'


def _key_and_value(mapping: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.SequenceNode] | None:
    """A key whose value is a list, and the list."""
    return next(((k, v) for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key
                 and isinstance(v, yaml.SequenceNode)), None)


def _value(mapping: yaml.MappingNode, key: str) -> yaml.Node | None:
    return next((v for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


class _Finder:
    def __init__(self, text: str) -> None:
        self.text = text
        self.edits: list[_Edit] = []
        self.proposals: list[Proposal] = []

    def root(self, root: yaml.MappingNode) -> None:
        steps = _value(root, "steps")
        if isinstance(steps, yaml.SequenceNode):
            self.mappings(steps, "steps", "name")
        fields = _value(root, "fields")
        if not isinstance(fields, yaml.SequenceNode):
            return
        for field in fields.value:
            if not isinstance(field, yaml.MappingNode):
                continue
            ident = _value(field, "id")
            where = f"fields.{ident.value}" if isinstance(ident, yaml.ScalarNode) else "fields"
            options = _key_and_value(field, "options")
            if options:
                self.scalars(*options, f"{where}.options")
                self.mappings(options[1], f"{where}.options", "label", skip_with="skill")
            columns = _key_and_value(field, "columns")
            if columns:
                self.columns(*columns, f"{where}.columns")

    def taken(self, sequence: yaml.SequenceNode) -> set[str]:
        found = set()
        for item in sequence.value:
            if isinstance(item, yaml.MappingNode):
                for key in ("id", "skill"):
                    node = _value(item, key)
                    if isinstance(node, yaml.ScalarNode):
                        found.add(node.value)
        return found

    def unique(self, label: str, taken: set[str]) -> str:
        base = ident = proposed_id(label)
        number = 1
        while ident in taken:
            number += 1
            ident = f"{base}-{number}"
        taken.add(ident)
        return ident

    def mappings(self, sequence: yaml.SequenceNode, where: str, label_key: str, skip_with: str = "") -> None:
        """Mappings without an `id`: one is inserted before their first key."""
        taken = self.taken(sequence)
        for index, item in enumerate(sequence.value):
            if not isinstance(item, yaml.MappingNode) or _value(item, "id") is not None or not item.value:
                continue
            if skip_with and _value(item, skip_with) is not None:
                continue
            label = _value(item, label_key)
            if not isinstance(label, yaml.ScalarNode):
                continue
            ident = self.unique(label.value, taken)
            first_key = item.value[0][0]
            at = first_key.start_mark.index
            if item.flow_style:
                text = f"id: {_written(ident)}, "
            else:
                text = f"id: {_written(ident)}\n" + " " * first_key.start_mark.column
            self.edits.append(_Edit(at, at, text))
            self.proposals.append(Proposal(item.start_mark.line + 1, f"{where}[{index}]", label.value, ident))

    def scalars(self, key: yaml.Node, sequence: yaml.SequenceNode, where: str) -> None:
        """Plain texts: each becomes `{id: ..., label: <the text as written>}`. A one-line list that
        would grow too long for one line becomes a list of one option per line."""
        taken = self.taken(sequence)
        found: list[tuple[yaml.Node, str]] = []
        for index, item in enumerate(sequence.value):
            if not isinstance(item, yaml.ScalarNode):
                continue
            ident = self.unique(item.value, taken)
            written = self.text[item.start_mark.index:item.end_mark.index]
            found.append((item, f"{{id: {_written(ident)}, label: {written}}}"))
            self.proposals.append(Proposal(item.start_mark.line + 1, f"{where}[{index}]", item.value, ident))
        if not found:
            return
        between = self.text[key.end_mark.index:sequence.start_mark.index]
        one_line = sequence.start_mark.line == sequence.end_mark.line
        if sequence.flow_style and one_line and len(found) == len(sequence.value) and between.strip() == ":" and \
                key.start_mark.column + len(between) + 2 + sum(len(t) + 2 for _, t in found) > _LINE:
            indent = " " * (key.start_mark.column + 2)
            block = "".join(f"\n{indent}- {text}" for _, text in found)
            self.edits.append(_Edit(key.end_mark.index + 1, sequence.end_mark.index, block))
            return
        self.edits.extend(_Edit(item.start_mark.index, item.end_mark.index, text) for item, text in found)

    def columns(self, key: yaml.Node, sequence: yaml.SequenceNode, where: str) -> None:
        labels = [i.value for i in sequence.value if isinstance(i, yaml.ScalarNode)]
        week = words_for("en").list("columns.week")
        if len(labels) == len(sequence.value) == len(COLUMN_SETS["week"]) and \
                [label.casefold()[:3] for label in labels] == [day.casefold() for day in week]:
            self.edits.append(_Edit(sequence.start_mark.index, sequence.end_mark.index, "week"))
            self.proposals.append(Proposal(sequence.start_mark.line + 1, where, ", ".join(labels), "week"))
            return
        self.scalars(key, sequence, where)
