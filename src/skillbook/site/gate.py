"""Directive and role lookups and read doctrees in, only what the allowlist allows out: the Sphinx side of it.

`skillbook validate` checks the Markdown source; this module enforces the same table
(`skillbook.reading.allowlist`) and the same path and link rules (`skillbook.reading.targets`) inside Sphinx, on what
Sphinx is about to run, so that a build without validate refuses the same content:

- every directive and role lookup goes through `GatedDomains`: a name the table does not allow
  resolves to a stand-in that runs nothing and reports it; an allowed one to a subclass that checks
  its arguments and options before the real one runs;
- every read doctree is swept before Sphinx collects images and downloads from it: raw markup,
  remote images, files outside `content/` and links with other schemes are removed and reported;
- every `{include}`d file is checked when MyST reads it.

Problems are Sphinx warnings of type `skillbook`, so a `skillbook build` fails with file and line.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import sphinx.builders
from docutils import nodes
from docutils.parsers.rst import Directive as DocutilsDirective
from docutils.parsers.rst import directives as docutils_directives
from docutils.parsers.rst.directives.misc import Include
from docutils.utils import Reporter
from myst_parser.mdit_to_docutils.base import DocutilsRenderer
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import sphinx_domains

from skillbook.reading import allowlist, targets
from skillbook.reading.allowlist import Kind, Value
from skillbook.reading.yamlload import load_yaml

logger = logging.getLogger(__name__)
_SKILLBOOK_ENV = "skillbook_content_dir"  # set on environments built with this extension


def report(rule: str, message: str, hint: str, location: Any) -> None:
    logger.warning("%s (%s)", message, hint, location=location, type="skillbook", subtype=rule)


def _content_dir(env: BuildEnvironment) -> Path | None:
    found = getattr(env, _SKILLBOOK_ENV, None)
    return Path(found) if found else None


def _origin(env: BuildEnvironment) -> targets.Origin:
    content = _content_dir(env)
    assert content is not None
    return targets.Origin(Path(env.doc2path(env.docname)), content)


def value_findings(kind: Kind, value: str, what: str, env: BuildEnvironment) -> list[targets.Finding]:
    """The path, link and value rules for one argument or option (text is checked where MyST parses it)."""
    if kind.value is Value.PATH:
        return targets.check_path(value, _origin(env), kind.suffixes, what)
    if kind.value is Value.LINK:
        return targets.check_link(value, _origin(env), what)
    if kind.value is Value.PAGE:
        return targets.check_page(value, _origin(env), what)
    if kind.value is Value.REFERENCE:
        return targets.check_reference(value, _origin(env), what)
    if kind.value in (Value.TEXT, Value.CODE):
        return []
    return allowlist.value_findings(kind, value, what)


class _Refused(DocutilsDirective):
    """What a directive the allowlist does not allow resolves to: it runs nothing."""

    optional_arguments = 100
    final_argument_whitespace = True
    has_content = True
    option_spec: dict[str, Any] = {}  # noqa: RUF012 - replaced per subclass below

    def run(self) -> list[nodes.Node]:
        rule, message, hint = allowlist.unknown_directive(self.name)
        report(rule, message, hint, (self.state.document.settings.env.docname, self.lineno))
        return []


class _AnyOption(dict[str, Any]):
    """Accept every option as it was written, so the gate sees (and can refuse) all of them."""

    def __missing__(self, key: str) -> Any:
        return docutils_directives.unchanged

    def __bool__(self) -> bool:
        return True


_gated: dict[tuple[str, type], type] = {}


def gated_directive(name: str, real: type[DocutilsDirective]) -> type[DocutilsDirective]:
    """A subclass of `real` that checks its call against the allowlist before running it."""
    key = (name, real)
    if key in _gated:
        return _gated[key]
    rule = allowlist.directive(name)
    assert rule is not None
    spec = dict(real.option_spec or {})
    if issubclass(real, Include):
        # MyST runs includes itself (the class's `run` is never called): it parses the options with
        # this spec, so unknown options are refused there; the file is checked at `include-read`.
        allowed = {option: converter for option, converter in spec.items() if option in rule.options}
        gated: type[DocutilsDirective] = type(f"Gated{real.__name__}", (real,), {"option_spec": allowed})
        _gated[key] = gated
        return gated

    def run(self: Any) -> list[nodes.Node]:
        env = self.state.document.settings.env
        location = (env.docname, self.lineno)
        findings: list[targets.Finding] = []
        if rule.argument is not None and self.arguments:
            findings += value_findings(rule.argument, " ".join(self.arguments), f"`{{{name}}}`", env)
        converted: dict[str, Any] = {}
        for option, raw in self.options.items():
            kind = rule.options.get(option)
            if kind is None or option not in spec:
                findings.append(targets.Finding(*allowlist.unknown_option(name, option, rule)))
                continue
            text = "" if raw is None else str(raw)
            findings += value_findings(kind, text, f"`{{{name}}}` option `:{option}:`", env)
            converter = spec[option]
            try:
                converted[option] = converter(None if converter is docutils_directives.flag or not text else text)
            except (ValueError, TypeError) as exc:
                findings.append(targets.Finding("option-value", f"`{{{name}}}` option `:{option}:`: {exc}",
                                                "check the value"))
        if findings:
            for finding in findings:
                report(finding.rule, finding.message, finding.hint, location)
            return []
        self.options = converted
        result: list[nodes.Node] = real.run(self)
        return result

    gated = type(f"Gated{real.__name__}", (real,), {"option_spec": _AnyOption(), "run": run})
    _gated[key] = gated
    return gated


def _refused(name: str) -> type[DocutilsDirective]:
    return type(f"Refused_{name}", (_Refused,), {"option_spec": _AnyOption()})


RoleFunction = Callable[..., tuple[list[nodes.Node], list[nodes.system_message]]]


def gated_role(name: str, real: RoleFunction | None) -> RoleFunction:
    found = allowlist.role(name)

    def role(role_name: str, rawtext: str, text: str, lineno: int, inliner: Any,
             options: dict[str, Any] | None = None, content: list[str] | None = None,
             ) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        location = (inliner.document.settings.env.docname, lineno)
        if found is None or real is None:
            rule, message, hint = allowlist.unknown_role(name)
            report(rule, message, hint, location)
            return [nodes.Text(text)], []
        kind, _purpose = found
        env = inliner.document.settings.env
        target = text.rsplit("<", 1)[1].rstrip(">").strip() if text.rstrip().endswith(">") and "<" in text else text
        findings = value_findings(kind, target, f"the `{{{name}}}` role", env)
        if findings:
            for finding in findings:
                report(finding.rule, finding.message, finding.hint, location)
            return [nodes.Text(text)], []
        return real(role_name, rawtext, text, lineno, inliner, options or {}, content or [])

    return role


class GatedDomains(sphinx_domains):
    """Sphinx's directive and role dispatch, with the allowlist in front of it for skillbook projects."""

    def directive(self, directive_name: str, language_module: ModuleType, document: nodes.document,
                  ) -> tuple[type[DocutilsDirective] | None, list[nodes.system_message]]:
        if _content_dir(self.env) is None:  # another project in the same process
            return super().directive(directive_name, language_module, document)
        if allowlist.directive(directive_name) is None:
            return _refused(directive_name), []
        real, messages = super().directive(directive_name, language_module, document)
        if real is None:
            return real, messages
        return gated_directive(directive_name.strip().lower(), real), messages

    def role(self, role_name: str, language_module: ModuleType, lineno: int, reporter: Reporter,
             ) -> tuple[RoleFunction, list[nodes.system_message]]:
        if _content_dir(self.env) is None:
            return super().role(role_name, language_module, lineno, reporter)
        if allowlist.role(role_name) is None:
            return gated_role(role_name, None), []
        real, messages = super().role(role_name, language_module, lineno, reporter)
        return gated_role(role_name.strip().lower(), real), messages


