"""Directive and role names in, what content may do with them out: the one table of allowed MyST.

Both `skillbook validate` and the Sphinx extension read this table: validate checks the Markdown
source against it, the extension refuses any directive or role it does not list before Sphinx runs
it, and the authoring guide's list of what content may use is rendered from it. Anything not listed
is refused (`unknown-directive`, `unknown-role`, `unknown-option`); each option says which kind of
value it takes, and paths and URLs are checked by `skillbook.reading.targets`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from skillbook.reading.targets import DOWNLOAD_SUFFIXES, IMAGE_SUFFIXES, Finding

# The MyST syntax extensions content may use: every parser (checks, site, bundle, worksheets) enables these.
MYST_EXTENSIONS = ("colon_fence", "deflist", "fieldlist", "substitution", "tasklist")


class Value(StrEnum):
    """What an argument, option or role takes."""

    TEXT = "text"  # words, parsed as inline Markdown by MyST (so checked like any Markdown)
    CODE = "code"  # shown as written, never parsed (a language name, a formula)
    FLAG = "flag"  # no value
    NUMBER = "number"  # a whole number
    CHOICE = "choice"  # one of a fixed list
    CLASSES = "classes"  # CSS class names
    PATH = "path"  # a file inside content/ of a permitted type
    REFERENCE = "reference"  # an internal label or glossary term (never a URL)
    PAGE = "page"  # another page of the handbook, by its path without .md
    LINK = "link"  # a URL by the link rule, or an internal page


class Body(StrEnum):
    MARKDOWN = "markdown"  # parsed as MyST: checked by the same rules
    LITERAL = "literal"  # shown as it is (code, maths, CSV)
    NONE = "none"


@dataclass(frozen=True)
class Kind:
    value: Value
    choices: tuple[str, ...] = ()
    suffixes: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.value is Value.CHOICE:
            return "one of " + ", ".join(self.choices)
        if self.value is Value.PATH:
            return "a file in content/ (" + ", ".join(self.suffixes) + ")"
        return {
            Value.TEXT: "text", Value.CODE: "text shown as written", Value.FLAG: "no value",
            Value.NUMBER: "a whole number",
            Value.CLASSES: "CSS class names", Value.REFERENCE: "a label, term or page of the handbook",
            Value.PAGE: "a page of the handbook (its path without .md)",
            Value.LINK: "an https:, mailto: or tel: address, or a page of the handbook",
        }[self.value]


TEXT = Kind(Value.TEXT)
CODE = Kind(Value.CODE)
FLAG = Kind(Value.FLAG)
NUMBER = Kind(Value.NUMBER)
CLASSES = Kind(Value.CLASSES)
REFERENCE = Kind(Value.REFERENCE)
PAGE = Kind(Value.PAGE)
LINK = Kind(Value.LINK)
IMAGE = Kind(Value.PATH, suffixes=IMAGE_SUFFIXES)
ALIGN = Kind(Value.CHOICE, ("left", "center", "right"))
COLOUR = Kind(Value.CHOICE, ("primary", "secondary", "success", "info", "warning", "danger", "light", "muted",
                             "dark", "white", "black"))


def _choice(*values: str) -> Kind:
    return Kind(Value.CHOICE, values)


@dataclass(frozen=True)
class Directive:
    """What one directive may take. `argument`: the text after the name (None: none allowed)."""

    purpose: str
    argument: Kind | None = None
    required: bool = False
    options: Mapping[str, Kind] = field(default_factory=lambda: MappingProxyType({}))
    body: Body = Body.MARKDOWN
    provider: str = "MyST"
    argument_whitespace: bool = True  # the argument may contain spaces (a title), or is one word (a language)


def _options(**kinds: Kind) -> Mapping[str, Kind]:
    return MappingProxyType({name.replace("_", "-"): kind for name, kind in kinds.items()})


_NAMED = {"class": CLASSES, "name": TEXT}
_IMAGE_OPTIONS = dict(alt=TEXT, height=TEXT, width=TEXT, scale=TEXT, align=_choice("left", "center", "right", "top",
                                                                                   "middle", "bottom"),
                      target=LINK, **_NAMED)
_CARD_OPTIONS = dict(header=TEXT, footer=TEXT, width=TEXT, margin=TEXT,
                     text_align=_choice("left", "center", "right", "justify"), img_top=IMAGE, img_bottom=IMAGE,
                     img_background=IMAGE, img_alt=TEXT, link=LINK, link_type=_choice("url", "ref", "doc", "any"),
                     link_alt=TEXT, shadow=_choice("none", "sm", "md", "lg"), class_card=CLASSES,
                     class_header=CLASSES, class_body=CLASSES, class_footer=CLASSES, class_title=CLASSES)
_BUTTON_OPTIONS = dict(color=COLOUR, outline=FLAG, align=_choice("left", "right", "center", "justify"), expand=FLAG,
                       click_parent=FLAG, tooltip=TEXT, shadow=FLAG, **{"class": CLASSES})
_ADMONITION = Directive("a coloured box for a note, tip or warning", options=_options(**_NAMED))

DIRECTIVES: Mapping[str, Directive] = MappingProxyType({
    **{name: _ADMONITION for name in ("note", "tip", "hint", "important", "warning", "caution", "attention", "danger",
                                      "error", "seealso")},
    "admonition": Directive("a box with a title of your own", TEXT, True, _options(**_NAMED)),
    "topic": Directive("a titled aside", TEXT, True, _options(**_NAMED)),
    "epigraph": Directive("a quotation set apart"),
    **{name: Directive("a block of code or text shown as it is", CODE, False, _options(
        linenos=FLAG, lineno_start=NUMBER, emphasize_lines=TEXT, caption=TEXT, dedent=NUMBER, force=FLAG, **_NAMED),
        Body.LITERAL, "Sphinx", argument_whitespace=False) for name in ("code-block", "sourcecode")},
    "code": Directive("a block of code shown as it is", CODE, False, _options(number_lines=NUMBER, **_NAMED),
                      Body.LITERAL, argument_whitespace=False),
    "list-table": Directive("a table written as a list", TEXT, False, _options(
        header_rows=NUMBER, stub_columns=NUMBER, widths=TEXT, width=TEXT, align=ALIGN, **_NAMED)),
    "table": Directive("a Markdown table with a title", TEXT, False, _options(
        align=ALIGN, width=TEXT, widths=TEXT, **_NAMED)),
    "csv-table": Directive("a table from CSV text or a .csv file", TEXT, False, _options(
        file=Kind(Value.PATH, suffixes=(".csv",)), header_rows=NUMBER, stub_columns=NUMBER, header=TEXT,
        widths=TEXT, width=TEXT, delim=TEXT, quote=TEXT, keepspace=FLAG, align=ALIGN, **_NAMED), Body.LITERAL),
    "image": Directive("a picture from content/", IMAGE, True, _options(**_IMAGE_OPTIONS), Body.NONE),
    "figure": Directive("a picture with a caption", IMAGE, True, _options(
        figwidth=TEXT, figclass=CLASSES, **_IMAGE_OPTIONS)),
    "include": Directive("the text of another Markdown file in content/", Kind(Value.PATH, suffixes=(".md",)), True,
                         _options(start_line=NUMBER, end_line=NUMBER, start_after=TEXT, end_before=TEXT,
                                  heading_offset=NUMBER), Body.NONE),
    # never a page (.md, .ipynb): that would show its clinician notes as text; {include} reads Markdown
    "literalinclude": Directive("a text file from content/ shown as it is (for Markdown, use {include})",
                                Kind(Value.PATH, suffixes=(".txt", ".csv", ".json", ".yml")), True,
                                _options(language=TEXT, caption=TEXT, lines=TEXT, start_after=TEXT, end_before=TEXT,
                                         emphasize_lines=TEXT, linenos=FLAG, **_NAMED),
                                Body.NONE, "Sphinx"),
    "dropdown": Directive("a section readers open and close", TEXT, False, _options(
        open=FLAG, color=COLOUR, icon=TEXT, animate=_choice("fade-in", "fade-in-slide-down"),
        class_container=CLASSES, class_title=CLASSES, class_body=CLASSES, name=TEXT), provider="sphinx-design"),
    "tab-set": Directive("a set of tabs", options=_options(sync_group=TEXT, **{"class": CLASSES}),
                         provider="sphinx-design"),
    "tab-item": Directive("one tab of a tab set", TEXT, True, _options(
        selected=FLAG, sync=TEXT, class_label=CLASSES, class_content=CLASSES, name=TEXT), provider="sphinx-design"),
    "card": Directive("a card with a title, text and an optional link or picture", TEXT, False,
                      _options(**_CARD_OPTIONS), provider="sphinx-design"),
    "grid": Directive("cards or items side by side", TEXT, False, _options(
        gutter=TEXT, margin=TEXT, padding=TEXT, outline=FLAG, reverse=FLAG, class_container=CLASSES,
        class_row=CLASSES), provider="sphinx-design"),
    "grid-item": Directive("one cell of a grid", None, False, _options(
        columns=TEXT, margin=TEXT, padding=TEXT, child_direction=_choice("column", "row"),
        child_align=_choice("start", "end", "center", "justify", "spaced"), outline=FLAG, **{"class": CLASSES}),
        provider="sphinx-design"),
    "grid-item-card": Directive("a card in a grid", TEXT, False, _options(columns=TEXT, class_item=CLASSES,
                                                                          padding=TEXT, **_CARD_OPTIONS),
                                provider="sphinx-design"),
    "button-link": Directive("a button that opens an address", LINK, True, _options(**_BUTTON_OPTIONS),
                             provider="sphinx-design"),
    "button-ref": Directive("a button that opens a page of the handbook", REFERENCE, True, _options(
        ref_type=_choice("ref", "doc", "myst", "any"), **_BUTTON_OPTIONS), provider="sphinx-design"),
    "clinician-note": Directive("teaching points only the clinician edition shows", TEXT, False,
                                provider="skillbook"),
    "crisis-services": Directive("the crisis services configured in _config.yml", body=Body.NONE,
                                 provider="skillbook"),
    "skill-finder": Directive("the skill finder", body=Body.NONE, provider="skillbook"),
    "module-list": Directive("the list of modules", body=Body.NONE, provider="skillbook"),
    "pocket-cards": Directive("links to the printable pocket cards", body=Body.NONE, provider="skillbook"),
    "changelog": Directive("what changed since the previous release", body=Body.NONE, provider="skillbook"),
    "content-rules": Directive("this list of what content may use", body=Body.NONE, provider="skillbook"),
})

# Directives everyone knows of and nobody may use, with the reason in the author's words.
REFUSED_DIRECTIVES: Mapping[str, tuple[str, str, str]] = MappingProxyType({
    "raw": ("raw-directive", "`{raw}` passes markup straight into the output", "write the content in MyST Markdown"),
    "eval-rst": ("raw-directive", "`{eval-rst}` can smuggle in raw markup and other directives",
                 "write the content in MyST Markdown"),
    "raw-cell": ("raw-directive", "`{raw-cell}` passes markup straight into the output",
                 "write the content in MyST Markdown"),
    "code-cell": ("executable-code", "`{code-cell}` is executable code; content never runs code",
                  "use a plain ``` code block to show code"),
})

ROLES: Mapping[str, tuple[Kind, str]] = MappingProxyType({
    "sub": (TEXT, "subscript"), "sup": (TEXT, "superscript"), "abbr": (TEXT, "an abbreviation, `ABC (meaning)`"),
    "kbd": (TEXT, "a key to press"), "guilabel": (TEXT, "a button or menu name"),
    "menuselection": (TEXT, "a menu path"),
    "term": (REFERENCE, "a glossary term"), "ref": (REFERENCE, "a labelled section"),
    "numref": (REFERENCE, "a numbered figure or table"), "doc": (PAGE, "another page by name"),
    "download": (Kind(Value.PATH, suffixes=DOWNLOAD_SUFFIXES), "a file readers can download"),
    "crisis": (TEXT, "crisis help: a link on the site, the crisis box on paper, a reference in apps"),
})

REFUSED_ROLES: Mapping[str, tuple[str, str, str]] = MappingProxyType({
    "raw": ("raw-directive", "the `{raw}` role passes raw markup through", "write the text in MyST Markdown"),
})


# Front-matter and notebook-metadata keys that would make MyST or MyST-NB run code, start a kernel or
# change how a page is parsed: never allowed, whatever the schemas say.
EXECUTION_KEYS = frozenset({"kernelspec", "jupytext", "mystnb", "execution", "file_format", "kernel_info",
                            "nb_execution_mode", "execute", "jupyter"})
MYST_KEYS = frozenset({"myst", "html_meta", "substitutions"})


def reserved_key(key: str) -> tuple[str, str, str] | None:
    """Rule, message and hint for a front-matter or notebook-metadata key content may never set."""
    lowered = key.lower()
    if lowered in EXECUTION_KEYS or lowered.startswith("nb_"):
        return ("execution-setting", f"`{key}` is an execution or kernel setting; content never runs code",
                "remove it (in a notebook: Edit > Notebook metadata in Jupyter, or clear the metadata)")
    if lowered in MYST_KEYS or lowered.startswith("myst_"):
        return ("myst-setting", f"`{key}` changes how MyST reads the page; pages cannot set it",
                "remove it; the handbook's settings live in _config.yml")
    return None


# Invisible characters that can hide or reorder text: terminal escapes, bidirectional overrides.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def escaped(text: str) -> str:
    """`\x1b`, `\u202e`: how a control character is written in a message."""
    return text.encode("unicode_escape").decode("ascii")


def control_character_problem(text: str) -> tuple[str, str, str, int] | None:
    """Rule, message, hint and 0-based offset of the first control character in `text`."""
    found = CONTROL_CHARACTERS.search(text)
    if found is None:
        return None
    return ("control-character", f"the text contains an invisible control character `{escaped(found.group())}`",
            "delete it; retype the text around it if you cannot see it", found.start())


SUBSTITUTION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def substitution_problem(expression: str, known: Collection[str]) -> tuple[str, str, str] | None:
    """A `{{ ... }}` in content may only name a substitution from _config.yml: MyST would evaluate
    anything else as a template expression, which can run code."""
    name = expression.strip()
    if not SUBSTITUTION_NAME.fullmatch(name):
        return ("executable-code", f"`{{{{ {name[:40]} }}}}` is a template expression; content never runs code",
                "write the text itself, or use a name defined under parse.myst_substitutions in _config.yml")
    if name not in known:
        close = difflib.get_close_matches(name, sorted(known), n=1)
        return ("unknown-substitution", f"`{{{{ {name} }}}}` is not defined",
                (f"did you mean `{close[0]}`? " if close else "") +
                "define it under parse.myst_substitutions in _config.yml, or write the text itself")
    return None


def directive(name: str) -> Directive | None:
    """The rule for a directive (names match in any case, as in docutils)."""
    return DIRECTIVES.get(name.strip().lower())


def role(name: str) -> tuple[Kind, str] | None:
    return ROLES.get(name.strip().lower())


def refused_directive(name: str) -> tuple[str, str, str] | None:
    return REFUSED_DIRECTIVES.get(name.strip().lower())


def refused_role(name: str) -> tuple[str, str, str] | None:
    lowered = name.strip().lower()
    return REFUSED_ROLES.get(lowered) or (REFUSED_ROLES["raw"] if lowered.startswith("raw-") else None)


def near(name: str, known: Mapping[str, object]) -> str:
    """`did you mean ...?` for an unknown name, or the list of allowed ones when nothing is close."""
    close = difflib.get_close_matches(name.strip().lower(), sorted(known), n=3, cutoff=0.6)
    if close:
        return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"
    return "content may use: " + ", ".join(sorted(known))


def unknown_directive(name: str) -> tuple[str, str, str]:
    """Rule, message and hint for a directive the table does not allow."""
    refused = refused_directive(name)
    if refused:
        rule, message, hint = refused
        return rule, message.replace(f"{{{name.strip().lower()}}}", f"{{{name.strip()}}}"), hint
    return ("unknown-directive", f"`{{{name.strip()}}}` is not a directive content may use",
            near(name, DIRECTIVES) + " (see the authoring guide's list)")


def unknown_role(name: str) -> tuple[str, str, str]:
    refused = refused_role(name)
    if refused:
        rule, message, hint = refused
        return rule, message.replace("{raw}", f"{{{name.strip()}}}"), hint
    return ("unknown-role", f"`{{{name.strip()}}}` is not a role content may use",
            near(name, ROLES) + " (see the authoring guide's list)")


def unknown_option(directive_name: str, option: str, rule: Directive) -> tuple[str, str, str]:
    allowed = ", ".join(f"`{o}`" for o in sorted(rule.options)) or "none"
    close = difflib.get_close_matches(option, sorted(rule.options), n=1)
    hint = (f"did you mean `{close[0]}`? " if close else "") + f"options of {{{directive_name}}}: {allowed}"
    return "unknown-option", f"`{{{directive_name}}}` does not take the option `:{option}:`", hint


def value_findings(kind: Kind, value: str, what: str) -> list[Finding]:
    """A value that does not fit its kind, as a finding that names the value."""
    problem = value_problem(kind, value)
    if problem is None:
        return []
    shown = value.strip() if len(value.strip()) <= 60 else value.strip()[:57] + "..."
    return [Finding("option-value", f"{what} `{shown}` {problem}", f"give {what} {kind.describe()}")]


def value_problem(kind: Kind, value: str) -> str | None:
    """Why an option value does not fit its kind (paths and links are checked by skillbook.reading.targets)."""
    text = value.strip()
    if kind.value is Value.FLAG and text:
        return "takes no value"
    if kind.value is Value.NUMBER and not text.lstrip("-").isdigit():
        return "must be a whole number"
    if kind.value is Value.CHOICE and text.lower() not in kind.choices:
        return f"must be one of {', '.join(kind.choices)}"
    if kind.value is Value.CLASSES and not all(c.replace("-", "").replace("_", "").isalnum() for c in text.split()):
        return "must be CSS class names (letters, digits, - and _)"
    return None
