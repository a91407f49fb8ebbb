"""A picture or download file in, why it is not safe to publish out (None: it is): one check for every reader.

`skillbook validate`, the Sphinx side and the `_config.yml` logo all ask `file_problem`, so what may
be published is decided once. Nothing is cleaned up silently: a file either passes as it is or is
refused with a plain reason.

- SVG: parsed without DTD, entities or network; only the elements and attributes listed here, in
  the SVG, xlink and xml namespaces; no processing instruction; CSS (style attributes, `<style>`,
  presentation attributes) that loads nothing, in any spelling; `href` only as `#id`; `<use>`
  bounded (count, no `<use>` of something holding a `<use>`, elements copied); size, element count
  and depth bounded. One linear pass.
- PDF: parsed in full by qpdf (pikepdf); every object is walked, so an action anywhere is found:
  JavaScript, actions on open or on events, launch, form submission, data import, other files,
  embedded files, rich media, XFA, links other than https:, mailto: and tel:, encryption.
- Text downloads: UTF-8 without NUL bytes. Rasters: their magic bytes, and no markup in the first
  kilobyte a browser sniffs.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from xml.parsers import expat

if TYPE_CHECKING:
    import pikepdf

LINK_SCHEMES = frozenset({"https", "mailto", "tel"})  # the link rule's schemes (reading.targets uses these)

# ------------------------------------------------------------------------------------------ dispatch

# The first bytes of each raster type: a `.png` that is really HTML is refused.
_MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".webp": (b"RIFF",),
    ".pdf": (b"%PDF-",),
}
_TEXT_SUFFIXES = frozenset({".txt", ".csv", ".json", ".yml"})
# what a browser's content sniffing reads to take a file for a page (WHATWG MIME sniffing: 1,445 bytes)
_SNIFFED = 1445
_MARKUP = re.compile(rb"<(?:script|html|svg|body|iframe|!doctype)", re.I)


def file_problem(path: Path) -> str | None:
    """Why the file's bytes are not safe to publish as its suffix says (None: they are)."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".svg":
            with path.open("rb") as stream:
                data = stream.read(SVG_MAX_BYTES + 1)  # no more than the limit is ever held
            return svg_problem(data)
        if suffix in _TEXT_SUFFIXES:
            return _text_problem(path)
        with path.open("rb") as stream:
            head = stream.read(_SNIFFED)
    except OSError:
        return "cannot be read"
    magic = _MAGIC.get(suffix)
    if magic is None:
        return None  # pages and partials: read and checked as content
    kind = suffix[1:].upper()
    if not head.startswith(magic) or (suffix == ".webp" and head[8:12] != b"WEBP"):
        return f"is not really a {kind} file"
    if _MARKUP.search(head):
        return f"is not really a {kind} file: it holds HTML or SVG markup a browser could run as a page"
    return pdf_problem(path) if suffix == ".pdf" else None


