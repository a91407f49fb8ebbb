"""YAML text that does not parse in, the line really at fault and the cause in plain words out.

PyYAML reports where its parser gave up, in parser terms ("did not find expected '-' indicator"),
often a line after the mistake. Authors make a handful of mistakes: a tab, a line indented more or
less than its neighbours, a list item without its `- `, a value with an unquoted `: `, a quote or
bracket never closed, a key without its colon. This module looks for those in the lines up to where
the parser stopped, and says which line is wrong, what it reads, and what to type instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

_KEY = re.compile(r"^(?P<dash>-\s+)?(?P<key>[^\s:#'\"\[\]{}][^:#]*?|'[^']*'|\"[^\"]*\"):(?:\s+(?P<value>.*))?$")
_BLOCK_SCALAR = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


@dataclass(frozen=True)
class Diagnosis:
    """What is wrong: `line` is the 0-based index of the line at fault in the YAML text; `drop` is how
    many lines, from that one, to set aside so that the rest of the text can still be read."""

    line: int
    column: int
    message: str
    hint: str
    drop: int = 1
    known: bool = True  # False: none of the usual mistakes; reading on would only guess


def diagnose(text: str, error: yaml.MarkedYAMLError) -> Diagnosis:
    lines = text.splitlines()
    mark = error.problem_mark or error.context_mark
    stop = min(mark.line if mark else len(lines) - 1, len(lines) - 1)
    problem = (error.problem or "").strip()
    context = (error.context or "").strip()
    opened = error.context_mark.line if error.context_mark is not None else stop
    return (_tab(lines, stop) or _unclosed(lines, problem, context, opened) or _indentation(lines, stop)
            or _by_cause(lines, stop, problem, opened))


def _tab(lines: list[str], stop: int) -> Diagnosis | None:
    for index in range(stop + 1):
        lead = lines[index][:len(lines[index]) - len(lines[index].lstrip())]
        if "\t" in lead:
            return Diagnosis(index, lead.index("\t") + 1, f"`{lines[index].strip()}` is indented with a tab",
                             "indent with spaces only: YAML does not allow tabs (set your editor to insert spaces)",
                             _block_length(lines, index))
    return None


def _unclosed(lines: list[str], problem: str, context: str, opened: int) -> Diagnosis | None:
    if ("quoted scalar" in context and "end of stream" in problem) or "found unexpected end of stream" in problem:
        quote = lines[opened].lstrip()
        return Diagnosis(opened, 1, f"the quote opened in `{quote}` is never closed",
                         "close the quote at the end of the value, on the same line, or remove it", 1)
    for kind, closing in (("flow sequence", "]"), ("flow mapping", "}")):
        if kind in context:
            return Diagnosis(opened, 1, f"the `{'[' if closing == ']' else '{'}` opened in `{lines[opened].strip()}` "
                             f"is never closed", f"end the list with `{closing}` on the same line", 1)
    return None


@dataclass
class _Open:
    indent: int  # where the keys (or the `- ` items) of this block start
    keys: list[str]  # the keys seen so far at this indent, in this block
    sequence: bool  # a block of `- ` items


def _indentation(lines: list[str], stop: int) -> Diagnosis | None:
    """The first line, up to `stop`, whose indentation fits no block that is open there."""
    stack: list[_Open] = [_Open(0, [], False)]
    opens = False  # the line before ends with `key:` and nothing after it: a block may start
    scalar_from: int | None = None  # inside a `|` or `>` block scalar more indented than this
    for index in range(min(stop, len(lines) - 1) + 1):
        line = lines[index]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if scalar_from is not None:
            if indent > scalar_from:
                continue
            scalar_from = None
        match = _KEY.match(stripped)
        dash = stripped.startswith("- ") or stripped == "-"
        if opens and indent > stack[-1].indent:
            stack.append(_Open(indent, [], dash))
        elif indent > stack[-1].indent:
            if not match or not stack[-1].keys:
                continue  # the value above, carried on to this line
            above = stack[-1].keys[-1]
            return Diagnosis(index, indent + 1,
                             f"`{stripped}` is indented {_spaces(indent)}, more than `{above}` above it "
                             f"({_spaces(stack[-1].indent)})",
                             f"line it up with the keys around it: remove {_spaces(indent - stack[-1].indent)} "
                             f"in front of `{_first_word(stripped)}`", _block_length(lines, index))
        else:
            item: _Open | None = None
            items: _Open | None = None  # the list whose items were closed to get back to this indent
            while len(stack) > 1 and indent < stack[-1].indent:
                item = stack.pop()
                items = item if item.sequence else items
            block = stack[-1]
            if indent != block.indent and dash and items is not None:
                return Diagnosis(index, indent + 1,
                                 f"`{stripped}` is indented {_spaces(indent)}; the list items above it are "
                                 f"indented {_spaces(items.indent)}",
                                 f"line it up with them: {_difference(indent, items.indent)} in front of the `-`",
                                 _block_length(lines, index))
            if indent != block.indent:
                keys = ", ".join(f"`{k}`" for k in block.keys[-2:] if k != "-")
                beside = f" ({keys})" if keys else ""
                return Diagnosis(index, indent + 1,
                                 f"`{stripped}` is indented {_spaces(indent)}; the lines beside it{beside} are "
                                 f"indented {_spaces(block.indent)}",
                                 f"line it up with them: {_difference(indent, block.indent)} in front of "
                                 f"`{_first_word(stripped)}`", _block_length(lines, index))
            if block.sequence and not dash:
                return _missing_dash(lines, index, item, stripped, match)
        opens = (match is not None and not (match.group("value") or "").strip()) or stripped.endswith(":")
        if match and _BLOCK_SCALAR.search(stripped):
            scalar_from, opens = indent, False
        if dash:
            rest = stripped[1:].lstrip()
            stack[-1].keys.append("-")
            if rest:  # `- id: one`: the keys of this item start after the dash
                first = _KEY.match(rest)
                stack.append(_Open(indent + len(stripped) - len(rest), [first.group("key")] if first else [], False))
                opens = first is not None and not (first.group("value") or "").strip()
        elif match:
            stack[-1].keys.append(match.group("key"))
    return None


def _missing_dash(lines: list[str], index: int, item: _Open | None, stripped: str,
                  match: re.Match[str] | None) -> Diagnosis:
    """A line at the indent of a list's `- ` items without a dash: a new item that lost its dash
    (its key is one the item above already has), or a key of the item above written too far left."""
    indent = len(lines[index]) - len(lines[index].lstrip(" "))
    key = match.group("key") if match else ""
    if item is None or not match or not item.keys or key in item.keys:
        length = 1  # the item's other keys follow at the same indent, or further in
        for line in lines[index + 1:]:
            rest = line.strip()
            if rest and (len(line) - len(line.lstrip(" ")) < indent or (rest.startswith("- ") and
                         len(line) - len(line.lstrip(" ")) == indent)):
                break
            length += 1
        return Diagnosis(index, indent + 1, f"`{stripped}` starts a new list item without `- `",
                         f"begin the item with a dash: `{' ' * indent}- {stripped}`", length)
    siblings = ", ".join(f"`{k}`" for k in item.keys[-2:])
    return Diagnosis(index, indent + 1,
                     f"`{stripped}` is indented {_spaces(indent)}; the keys of the list item above it "
                     f"({siblings}) are indented {_spaces(item.indent)}",
                     f"add {_spaces(item.indent - indent)} in front of `{key}`, or start a new item with `- `",
                     _block_length(lines, index))


def _by_cause(lines: list[str], stop: int, problem: str, opened: int) -> Diagnosis:
    line = lines[stop] if 0 <= stop < len(lines) else ""
    stripped = line.strip()
    match = _KEY.match(stripped)
    if "mapping values are not allowed" in problem and match and ": " in (match.group("value") or ""):
        key, value = match.group("key"), match.group("value")
        return Diagnosis(stop, len(line) - len(line.lstrip()) + 1,
                         f"the value of `{key}` contains `: `, which YAML reads as the start of another key",
                         f"put the whole value in quotes: `{key}: \"{value}\"`", 1)
    if "could not find expected ':'" in problem:
        bad = lines[opened].strip() if 0 <= opened < len(lines) else stripped
        return Diagnosis(opened, 1, f"`{bad}` has no `:` after its key",
                         "each line is `key: value`; add the colon after the key, or join the line to the one above", 1)
    return Diagnosis(stop, 1, f"YAML cannot read `{stripped}` ({problem or 'invalid YAML'})",
                     "check the indentation, colons and quotes of this line and the one above", 1, known=False)


def _block_length(lines: list[str], index: int) -> int:
    """The line and the lines under it that are indented more (its value, or its item's other keys)."""
    indent = len(lines[index]) - len(lines[index].lstrip(" \t"))
    length = 1
    for line in lines[index + 1:]:
        if line.strip() and len(line) - len(line.lstrip(" \t")) <= indent:
            break
        length += 1
    return length


def _first_word(stripped: str) -> str:
    return stripped.split(":")[0].strip()


def _spaces(count: int) -> str:
    return "1 space" if count == 1 else f"{count} spaces"


def _difference(indent: int, wanted: int) -> str:
    return f"add {_spaces(wanted - indent)}" if wanted > indent else f"remove {_spaces(indent - wanted)}"