def install(app: Sphinx, content_dir: Path) -> None:
    """Put the gate in front of Sphinx's dispatch for this application's reads."""
    setattr(app.env, _SKILLBOOK_ENV, str(content_dir.resolve()))
    # Sphinx enters `sphinx_domains(env)` around every read; its name is looked up in this module.
    sphinx.builders.sphinx_domains = GatedDomains  # type: ignore[attr-defined]
    # Two things MyST renders itself, without looking a directive up: an ```{eval-rst}``` fence, and
    # a `{{ ... }}` substitution, which it evaluates as a Jinja2 template (that can run code).
    for method, replacement in (("render_restructuredtext", _refuse_restructuredtext),
                                ("render_substitution", _plain_substitution)):
        current = getattr(DocutilsRenderer, method)
        if current is not replacement:
            _myst_originals[method] = current
            setattr(DocutilsRenderer, method, replacement)
    _hold_settings()


def _hold_settings() -> None:
    """Whatever a page says, MyST and MyST-NB keep the build's settings: a page's own `myst:` or
    `mystnb:` block (front matter, notebook metadata) is never merged in, a Markdown page is never
    read as a notebook, and no notebook is executed. The extension hands them a front matter block
    it wrote itself; this is the second wall, for a page that reaches them some other way."""
    import myst_parser.parsers.sphinx_ as myst_sphinx

    setattr(myst_sphinx, "merge_file_level", _global_settings)  # noqa: B010 - not exported, replaced all the same
    try:
        import myst_nb.sphinx_ as nb_sphinx
    except ImportError:  # pragma: no cover - MyST-NB is a dependency of Jupyter Book
        return
    nb_sphinx.merge_file_level = _global_settings
    if not getattr(nb_sphinx.create_nb_reader, "skillbook", False):
        nb_sphinx.create_nb_reader = _notebooks_only(nb_sphinx.create_nb_reader)
    if not getattr(nb_sphinx.create_client, "skillbook", False):
        nb_sphinx.create_client = _never_executed(nb_sphinx.create_client)