def _text_problem(path: Path) -> str | None:
    """UTF-8 text without NUL bytes, read in pieces (constant memory, whatever the size)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 16):
            if b"\x00" in chunk:
                return "holds NUL bytes: it is not a text file"
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError:
                return "is not UTF-8 text"
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    return None


# ----------------------------------------------------------------------------------------------- SVG

SVG_MAX_BYTES = 1_000_000
SVG_MAX_ELEMENTS = 10_000
SVG_MAX_DEPTH = 100
SVG_MAX_USES = 100
SVG_MAX_COPIED = 10_000  # elements all the `<use>` elements copy, together
_SVG = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
_XML = "http://www.w3.org/XML/1998/namespace"
_NAMESPACES = frozenset({_SVG, _XLINK, _XML})
SVG_ELEMENTS = frozenset({
    "svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "text", "tspan", "title",
    "desc", "defs", "linearGradient", "radialGradient", "stop", "clipPath", "mask", "symbol", "use", "metadata",
    "style",
})
_HREF_ELEMENTS = frozenset({"use", "linearGradient", "radialGradient"})
# Attributes without a namespace: geometry, presentation, accessibility. Nothing that names a
# resource (`href` is handled apart), runs script (`on*`) or animates.
SVG_ATTRIBUTES = frozenset({
    # identity and accessibility
    "id", "class", "style", "lang", "role", "aria-label", "aria-labelledby", "aria-describedby", "aria-hidden",
    "aria-roledescription", "type",
    # the canvas
    "version", "baseProfile", "width", "height", "viewBox", "preserveAspectRatio",
    # geometry
    "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "fr", "d", "points", "pathLength",
    "transform", "transform-origin", "offset", "dx", "dy", "rotate", "textLength", "lengthAdjust",
    "gradientUnits", "gradientTransform", "spreadMethod", "clipPathUnits", "maskUnits", "maskContentUnits",
    # presentation
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "opacity", "color",
    "display", "visibility", "overflow", "clip-path", "clip-rule", "mask", "stop-color", "stop-opacity",
    "font-family", "font-size", "font-size-adjust", "font-weight", "font-style", "font-variant", "font-stretch",
    "text-anchor", "dominant-baseline", "alignment-baseline", "baseline-shift", "letter-spacing", "word-spacing",
    "text-decoration", "writing-mode", "direction", "unicode-bidi", "vector-effect", "shape-rendering",
    "text-rendering", "color-interpolation", "paint-order",
})
_NAMESPACED_ATTRIBUTES = frozenset({f"{_XML} lang", f"{_XML} space", f"{_XLINK} href"})
# attributes read as words, never as CSS (a label may say "image(s)" or "@home")
_WORDS = frozenset({"role", "lang", "aria-label", "aria-labelledby", "aria-describedby", "aria-roledescription"})
_FRAGMENT = re.compile(r"#[A-Za-z_][A-Za-z0-9_.-]*")


class _Refused(Exception):
    """Raised from inside the parser's handlers: parsing stops at the first problem."""


@dataclass
class _Open:
    """An element being parsed: its id, how many elements it holds (itself included), whether a `<use>`."""

    id: str | None
    is_style: bool = False
    size: int = 1
    holds_use: bool = False
    text: list[str] = field(default_factory=list)


