"""`_config.yml` in, the checked settings out: what skillbook reads, and every problem with its line.

The file is a Jupyter Book configuration plus our `skillbook:` section. Only the keys below are
allowed: the Jupyter Book keys the handbook needs, and none that put raw HTML or scripts on every
page, run code, or read files from outside `content/`. Every problem is reported at once, with its
line, as a configuration error (exit 2).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skillbook.errors import ConfigError
from skillbook.reading.allowlist import MYST_EXTENSIONS
from skillbook.reading.targets import Origin, check_path
from skillbook.reading.yamlload import LoadedYaml, PathKey, load_yaml

CONFIG_FILE = "_config.yml"
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
PHONE = re.compile(r"^\+?[0-9][0-9 ]*$")
LANGUAGE_TAG = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z]{4})?(-([A-Za-z]{2}|\d{3}))?(-[A-Za-z0-9]{5,8})*$")
DEFAULT_MAX_FILE_SIZE = 1_000_000


@dataclass(frozen=True)
class CrisisService:
    name: str
    phone: str = ""
    text: str = ""  # a number to text
    text_keyword: str = ""  # the word to send to it, if the service asks for one
    url: str = ""
    hours: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CrisisRegion:
    name: str
    emergency: tuple[str, ...]
    services: tuple[CrisisService, ...]


@dataclass(frozen=True)
class ProjectConfig:
    """The `skillbook:` section of `_config.yml`, plus the book title and author."""

    title: str
    author: str
    version: str
    require_review: bool = False
    language: str = "en"
    license: str = "CC-BY-4.0"
    bundle_name: str = "skillbook-handbook"
    base_url: str = ""  # where the handbook is published (https); the FHIR canonicals start with it
    publisher: str = ""  # who publishes the handbook; the book's author when not set
    copyright: str = ""  # the book's `copyright` (a year or a line of text)
    jurisdiction: tuple[str, ...] = ()  # ISO 3166-1 country codes the content is written for
    paper_size: str = "A4"
    # where "Quick exit" leaves for: a neutral page on another site, so the handbook is not what shows
    quick_exit: str = "https://www.google.com/"
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    root_page: str = "content/index"
    crisis_page: str = "content/crisis"
    finder_page: str = "content/find-a-skill"
    pages_start: tuple[str, ...] = ()
    pages_end: tuple[str, ...] = ()
    crisis_intro: str = ""
    crisis_regions: tuple[CrisisRegion, ...] = ()
    substitutions: Mapping[str, str] = field(default_factory=dict)  # parse.myst_substitutions: name -> text
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


# ------------------------------------------------------------------------------------------ the rules

Check = Callable[[Any], str | None]  # a value in, what is wrong with it out (None: fine)


@dataclass(frozen=True)
class Rule:
    """One setting: how to check it, or (for a mapping) the settings it may hold."""

    check: Check | None = None
    keys: Mapping[str, Rule] | None = None
    items: Rule | None = None  # for a list: the rule of each item
    required: bool = False
    refused: str = ""  # why the key is never allowed
    hint: str = ""


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be text"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _whole_number(value: Any) -> str | None:
    return None if isinstance(value, int) and not isinstance(value, bool) and value > 0 else \
        "must be a whole number above 0"


def _one_of(*allowed: Any) -> Check:
    def check(value: Any) -> str | None:
        return None if value in allowed else "must be one of: " + ", ".join(str(a) for a in allowed)
    return check


def _https(value: Any) -> str | None:
    if not isinstance(value, str) or not re.fullmatch(r"https://[^\s<>\"']+", value.strip()):
        return "must be an https:// address"
    return None


def _country(value: Any) -> str | None:
    if value == "UK":
        return "is not an ISO 3166-1 code: the United Kingdom's is GB"
    return None if isinstance(value, str) and re.fullmatch(r"[A-Z]{2}", value) else \
        "must be a two-letter country code (ISO 3166-1), like GB or US"


def _semver(value: Any) -> str | None:
    return None if isinstance(value, str) and SEMVER.fullmatch(value) else \
        "is not a SemVer version like 1.0.0 (quote it if YAML reads it as a number)"


def _language(value: Any) -> str | None:
    return None if isinstance(value, str) and LANGUAGE_TAG.fullmatch(value) else \
        "is not a language tag such as en, en-GB or es"


def _phone(value: Any) -> str | None:
    if isinstance(value, str) and PHONE.fullmatch(value.strip()):
        return None
    return "must be a number: digits, spaces and a leading +"


def _phones(value: Any) -> str | None:
    if isinstance(value, list) and value:
        return next((f"each number {problem}" for v in value if (problem := _phone(v))), None)
    return _phone(value)


def _page(value: Any) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"content/[A-Za-z0-9_./-]+", value) and ".." not in value:
        return None
    return "must be a page path inside content/, like content/crisis"


def _plain_text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return "must be plain text"
    if re.search(r"[<>`{}\[\]]|\]\(|:\w+:", str(value)):
        return "must be plain text (no Markdown, roles, directives or HTML)"
    return None


def _image_in_content(value: Any) -> str | None:
    if value in ("", None):
        return None
    if isinstance(value, str) and re.fullmatch(r"content/[A-Za-z0-9_./-]+\.(png|jpg|jpeg|svg)", value) \
            and ".." not in value:
        return None
    return "must be a picture inside content/ (png, jpg or svg), like content/images/logo.png"


def _pictures_in_content(loaded: LoadedYaml, root: Path) -> list[ConfigProblem]:
    """The logo and favicon files: Sphinx publishes them as they are, so they pass the same path and
    content check as every picture a page shows (an SVG logo through the SVG allowlist)."""
    origin = Origin(root / CONFIG_FILE, root / "content")
    problems = []
    for where in (("logo",), ("html", "favicon")):
        value = loaded.data.get(where[0]) if len(where) == 1 else (loaded.data.get("html") or {}).get(where[1])
        if not isinstance(value, str) or not value or _image_in_content(value):
            continue  # not set, or already reported by the rule above
        for finding in check_path(value, origin, (".png", ".jpg", ".jpeg", ".svg"), f"the {where[-1]}"):
            at = loaded.position(where)
            problems.append(ConfigProblem(at.line, at.column, ".".join(where), finding.message, finding.hint))
    return problems


def _execution_off(value: Any) -> str | None:
    return None if value in ("off", False) else 'must be "off": content never runs code'


def _mapping(keys: Mapping[str, Rule], **options: Any) -> Rule:
    return Rule(keys=keys, **options)


def _list(items: Rule, **options: Any) -> Rule:
    return Rule(check=lambda v: None if isinstance(v, list) else "must be a list", items=items, **options)


def _refused(why: str, hint: str = "remove it") -> Rule:
    return Rule(refused=why, hint=hint)


TEXT, BOOLEAN = Rule(_text), Rule(_boolean)
_HTML = "it puts raw HTML on every page"
_SCRIPTS = "it loads third-party scripts into every page"

_SERVICE = _mapping({
    "name": Rule(_text, required=True), "phone": Rule(_phone), "text": Rule(_phone, hint="the number to text"),
    "text_keyword": Rule(_text, hint="the word to send, e.g. SHOUT"), "url": Rule(_https), "hours": TEXT,
    "notes": TEXT,
})
_REGION = _mapping({
    "name": Rule(_text, required=True),
    "emergency": Rule(_phones, hint='one number, or a list such as ["112", "999"]'),
    "services": _list(_SERVICE),
})
SKILLBOOK = _mapping({
    "version": Rule(_semver, required=True), "language": Rule(_language), "license": TEXT, "bundle_name": TEXT,
    "base_url": Rule(_https, hint="the address the handbook is published at, e.g. https://example.org/handbook"),
    "publisher": Rule(_plain_text), "jurisdiction": _list(Rule(_country)),
    "require_review": BOOLEAN, "paper_size": Rule(_one_of("A4", "letter")),
    "quick_exit": Rule(_https, hint="a neutral page to leave for at once, e.g. https://www.bbc.co.uk/weather"),
    "max_file_size": Rule(_whole_number, hint="the largest content file in bytes, e.g. 1000000"),
    "pages": _mapping({"root": Rule(_page), "crisis": Rule(_page), "finder": Rule(_page),
                       "start": _list(Rule(_page)), "end": _list(Rule(_page))}),
    "crisis": _mapping({"intro": Rule(_plain_text), "regions": _list(_REGION)}),
})
SCHEMA = _mapping({
    "title": Rule(_plain_text), "author": Rule(_plain_text), "copyright": Rule(_plain_text),
    "logo": Rule(_image_in_content), "exclude_patterns": _list(TEXT), "only_build_toc_files": BOOLEAN,
    "execute": _mapping({"execute_notebooks": Rule(_execution_off)}),
    "parse": _mapping({
        "myst_enable_extensions": _list(Rule(_one_of(*MYST_EXTENSIONS),
                                             hint="html_image and html_admonition would allow raw HTML")),
        "myst_substitutions": Rule(lambda v: None if isinstance(v, dict) else "must be a mapping",
                                   items=Rule(_plain_text)),
        "myst_url_schemes": _refused("links are https:, mailto: and tel: only"),
    }),
    "html": _mapping({
        "use_repository_button": BOOLEAN, "use_issues_button": BOOLEAN, "use_edit_page_button": BOOLEAN,
        "use_multitoc_numbering": BOOLEAN, "home_page_in_navbar": BOOLEAN, "baseurl": Rule(_https),
        "favicon": Rule(_image_in_content), "extra_footer": _refused(_HTML), "announcement": _refused(_HTML),
        "analytics": _refused(_SCRIPTS), "google_analytics_id": _refused(_SCRIPTS), "comments": _refused(_SCRIPTS),
        "extra_navbar": _refused(_HTML),
    }),
    "repository": _mapping({"url": Rule(_https), "path_to_book": TEXT, "branch": TEXT}),
    "sphinx": _mapping({
        "extra_extensions": _list(Rule(_one_of("skillbook.sphinxext"),
                                       hint="other extensions can run code and change every page")),
        "local_extensions": _refused("it runs Python code from the project"),
        "recursive_update": _refused("it replaces the handbook's Sphinx settings"),
        "config": _mapping({"language": Rule(_language), "numfig": BOOLEAN}),
    }),
    "launch_buttons": _refused("it adds buttons that run the pages' code elsewhere"),
    "bibtex_bibfiles": _refused("bibliography files are read from outside content/"),
    "latex": _refused("skillbook builds no LaTeX"),
    "skillbook": SKILLBOOK,
})


@dataclass(frozen=True)
class ConfigProblem:
    line: int
    column: int
    where: str  # dotted, e.g. html.extra_footer
    message: str
    hint: str

    def __str__(self) -> str:
        hint = f"; {self.hint}" if self.hint else ""
        return f"{CONFIG_FILE}:{self.line}:{self.column}: {self.message}{hint} (in {CONFIG_FILE}: {self.where})"


def check_config(loaded: LoadedYaml) -> list[ConfigProblem]:
    """Every problem of the configuration, in file order."""
    problems: list[ConfigProblem] = []
    if not isinstance(loaded.data, dict):
        return [ConfigProblem(1, 1, "_config.yml", "must be a mapping of settings", "")]
    _check(SCHEMA, loaded.data, (), loaded, problems)
    return sorted(problems, key=lambda p: (p.line, p.column))


def _check(rule: Rule, value: Any, path: PathKey, loaded: LoadedYaml, problems: list[ConfigProblem]) -> None:
    def problem(message: str, hint: str = "", at: PathKey = path, key: bool = False) -> None:
        where = loaded.key_position(at) if key else loaded.position(at)
        dotted = ".".join(str(p) for p in at) or "_config.yml"
        problems.append(ConfigProblem(where.line, where.column, dotted, message, hint))

    if rule.check is not None:
        found = rule.check(value)
        if found:
            shown = f"`{value}`" if isinstance(value, str | int | float) and len(str(value)) < 60 else "the value"
            problem(f"{shown} {found}", rule.hint)
            return
    if rule.keys is not None:
        if not isinstance(value, dict):
            problem("is not a mapping of settings")
            return
        for key, sub in value.items():
            child = rule.keys.get(str(key))
            if child is None:
                problem(f"`{key}` is not a setting skillbook allows here",
                        "allowed: " + ", ".join(sorted(rule.keys)), (*path, key), key=True)
            elif child.refused:
                problem(f"`{key}` is not allowed: {child.refused}", child.hint, (*path, key), key=True)
            else:
                _check(child, sub, (*path, key), loaded, problems)
        for key, child in rule.keys.items():
            if child.required and key not in value:
                problem(f"`{key}` is missing", child.hint or f"add `{key}:`")
    if rule.items is not None and isinstance(value, list):
        for index, item in enumerate(value):
            _check(rule.items, item, (*path, index), loaded, problems)
    if rule.items is not None and isinstance(value, dict):
        for key, item in value.items():
            _check(rule.items, item, (*path, key), loaded, problems)


# ----------------------------------------------------------------------------------------- reading


def load_config(path: Path) -> ProjectConfig:
    """Read and check `_config.yml`; any problem is a ConfigError listing all of them."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}") from None
    loaded = load_yaml(text)
    if loaded.problems:
        first = loaded.problems[0]
        raise ConfigError(f"{path.name}:{first.line}:{first.column}: {first.message}; {first.hint}")
    problems = [str(p) for p in check_config(loaded)]
    problems += [str(p) for p in _pictures_in_content(loaded, path.parent)] if not problems else []
    if (path.parent / "_static").exists():
        problems.append("_static/: Jupyter Book would add every script and style in it to every page; "
                        "skillbook does not allow it: move pictures into content/ and remove the folder")
    if problems:
        raise ConfigError("\n".join(problems))
    data: dict[str, Any] = loaded.data
    section: dict[str, Any] = data.get("skillbook") or {}
    pages: dict[str, Any] = section.get("pages") or {}
    crisis: dict[str, Any] = section.get("crisis") or {}
    return ProjectConfig(
        title=str(data.get("title") or "Skills handbook"),
        author=str(data.get("author") or ""),
        version=str(section["version"]),
        require_review=bool(section.get("require_review", False)),
        language=str(section.get("language", "en")),
        license=str(section.get("license", "CC-BY-4.0")),
        bundle_name=str(section.get("bundle_name", "skillbook-handbook")),
        base_url=str(section.get("base_url") or "").strip().rstrip("/"),
        publisher=str(section.get("publisher") or data.get("author") or ""),
        copyright=str(data.get("copyright") or ""),
        jurisdiction=tuple(str(c) for c in section.get("jurisdiction") or ()),
        paper_size=str(section.get("paper_size", "A4")),
        quick_exit=str(section.get("quick_exit") or "https://www.google.com/").strip(),
        max_file_size=int(section.get("max_file_size", DEFAULT_MAX_FILE_SIZE)),
        root_page=str(pages.get("root") or "content/index"),
        crisis_page=str(pages.get("crisis") or "content/crisis"),
        finder_page=str(pages.get("finder") or "content/find-a-skill"),
        pages_start=tuple(pages.get("start") or ()),
        pages_end=tuple(pages.get("end") or ()),
        crisis_intro=" ".join(str(crisis.get("intro") or "").split()),
        crisis_regions=tuple(_region(r) for r in crisis.get("regions") or ()),
        substitutions={str(k): str(v) for k, v in sorted(((data.get("parse") or {}).get("myst_substitutions")
                                                             or {}).items())},
        raw=data,
    )


def _region(data: dict[str, Any]) -> CrisisRegion:
    emergency = data.get("emergency") or ()
    numbers = tuple(str(n).strip() for n in (emergency if isinstance(emergency, list) else [emergency]))
    services = tuple(CrisisService(**{k: str(v).strip() for k, v in s.items()}) for s in data.get("services") or ())
    return CrisisRegion(name=str(data["name"]), emergency=numbers, services=services)