def _global_settings(config: Any, topmatter: dict[str, Any], warning: Callable[..., None]) -> Any:
    if isinstance(topmatter, dict) and "myst" in topmatter:
        warning("topmatter", "page-level MyST settings (`myst:`) are ignored: the handbook's settings apply")
    return config


def _notebooks_only(create: Callable[..., Any]) -> Callable[..., Any]:
    def create_nb_reader(path: str, *args: Any) -> Any:
        # MyST-NB takes a `.md` page whose front matter names a Jupytext kernel for a notebook
        return None if not str(path).endswith(".ipynb") else create(path, *args)

    create_nb_reader.skillbook = True  # type: ignore[attr-defined]
    return create_nb_reader


def _never_executed(create: Callable[..., Any]) -> Callable[..., Any]:
    def create_client(notebook: Any, source: str, nb_config: Any, *args: Any) -> Any:
        # a notebook's own `mystnb:` metadata can set its execution mode; the build's is always off
        return create(notebook, source, nb_config.copy(execution_mode="off"), *args)

    create_client.skillbook = True  # type: ignore[attr-defined]
    return create_client


_myst_originals: dict[str, Callable[..., None]] = {}


def _skillbook_env(renderer: Any) -> BuildEnvironment | None:
    env = getattr(renderer, "sphinx_env", None)
    return env if env is not None and _content_dir(env) is not None else None


def _line(token: Any) -> int:
    return (token.map[0] + 1) if token.map else 1


def _refuse_restructuredtext(renderer: Any, token: Any) -> None:
    env = _skillbook_env(renderer)
    if env is None:
        _myst_originals["render_restructuredtext"](renderer, token)
        return
    rule, message, hint = allowlist.unknown_directive("eval-rst")
    report(rule, message, hint, (env.docname, _line(token)))


def _plain_substitution(renderer: Any, token: Any, inline: bool) -> None:
    """`{{ name }}`: the text of a substitution from _config.yml, never a template evaluated."""
    env = _skillbook_env(renderer)
    if env is None:
        _myst_originals["render_substitution"](renderer, token, inline)
        return
    values = renderer.md_config.substitutions or {}
    problem = allowlist.substitution_problem(token.content, values)
    if problem:
        report(*problem, (env.docname, _line(token)))
        return
    text = nodes.Text(str(values[token.content.strip()]))
    if inline:
        renderer.current_node.append(text)
    else:
        renderer.current_node.append(nodes.paragraph("", "", text))