@dataclass
class _SvgCheck:
    """What one pass over the parser's events keeps: open elements, ids and the `<use>` targets."""

    parser: expat.XMLParserType
    stack: list[_Open] = field(default_factory=list)
    elements: int = 0
    uses: list[str] = field(default_factory=list)  # the ids the `<use>` elements copy
    sizes: dict[str, int] = field(default_factory=dict)  # id -> the most elements an element with it holds
    with_use: set[str] = field(default_factory=set)  # ids of elements that are or hold a `<use>`

    def refuse(self, message: str) -> None:
        raise _Refused(f"{message} (line {self.parser.CurrentLineNumber})")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        namespace, _, local = name.rpartition(" ")
        if namespace != _SVG:
            self.refuse(f"has a `<{local}>` element outside the SVG namespace" if namespace else
                        f"has a `<{local}>` element without the SVG namespace "
                        f'(xmlns="{_SVG}" on the <svg> element)')
        if not self.stack and local != "svg":
            self.refuse(f"is not an SVG picture: it starts with `<{local}>`")
        if local not in SVG_ELEMENTS:
            self.refuse(f"contains the element `<{local}>`, which pictures here may not use")
        if self.stack and self.stack[-1].is_style:
            self.refuse("has an element inside `<style>`")
        self.elements += 1
        if self.elements > SVG_MAX_ELEMENTS:
            self.refuse(f"has more than {SVG_MAX_ELEMENTS:,} elements")
        if len(self.stack) >= SVG_MAX_DEPTH:
            self.refuse(f"nests elements more than {SVG_MAX_DEPTH} deep")
        for attribute, value in attributes.items():
            self.attribute(local, attribute, value)
        element = _Open(attributes.get("id"), is_style=local == "style", holds_use=local == "use")
        if local == "use":
            if len(self.uses) >= SVG_MAX_USES:
                self.refuse(f"has more than {SVG_MAX_USES} `<use>` elements")
            targets = {v[1:] for k, v in attributes.items() if k in ("href", f"{_XLINK} href")}
            self.uses.extend(targets)
        if local == "style" and attributes.get("type", "text/css").strip().lower() != "text/css":
            self.refuse("has a `<style>` that is not CSS")
        self.stack.append(element)

    def attribute(self, element: str, name: str, value: str) -> None:
        namespace, _, local = name.rpartition(" ")
        if local.lower().startswith("on"):
            self.refuse(f"has an event handler (`{local}`)")
        if local == "href" and namespace in ("", _XLINK):
            if element not in _HREF_ELEMENTS:
                self.refuse(f"links to another document (`href` on `<{element}>`)")
            if not _FRAGMENT.fullmatch(value):
                self.refuse(f"links to another document (`href=\"{_shown(value)}\"`): only `#id` may be used")
        elif namespace and name not in _NAMESPACED_ATTRIBUTES:
            self.refuse(f"has an attribute `{local}` in the namespace `{_shown(namespace)}`")
        elif not namespace and name not in SVG_ATTRIBUTES:
            self.refuse(f"has an attribute `{local}` that pictures do not need")
        problem = None if local in _WORDS else css_problem(value)
        if problem:
            self.refuse(f"{problem} in its `{local}` attribute")

    def end(self, _name: str) -> None:
        element = self.stack.pop()
        if element.is_style:
            problem = css_problem("".join(element.text))
            if problem:
                self.refuse(f"{problem} in `<style>`")
        if element.id is not None:
            self.sizes[element.id] = max(self.sizes.get(element.id, 0), element.size)
            if element.holds_use:
                self.with_use.add(element.id)
        if self.stack:
            self.stack[-1].size += element.size
            self.stack[-1].holds_use |= element.holds_use

    def text(self, data: str) -> None:
        if self.stack and self.stack[-1].is_style:
            self.stack[-1].text.append(data)

    def namespace(self, prefix: str | None, uri: str) -> None:
        if uri not in _NAMESPACES:
            self.refuse(f"declares the foreign namespace `{_shown(uri)}`")

    def declaration(self, _version: str | None, encoding: str | None, _standalone: int) -> None:
        if encoding is not None and encoding.strip().lower() not in ("utf-8", "utf8", "us-ascii"):
            self.refuse(f"declares the encoding {_shown(encoding)}; save it as UTF-8")

    def instruction(self, target: str, _data: str) -> None:
        self.refuse(f"has a processing instruction (`<?{_shown(target)} …?>`), which can run a style "
                    "sheet or script when the picture is opened")

    def doctype(self, *_args: object) -> None:
        self.refuse("declares a DOCTYPE or entities")

    def external(self, *_args: object) -> int:
        self.refuse("refers to an external entity")
        return 0


def svg_problem(data: bytes) -> str | None:
    """Why an SVG is not safe to publish (None: it is), against the allowlist above."""
    if len(data) > SVG_MAX_BYTES:
        return f"is larger than {SVG_MAX_BYTES // 1_000_000} MB; simplify it or export a PNG"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    parser = expat.ParserCreate(namespace_separator=" ")
    check = _SvgCheck(parser)
    # no DTD, no entity and nothing from the network: the first sign of one stops the parse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.StartElementHandler = check.start
    parser.EndElementHandler = check.end
    parser.CharacterDataHandler = check.text
    parser.StartNamespaceDeclHandler = check.namespace
    parser.XmlDeclHandler = check.declaration
    parser.ProcessingInstructionHandler = check.instruction
    parser.StartDoctypeDeclHandler = check.doctype
    parser.EntityDeclHandler = check.doctype
    parser.UnparsedEntityDeclHandler = check.doctype
    parser.NotationDeclHandler = check.doctype
    parser.ExternalEntityRefHandler = check.external
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        return str(refused)
    except expat.ExpatError as error:
        return f"is not a well-formed SVG ({expat.ErrorString(error.code)}, line {error.lineno})"
    if not check.elements:
        return "is not an SVG picture"
    return _use_problem(check)


def _use_problem(check: _SvgCheck) -> str | None:
    """`<use>` copies its target: a copy of a copy multiplies (a few KB that hang the browser)."""
    copied = 0
    for target in check.uses:
        if target in check.with_use:
            return f"has a `<use>` of `#{_shown(target)}`, which is or holds a `<use>` itself"
        copied += check.sizes.get(target, 0)
    if copied > SVG_MAX_COPIED:
        return f"copies more than {SVG_MAX_COPIED:,} elements through `<use>`"
    return None


# ----------------------------------------------------------------------------------------------- CSS

