"""A folder in, the Project out: its root (nearest folder with `_config.yml`), paths and settings."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from skillbook.errors import ConfigError
from skillbook.yamlload import load_yaml

CONFIG_FILE = "_config.yml"
TOC_FILE = "_toc.yml"
SEMVER = re.compile(
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)


@dataclass(frozen=True)
class CrisisService:
    name: str
    phone: str = ""
    text: str = ""
    url: str = ""
    hours: str = ""
    notes: str = ""


@dataclass(frozen=True)
class CrisisRegion:
    name: str
    emergency: str
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
    paper_size: str = "A4"
    root_page: str = "content/index"
    crisis_page: str = "content/crisis"
    finder_page: str = "content/find-a-skill"
    pages_start: tuple[str, ...] = ()
    pages_end: tuple[str, ...] = ()
    crisis_intro: str = ""
    crisis_regions: tuple[CrisisRegion, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Project:
    root: Path
    config: ProjectConfig

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def skills_dir(self) -> Path:
        return self.content_dir / "skills"

    @property
    def homework_dir(self) -> Path:
        return self.content_dir / "homework"

    @property
    def schemas_dir(self) -> Path:
        return self.root / "schemas"

    @property
    def toc_path(self) -> Path:
        return self.root / TOC_FILE

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    def relative(self, path: Path) -> str:
        """The POSIX path of `path` relative to the root, as shown in messages."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.as_posix()


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds `_config.yml`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    raise ConfigError(
        f"no {CONFIG_FILE} found in {start} or any folder above it; "
        "run skillbook inside a skillbook project (or pass --project DIR)"
    )


def load_project(start: Path) -> Project:
    root = find_root(start)
    return Project(root=root, config=load_config(root / CONFIG_FILE))


def load_config(path: Path) -> ProjectConfig:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read {path.name}: {exc}") from None
    loaded = load_yaml(text)
    if loaded.problems:
        first = loaded.problems[0]
        raise ConfigError(f"{path.name}:{first.line}:{first.column}: {first.message}; {first.hint}")
    data = loaded.data if isinstance(loaded.data, dict) else {}
    section = data.get("skillbook") or {}
    reader = _ConfigReader(path.name, loaded.keys, section)
    version = reader.string("version", "0.1.0")
    if not SEMVER.fullmatch(version):
        reader.fail("version", f"`{version}` is not a SemVer version like 1.0.0")
    pages = reader.mapping("pages")
    crisis = reader.mapping("crisis")
    return ProjectConfig(
        title=str(data.get("title") or "Skills handbook"),
        author=str(data.get("author") or ""),
        version=version,
        require_review=reader.boolean("require_review", False),
        language=reader.string("language", "en"),
        license=reader.string("license", "CC-BY-4.0"),
        bundle_name=reader.string("bundle_name", "skillbook-handbook"),
        paper_size=reader.choice("paper_size", "A4", ("A4", "letter")),
        root_page=str(pages.get("root") or "content/index"),
        crisis_page=str(pages.get("crisis") or "content/crisis"),
        finder_page=str(pages.get("finder") or "content/find-a-skill"),
        pages_start=reader.string_list(pages, "pages", "start"),
        pages_end=reader.string_list(pages, "pages", "end"),
        crisis_intro=str(crisis.get("intro") or ""),
        crisis_regions=reader.crisis_regions(crisis),
        raw=data,
    )


class _ConfigReader:
    """Typed access to the `skillbook:` section; every error names where in the YAML it is."""

    def __init__(self, filename: str, keys: dict[Any, Any], section: Any) -> None:
        self.filename = filename
        self.keys = keys
        if not isinstance(section, dict):
            self.section: dict[str, Any] = {}
            self.fail("", "must be a mapping")
        self.section = section

    def fail(self, where: str, message: str) -> NoReturn:
        dotted = "skillbook" + (f".{where}" if where else "")
        path = tuple(["skillbook", *[p for p in where.split(".") if p]])
        line = self.keys.get(path)
        at = f":{line.line}" if line else ""
        raise ConfigError(f"{self.filename}{at}: {message} (in {self.filename}: {dotted})")

    def string(self, key: str, default: str) -> str:
        value = self.section.get(key, default)
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "must be a non-empty text value (quote numbers like \"1.0.0\")")
        return str(value)

    def choice(self, key: str, default: str, allowed: tuple[str, ...]) -> str:
        value = self.section.get(key, default)
        if value not in allowed:
            self.fail(key, f"must be one of: {', '.join(allowed)}")
        return str(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.section.get(key, default)
        if not isinstance(value, bool):
            self.fail(key, "must be true or false")
        return bool(value)

    def mapping(self, key: str) -> dict[str, Any]:
        value = self.section.get(key) or {}
        if not isinstance(value, dict):
            self.fail(key, "must be a mapping")
        return dict(value)

    def string_list(self, parent: dict[str, Any], parent_key: str, key: str) -> tuple[str, ...]:
        value = parent.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{parent_key}.{key}", "must be a list of page paths like content/crisis")
        return tuple(value)

    def crisis_regions(self, crisis: dict[str, Any]) -> tuple[CrisisRegion, ...]:
        regions = crisis.get("regions") or []
        if not isinstance(regions, list):
            self.fail("crisis.regions", "must be a list of regions")
        result = []
        for index, region in enumerate(regions):
            where = f"crisis.regions.{index}"
            if not isinstance(region, dict) or not isinstance(region.get("name"), str):
                self.fail(where, "each region needs a `name`")
            services = region.get("services") or []
            if not isinstance(services, list):
                self.fail(f"{where}.services", "must be a list of services")
            parsed = []
            for s_index, service in enumerate(services):
                if not isinstance(service, dict) or not isinstance(service.get("name"), str):
                    self.fail(f"{where}.services.{s_index}", "each service needs a `name`")
                unknown = set(service) - {"name", "phone", "text", "url", "hours", "notes"}
                if unknown:
                    self.fail(f"{where}.services.{s_index}", f"unknown key(s): {', '.join(sorted(unknown))}")
                url = str(service.get("url") or "")
                if url and not url.startswith("https://"):
                    self.fail(f"{where}.services.{s_index}.url", "crisis links must use https://")
                parsed.append(CrisisService(**{k: str(v) for k, v in service.items()}))
            result.append(CrisisRegion(
                name=region["name"], emergency=str(region.get("emergency") or ""), services=tuple(parsed)
            ))
        return tuple(result)