def check_included(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    """`include-read`: a file MyST is about to include must be a Markdown file inside content/."""
    env = app.env
    if _content_dir(env) is None:
        return
    content_dir = _content_dir(env)
    assert content_dir is not None
    from_root = targets.Origin(Path(env.srcdir) / "_config.yml", content_dir)  # the path is relative to the root
    findings = targets.check_path(relative_path.as_posix(), from_root, (".md",), "`{include}`")
    if findings:
        content[0] = ""
        for finding in findings:
            report(finding.rule, finding.message, finding.hint, env.docname)


def linked_folders(root: Path) -> list[str]:
    """Every folder under `root` that is a symbolic link, as exclude patterns (relative, POSIX)."""
    found = []
    for current, folders, _files in os.walk(root, followlinks=False):
        base = Path(current)
        for name in list(folders):
            if name in ("build", "_build", "node_modules", ".git") and base == root:
                folders.remove(name)
            elif (base / name).is_symlink():
                found.append((base / name).relative_to(root).as_posix())
    return sorted(found)


def check_source(env: BuildEnvironment, docname: str) -> bool:
    """A page whose file resolves outside content/ (a symlink) is not read at all."""
    content = _content_dir(env)
    if content is None:
        return True
    source = Path(env.doc2path(docname)).resolve()
    if content.resolve() in source.parents:
        return True
    report("symlink-outside", f"the page `{docname}` is a link to a file outside content/",
           "replace the link with the file itself", docname)
    return False


def without_control_characters(text: str, docname: str) -> str:
    """Invisible control characters never reach a page (docutils fails on some of them)."""
    if not allowlist.CONTROL_CHARACTERS.search(text):
        return text
    report("control-character", "the page contains invisible control characters; they were removed",
           "delete them from the file", docname)
    return allowlist.CONTROL_CHARACTERS.sub("\ufffd", text)


def check_front_matter(text: str, docname: str) -> None:
    """Settings that would make MyST or MyST-NB run code or change how the page is read (they are
    dropped before MyST sees the page; saying so refuses the page)."""
    loaded = load_yaml(text)
    for key in loaded.data if isinstance(loaded.data, dict) else ():
        refused = allowlist.reserved_key(key) if isinstance(key, str) else None
        if refused:
            report(*refused, (docname, loaded.key_position((key,)).line + 1))


def check_notebook(text: str, docname: str) -> None:
    """Notebook settings, code, raw cells and attachments never reach a page (`read_notebook` drops
    them); saying so refuses the notebook."""
    try:
        notebook = json.loads(text)
    except ValueError:
        return  # MyST-NB reports it
    for key in notebook.get("metadata") or {}:
        refused = allowlist.reserved_key(key)
        if refused:
            report(*refused, docname)
    for number, cell in enumerate(notebook.get("cells") or [], start=1):
        kind = cell.get("cell_type")
        if kind in ("code", "raw"):
            report("notebook-code-cell" if kind == "code" else "notebook-raw-cell",
                   f"cell {number} is a {kind} cell; only Markdown cells are published", "make it a Markdown cell",
                   docname)
        if cell.get("attachments"):
            report("notebook-attachment", f"cell {number} embeds a file; it is not published",
                   "save the picture in content/ and link it", docname)


def sweep(app: Sphinx, doctree: nodes.document) -> None:
    """Remove from a read page what must never reach the site, before Sphinx collects files from it."""
    env = app.env
    if _content_dir(env) is None:
        return
    origin = _origin(env)
    for raw in list(doctree.findall(nodes.raw)):
        report("raw-html", f"raw {raw.get('format', 'markup')} is not allowed in content and was removed",
               "use MyST Markdown", raw)
        raw.parent.remove(raw)
    for image in list(doctree.findall(nodes.image)):
        uri = str(image.get("uri", ""))
        findings = targets.check_path(uri, origin, targets.IMAGE_SUFFIXES, "image")
        if findings:
            _drop(image, findings, nodes.Text(str(image.get("alt", ""))))
    for download in list(doctree.findall(addnodes.download_reference)):
        findings = targets.check_path(str(download.get("reftarget", "")), origin, targets.DOWNLOAD_SUFFIXES,
                                      "download")
        if findings:
            _drop(download, findings, nodes.Text(download.astext()))
    for node in list(doctree.findall(lambda n: isinstance(n, nodes.reference | nodes.target))):
        uri = node.get("refuri")
        if not uri:
            continue
        scheme = targets.scheme_of(str(uri))
        if scheme is None and not targets.is_remote(str(uri)):
            continue  # a page of the site
        findings = targets.check_link(str(uri), origin)
        if findings:
            _drop(node, findings, nodes.Text(node.astext()) if isinstance(node, nodes.reference) else None)


def drop_injected_markup(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """`doctree-resolved`: raw HTML that other Jupyter Book extensions add to every page (sphinx-thebe's
    scripts for running code) goes; content's own raw markup was refused when the page was read."""
    if _content_dir(app.env) is None:
        return
    for raw in list(doctree.findall(nodes.raw)):
        raw.parent.remove(raw)


def _drop(node: nodes.Element, findings: list[targets.Finding], replacement: nodes.Node | None) -> None:
    for finding in findings:
        report(finding.rule, finding.message, finding.hint, node)
    if replacement is not None and node.parent is not None and not isinstance(node.parent, nodes.document):
        node.replace_self(replacement)
    elif node.parent is not None:
        node.parent.remove(node)