# CSS escapes: a backslash and 1-6 hex digits (one whitespace after them ends the escape), or a
# backslash and any other character; a backslash before a newline is dropped (inside strings a
# browser does the same; elsewhere dropping it can only find more).
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})[ \t\n]?|(.)|$)", re.S)
# what loads something, or makes a style sheet reach further: functions, then at-rules and the
# old engines' hooks (matched on the lower-cased, decoded text)
_CSS_LOADS = re.compile(r"(url|src|image-set|image|cross-fade|element|expression)\(|@([a-z-]*)"
                        r"|(behavior|-moz-binding)\s*:")
_LOCAL_URL = re.compile(r"""\s*(["']?)#[a-z_][a-z0-9_.-]*\1\s*\)""")


def css_problem(css: str) -> str | None:
    """Why CSS (a style attribute, a `<style>`, a presentation attribute) could load or run something.

    Looked for twice, in the text with escapes decoded: once as written and once without comments
    (`u/**/rl(`): between the two every way a browser can read the text is covered, and a comment
    opened inside a string cannot hide what follows it."""
    if "\\" not in css and "(" not in css and "@" not in css and ":" not in css:
        return None  # plain values (`#3366cc`, `2`, `round`): nothing to decode or look for
    for text in (css, _without_comments(css)):
        found = _css_load(_css_decoded(text).lower())
        if found:
            return found
    return None


def _css_load(text: str) -> str | None:
    for match in _CSS_LOADS.finditer(text):
        function, rule, hook = match.group(1), match.group(2), match.group(3)
        if function == "url" and _LOCAL_URL.match(text, match.end()):
            continue  # `url(#gradient)`: a part of this same picture
        if function:
            return f"loads a resource through CSS `{function}(`"
        if rule is not None and rule != "media":
            return f"uses the CSS rule `@{rule}`"
        if hook:
            return f"uses the CSS `{hook}` hook"
    return None


def _css_decoded(css: str) -> str:
    """CSS as a browser's tokenizer reads it: newlines normalized, escapes decoded."""
    css = css.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").replace("\0", "\ufffd")

    def one(match: re.Match[str]) -> str:
        if match.group(1):
            code = int(match.group(1), 16)
            return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        char = match.group(2)
        return "" if char in (None, "\n") else char

    return _CSS_ESCAPE.sub(one, css) if "\\" in css else css


def _without_comments(css: str) -> str:
    """The text with `/* ... */` removed (an unclosed comment runs to the end), in one pass."""
    parts: list[str] = []
    at = 0
    while (start := css.find("/*", at)) != -1:
        parts.append(css[at:start])
        end = css.find("*/", start + 2)
        at = len(css) if end == -1 else end + 2
    parts.append(css[at:])
    return "".join(parts)  # joined, not spaced: `u/**/rl(` is refused as `url(`


# ----------------------------------------------------------------------------------------------- PDF

PDF_MAX_OBJECTS = 100_000
PDF_MAX_PAGES = 1_000
_PDF_MAX_VISITS = 2_000_000  # dictionary and array entries walked, direct ones included
# keys whose presence is active content, wherever they are
_PDF_KEYS = {
    "/JS": "carries JavaScript (/JS)",
    "/JavaScript": "carries JavaScript (/JavaScript)",
    "/AA": "runs actions when it is opened, closed, printed or clicked (/AA)",
    "/EmbeddedFiles": "carries embedded files (/EmbeddedFiles)",
    "/EF": "carries an embedded file (/EF)",
    "/XFA": "carries an XFA form, which can run scripts (/XFA)",
    "/RichMediaContent": "carries rich media (/RichMediaContent)",
    "/RichMediaSettings": "carries rich media (/RichMediaSettings)",
}
# the kind (`/S`) of an action that runs, opens or sends something
_PDF_ACTIONS = {
    "/JavaScript": "runs JavaScript (/S /JavaScript)",
    "/Launch": "launches a program or file (/Launch)",
    "/SubmitForm": "sends a form elsewhere (/SubmitForm)",
    "/ImportData": "imports data from another file (/ImportData)",
    "/GoToR": "opens another file (/GoToR)",
    "/GoToE": "opens an embedded document (/GoToE)",
    "/RichMediaExecute": "runs rich media (/RichMediaExecute)",
    "/Rendition": "plays media that can run JavaScript (/Rendition)",
    "/Movie": "plays a movie (/Movie)",
    "/Sound": "plays a sound (/Sound)",
    "/GoTo3DView": "runs 3D content (/GoTo3DView)",
}
# types (`/Type`, `/Subtype`) of objects that carry files or media
_PDF_TYPES = {
    "/EmbeddedFile": "carries an embedded file (/EmbeddedFile)",
    "/FileAttachment": "carries an attached file (/FileAttachment)",
    "/RichMedia": "carries rich media (/RichMedia)",
    "/Movie": "carries a movie (/Movie)",
    "/Sound": "carries a sound (/Sound)",
    "/Screen": "carries a media screen (/Screen)",
    "/3D": "carries 3D content, which can run JavaScript (/3D)",
}
_PDF_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")


def pdf_problem(path: Path) -> str | None:
    """Why a PDF is not a plain document (None: it is): it is opened in full and every object walked."""
    import pikepdf  # only when a page offers a PDF: validate starts without it

    try:
        # no recovery: a damaged file is read one way by qpdf and maybe another way by a viewer
        with pikepdf.open(path, attempt_recovery=False) as pdf:
            if pdf.is_encrypted:
                return "is encrypted: its content cannot be checked"
            if len(pdf.objects) > PDF_MAX_OBJECTS:
                return f"has more than {PDF_MAX_OBJECTS:,} objects; split it or print it to a new PDF"
            if len(pdf.pages) > PDF_MAX_PAGES:
                return f"has more than {PDF_MAX_PAGES:,} pages; split it"
            return _pdf_active_content(pdf)
    except pikepdf.PasswordError:
        return "is encrypted: its content cannot be checked"
    except Exception:  # whatever a hostile file makes the parser raise, it is not a PDF we can vouch for
        return "is not really a PDF file (it cannot be read in full)"


def _pdf_active_content(pdf: pikepdf.Pdf) -> str | None:
    visits = 0
    for dictionary in _pdf_dictionaries(pdf):
        for key, value in dictionary.items():
            visits += 1
            if visits > _PDF_MAX_VISITS:
                return "is too complex to check; print it to a new PDF"
            problem = _pdf_entry(key, value)
            if problem:
                return problem
    return None


def _pdf_entry(key: str, value: pikepdf.Object) -> str | None:
    import pikepdf

    if key in _PDF_KEYS:
        return _PDF_KEYS[key]
    if key == "/OpenAction" and not isinstance(value, pikepdf.Array) and not (
            isinstance(value, pikepdf.Dictionary) and value.get("/S") == pikepdf.Name.GoTo):
        return "runs an action when it is opened (/OpenAction)"  # opening at a page (GoTo) is fine
    if isinstance(value, pikepdf.Name):
        name = str(value)
        if key == "/S" and name in _PDF_ACTIONS:
            return _PDF_ACTIONS[name]
        if key in ("/Type", "/Subtype") and name in _PDF_TYPES:
            return _PDF_TYPES[name]
    if key == "/URI" and isinstance(value, pikepdf.String):
        address = bytes(value).decode("latin-1")
        match = _PDF_SCHEME.match("".join(c for c in address if c > " "))
        if not match or match.group(1).lower() not in LINK_SCHEMES:
            return f"links to `{_shown(address)}`: only https:, mailto: and tel: links may be in a download"
    return None


def _pdf_dictionaries(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every dictionary of the file: each object, and each dictionary written inside another."""
    import pikepdf

    stack: list[pikepdf.Object] = [pdf.trailer, *pdf.objects]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Stream):
            item = item.stream_dict
        if isinstance(item, pikepdf.Dictionary):
            yield item
            children = list(item.values())
        elif isinstance(item, pikepdf.Array):
            children = list(item)
        else:
            continue
        # an indirect child is one of pdf.objects, walked on its own
        stack.extend(c for c in children if isinstance(c, pikepdf.Dictionary | pikepdf.Array) and not c.is_indirect)


def _shown(text: str) -> str:
    text = "".join(c if c.isprintable() else "?" for c in text)
    return text if len(text) <= 60 else text[:57] + "..."
