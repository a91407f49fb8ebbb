"""Pictures and downloads in, the safe-file verdicts out (reading/safefiles.py): SVG allowlist, PDF active
content, rasters, text, the `_config.yml` logo, and the site's Content-Security-Policy.

Hostile files are made here (PDFs with pikepdf), in several spellings each; plain files must pass.
Run as a script, this module writes the binary fixtures of the hostile corpus again
(tests/fixtures/hostile/files-*.pdf, .png and .txt; see cases-files.yml):

    python3 tests/test_safe_files.py
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name, String

from skillbook.errors import ConfigError
from skillbook.reading import safefiles, targets
from skillbook.reading.config import load_config
from skillbook.reading.safefiles import css_problem, file_problem, pdf_problem, svg_problem

REPO = Path(__file__).resolve().parent.parent
HOSTILE = REPO / "tests" / "fixtures" / "hostile"
THEME = REPO / "src" / "skillbook" / "site" / "theme" / "skillbook"
SVG = 'xmlns="http://www.w3.org/2000/svg"'
XLINK = 'xmlns:xlink="http://www.w3.org/1999/xlink"'


def svg(body: str, attributes: str = "") -> bytes:
    return f'<svg {SVG} {XLINK} width="10" height="10"{attributes}>{body}</svg>'.encode()


# ----------------------------------------------------------------------------------------------- SVG

PLAIN_SVGS = {
    "the corpus's safe square": (HOSTILE / "safe.svg").read_bytes(),
    "gradient and use": svg('<defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#fff"/>'
                            '<stop offset="1" stop-color="#36c"/></linearGradient><path id="a" d="M0 0h4v4z"/>'
                            '</defs><rect width="10" height="10" fill="url(#g)"/><use href="#a" x="5"/>'
                            '<use xlink:href="#a" y="5"/>'),
    "a gradient inheriting another": svg('<defs><radialGradient id="r"><stop offset="0"/></radialGradient>'
                                         '<radialGradient id="s" href="#r" fx="0.2"/></defs>'
                                         '<circle r="4" fill="url( \'#s\' )"/>'),
    "declaration, title, labels, comments": b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
                                            b"<!-- made by hand -->\n" + svg(
        '<title>Calm</title><desc>A square</desc><g role="img" aria-label="Image (blue) @ home" '
        'xml:lang="en"><rect width="4" height="4" style="fill: #36c; stroke-width: 2"/></g>'),
    "a style sheet of classes": svg('<style><![CDATA[.a { fill: #36c } @media (prefers-color-scheme: dark) '
                                    '{ .a { fill: #9cf } } .b { clip-path: url(#c) }]]></style>'
                                    '<clipPath id="c"><rect width="5" height="5"/></clipPath>'
                                    '<rect class="a b" width="10" height="10"/>'),
    "a symbol used many times": svg('<symbol id="s" viewBox="0 0 2 2"><circle cx="1" cy="1" r="1"/></symbol>'
                                    + '<use href="#s" width="2" height="2"/>' * 100),
    "text and a mask": svg('<mask id="m"><rect width="10" height="10" fill="white"/></mask>'
                           '<text x="1" y="8" font-family="sans-serif" mask="url(#m)">Hi <tspan>there</tspan></text>'),
}


@pytest.mark.parametrize("data", PLAIN_SVGS.values(), ids=list(PLAIN_SVGS))
def test_plain_svgs_pass(data: bytes) -> None:
    assert svg_problem(data) is None


HOSTILE_SVGS: list[tuple[str, bytes, str]] = [
    # processing instructions: a style sheet that runs XSLT or loads CSS when the picture is opened
    ("xslt", b'<?xml-stylesheet type="text/xsl" href="x.xsl"?>' + svg(""), "processing instruction"),
    ("xslt after the declaration", b'<?xml version="1.0"?>\n<?xml-stylesheet href="x.xsl" type="text/xsl"?>'
     + svg(""), "processing instruction"),
    ("css", b'<?xml-stylesheet type="text/css" href="https://tracker.example/a.css"?>' + svg(""),
     "processing instruction"),
    ("a pi inside", svg('<?xml-stylesheet href="x.xsl"?><rect/>'), "processing instruction"),
    ("another pi", svg("<?php echo 1; ?>"), "processing instruction"),
    # DTD and entities
    ("doctype", b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/'
     b'svg11.dtd">' + svg(""), "DOCTYPE"),
    ("entity", b'<!DOCTYPE svg [<!ENTITY u "url(https://x.example)">]>' + svg('<rect fill="&u;"/>'), "DOCTYPE"),
    ("external entity", b'<!DOCTYPE svg [<!ENTITY s SYSTEM "file:///etc/passwd">]>' + svg("<text>&s;</text>"),
     "DOCTYPE"),
    ("undeclared entity", svg("<text>&secret;</text>"), "well-formed"),
    # elements
    ("script", svg("<script>alert(1)</script>"), "<script>"),
    ("script upper case", svg("<SCRIPT>alert(1)</SCRIPT>"), "<SCRIPT>"),
    ("foreignObject", svg("<foreignObject><p>x</p></foreignObject>"), "<foreignObject>"),
    ("foreignObject prefixed", b'<s:svg xmlns:s="http://www.w3.org/2000/svg"><s:foreignObject/></s:svg>',
     "<foreignObject>"),
    ("image", svg('<image href="https://tracker.example/p.png"/>'), "<image>"),
    ("a", svg('<a href="javascript:alert(1)"><rect/></a>'), "<a>"),
    ("set", svg('<rect><set attributeName="fill" to="url(https://x.example)"/></rect>'), "<set>"),
    ("animate", svg('<rect><animate attributeName="href" values="javascript:alert(1)"/></rect>'), "<animate>"),
    ("filter", svg('<filter id="f"><feImage href="https://x.example"/></filter>'), "<filter>"),
    ("html namespace", svg('<h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script>'), "namespace"),
    ("no namespace", b"<svg><rect/></svg>", "without the SVG namespace"),
    ("not svg", b'<html xmlns="http://www.w3.org/2000/svg"/>', "<html>"),
    ("element in style", svg("<style><rect/></style>"), "inside `<style>`"),
    # attributes
    ("onload", svg("", ' onload="alert(1)"'), "event handler"),
    ("onclick upper case", svg('<rect ONCLICK="alert(1)"/>'), "event handler"),
    ("href elsewhere", svg('<use href="other.svg#a"/>'), "only `#id`"),
    ("xlink href elsewhere", svg('<use xlink:href="https://x.example/a.svg#a"/>'), "only `#id`"),
    ("href data", svg('<use href="data:image/svg+xml,&lt;svg/&gt;#a"/>'), "only `#id`"),
    ("href with space", svg('<use href=" #a"/>'), "only `#id`"),
    ("href xpointer", svg('<use href="#xpointer(id(\'a\'))"/>'), "only `#id`"),
    ("href on a shape", svg('<rect href="#a"/>'), "href"),
    ("xml:base", svg('<rect xml:base="https://x.example/"/>'), "base"),
    ("unknown attribute", svg('<rect cursor="url(https://x.example/c.cur)"/>'), "cursor"),
    ("foreign namespace", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:i="http://www.inkscape.org/namespaces/'
     b'inkscape"/>', "namespace"),
    ("svg-prefixed attribute", b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:s="http://www.w3.org/2000/svg">'
     b'<rect s:fill="red"/></svg>', "in the namespace"),
    # CSS that loads, in every spelling
    ("style url", svg('<rect style="fill:url(https://x.example/p)"/>'), "url("),
    ("style escaped r", svg('<rect style="fill:u\\72l(https://x.example/p)"/>'), "url("),
    ("style escaped u with space", svg('<rect style="fill:\\75 rl(https://x.example/p)"/>'), "url("),
    ("style six hex digits", svg('<rect style="fill:\\000055\\000052L(https://x.example/p)"/>'), "url("),
    ("style escaped letter", svg('<rect style="fill:\\u\\r\\l(https://x.example/p)"/>'), "url("),
    ("style comment inside", svg('<rect style="fill:u/**/rl(https://x.example/p)"/>'), "url("),
    ("style comment before paren", svg('<rect style="fill:url/* x */(https://x.example/p)"/>'), "url("),
    ("style escaped comment start", svg('<rect style="fill:\\2f* url(https://x.example/p) */"/>'), "url("),
    ("style character reference", svg('<rect style="fill:&#x75;&#114;l(https://x.example/p)"/>'), "url("),
    ("presentation attribute", svg('<rect fill="url(https://x.example/p)"/>'), "url("),
    ("presentation attribute after a local one", svg('<rect fill="url(#g) url(https://x.example/p)"/>'), "url("),
    ("local url then a remote", svg('<rect mask="url(#m)" clip-path="url(\'https://x.example/c\')"/>'), "url("),
    ("image-set", svg('<rect style="fill:-webkit-image-set(\'https://x.example/p.png\' 1x)"/>'), "image-set("),
    ("image", svg('<rect style="fill:image(\'https://x.example/p.png\')"/>'), "image("),
    ("cross-fade", svg('<rect style="fill:cross-fade(\'a.png\', \'b.png\')"/>'), "cross-fade("),
    ("expression", svg('<rect style="width:expression(alert(1))"/>'), "expression("),
    ("src", svg("<style>@font-face { font-family: x; src: src('https://x.example/f.woff') }</style>"), "@font-face"),
    ("style import", svg('<style>@import "https://x.example/a.css";</style>'), "@import"),
    ("style import escaped", svg('<style>@\\69mport "https://x.example/a.css";</style>'), "@import"),
    ("style import in cdata", svg('<style><![CDATA[@import url(https://x.example/a.css);]]></style>'), "@import"),
    ("style url after a string comment", svg('<style>.a { content: "/*" } .b { fill: url(https://x.example/p) }'
                                             ' .c { content: "*/" }</style>'), "url("),
    ("style not css", svg('<style type="text/xsl">x</style>'), "not CSS"),
    ("moz-binding", svg('<rect style="-moz-binding: url(https://x.example/x.xml#x)"/>'), "-moz-binding"),
    ("behavior", svg('<rect style="behavior: \'x.htc\'"/>'), "behavior"),
    # <use> bombs and other unbounded work
    ("use of a use", svg('<path id="a" d="M0 0"/><use id="b" href="#a"/><use href="#b"/>'), "`<use>` of `#b`"),
    ("use of a group holding a use", svg('<path id="a" d="M0 0"/><g id="b"><use href="#a"/></g><use href="#b"/>'),
     "`<use>` of `#b`"),
    ("use of itself", svg('<g id="a"><use href="#a"/></g>'), "`<use>` of `#a`"),
    ("use before its target", svg('<use href="#b"/><g id="b"><use href="#c"/></g><path id="c" d="M0 0"/>'),
     "`<use>` of `#b`"),
    ("many uses", svg('<path id="a" d="M0 0"/>' + '<use href="#a"/>' * 101), "more than 100 `<use>`"),
    ("uses copying a lot", svg('<g id="a">' + "<rect/>" * 2_000 + "</g>" + '<use href="#a"/>' * 6),
     "copies more than"),
    ("many elements", svg("<rect/>" * 10_001), "more than 10,000 elements"),
    ("deep", svg("<g>" * 101 + "</g>" * 101), "deep"),
    ("large", svg(" " * 1_000_001), "larger than"),
    # encodings
    ("latin-1", b'<?xml version="1.0" encoding="ISO-8859-1"?>' + svg("<title>caf\xe9</title>".replace(
        "\xe9", "e")), "encoding"),
    ("utf-16", '<svg xmlns="http://www.w3.org/2000/svg"/>'.encode("utf-16"), "UTF-8"),
    ("empty", b"", "well-formed"),
    ("not xml", b"not xml", "well-formed"),
]


@pytest.mark.parametrize(("data", "reason"), [(d, r) for _n, d, r in HOSTILE_SVGS],
                         ids=[n for n, _d, _r in HOSTILE_SVGS])
def test_hostile_svgs_are_refused_with_a_plain_reason(data: bytes, reason: str) -> None:
    problem = svg_problem(data)
    assert problem is not None and reason in problem, problem


@pytest.mark.parametrize(("css", "found"), [
    ("fill: url(https://x.example)", "url("), ("fill: URL(x.png)", "url("), ("fill: u\\rl(x)", "url("),
    ("fill: \\55 \\52 \\4c (x)", "url("), ("fill: \\0075rl(x)", "url("), ("fill: u\\\nrl(x)", "url("),
    ("fill: \\75\r\nrl(x)", "url("), ("fill: ur/* */l(x)", "url("), ("fill: url(/* */x)", "url("),
    ("fill: url(#a) url(x)", "url("), ("fill: url('#a' x)", "url("), ("fill: url(\\23 a) url(x)", "url("),
    ("@IMPORT 'x'", "@import"), ("@\\000069mport 'x'", "@import"), ("@namespace x url(y)", "@namespace"),
    ("@font-face{}", "@font-face"), ("w: EXPRESSION(alert(1))", "expression("), ("f: src('x')", "src("),
    ("f: -webkit-image-set('x' 1x)", "image-set("), ("f: element(#x)", "element("),
])
def test_css_that_loads_is_found_in_every_spelling(css: str, found: str) -> None:
    problem = css_problem(css)
    assert problem is not None and found in problem, (css, problem)


@pytest.mark.parametrize("css", [
    "fill: #36c", "fill:url(#g)", "fill: url( '#g' )", 'fill: URL("#G-1.a")', "stroke-width: 2; opacity: .5",
    "@media (prefers-color-scheme: dark) { .a { fill: #fff } }", "font-family: 'Image Sans'", "",
    "fill: url(\\23 a)", "fill: url(#a\\29 x)",  # escapes that spell a fragment: still this picture
])
def test_css_that_loads_nothing_passes(css: str) -> None:
    assert css_problem(css) is None


# ----------------------------------------------------------------------------------------------- PDF


def plain_pdf() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(200, 200))
    return pdf


def saved(pdf: pikepdf.Pdf, **options: object) -> bytes:
    stream = io.BytesIO()
    # the same bytes every time, so the committed fixtures can be made again (not when encrypted: qpdf cannot)
    pdf.save(stream, deterministic_id="encryption" not in options, **options)  # type: ignore[arg-type]
    return stream.getvalue()


def with_link(pdf: pikepdf.Pdf, action: Dictionary, **annotation: object) -> pikepdf.Pdf:
    link = pdf.make_indirect(Dictionary(Type=Name.Annot, Subtype=Name.Link, Rect=[0, 0, 50, 50], A=action,
                                        **annotation))
    pdf.pages[0].obj.Annots = Array([link])
    return pdf


def raw_pdf(*objects: bytes) -> bytes:
    """A PDF written by hand (object 1 the catalogue): what no PDF library would write."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


_PAGES = (b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
          b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Resources << >> >>")


def openaction_js() -> bytes:
    pdf = plain_pdf()
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert('opened')"))
    return saved(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)  # hidden in a compressed stream


def launch() -> bytes:
    return saved(with_link(plain_pdf(), Dictionary(S=Name.Launch, Win=Dictionary(F=String("cmd.exe"),
                                                                                  P=String("/c calc")))))


def embedded() -> bytes:
    pdf = plain_pdf()
    pdf.attachments["plan.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ not really a program")
    return saved(pdf)


def page_aa() -> bytes:
    pdf = plain_pdf()
    pdf.pages[0].obj.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.alert('page')")))
    return saved(pdf)


def annotation_aa() -> bytes:
    submit = Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://tracker.example/form")))
    return saved(with_link(plain_pdf(), Dictionary(S=Name.GoTo, D=Array([0, Name.Fit])),
                           AA=Dictionary(E=submit)))


def uri_javascript() -> bytes:
    return saved(with_link(plain_pdf(), Dictionary(S=Name.URI, URI=String(" \tJavaScript:app.alert(1)"))))


def hex_names() -> bytes:
    # names written with #xx escapes, in an object nothing refers to
    return raw_pdf(*_PAGES, b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>")


def encrypted() -> bytes:
    pdf = plain_pdf()
    pdf.Root.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert('hidden')"))
    return saved(pdf, encryption=pikepdf.Encryption(owner="owner", user="", R=6))


def js_stream_link() -> bytes:
    pdf = plain_pdf()
    return saved(with_link(pdf, Dictionary(S=Name.JavaScript, JS=pdf.make_stream(b"app.alert(1)"))))


def png(*chunks: tuple[bytes, bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + b"".join(chunk(k, d) for k, d in chunks) + \
        chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b"")


def polyglot_png() -> bytes:
    return png((b"tEXt", b"Comment\x00<html><script>alert(document.domain)</script></html>"))


# the binary fixtures of the hostile corpus: file name -> how it is made, and why it is refused
FIXTURES: dict[str, tuple[Callable[[], bytes], str]] = {
    "files-openaction-js.pdf": (openaction_js, "/OpenAction"),
    "files-launch.pdf": (launch, "/Launch"),
    "files-embedded.pdf": (embedded, "embedded file"),
    "files-page-aa.pdf": (page_aa, "/AA"),
    "files-annot-aa.pdf": (annotation_aa, "/AA"),
    "files-uri-javascript.pdf": (uri_javascript, "JavaScript:"),
    "files-hex-names.pdf": (hex_names, "JavaScript"),
    "files-encrypted.pdf": (encrypted, "encrypted"),
    "files-polyglot.png": (polyglot_png, "HTML"),
    "files-binary.txt": (lambda: b"Notes\x00\x01\x02\xff\xfe", "NUL"),
}


@pytest.mark.parametrize("name", list(FIXTURES))
def test_each_binary_fixture_still_carries_its_attack(name: str, tmp_path: Path) -> None:
    make, reason = FIXTURES[name]
    committed = HOSTILE / name
    assert committed.stat().st_size < 20_000
    problem = file_problem(committed)
    assert problem is not None and reason in problem, problem
    fresh = tmp_path / name
    fresh.write_bytes(make())
    problem = file_problem(fresh)
    assert problem is not None and reason in problem, problem


def pdf_file(tmp_path: Path, data: bytes) -> Path:
    path = tmp_path / "download.pdf"
    path.write_bytes(data)
    return path


def linked(action: Dictionary) -> Callable[[], bytes]:
    """A one-page PDF whose page has a link doing `action`."""
    return lambda: saved(with_link(plain_pdf(), action))


def changed(change: Callable[[pikepdf.Pdf], object]) -> Callable[[], bytes]:
    """A one-page PDF changed by `change` (which sets entries of its objects)."""
    def build() -> bytes:
        pdf = plain_pdf()
        change(pdf)
        return saved(pdf)
    return build


def _names_tree(pdf: pikepdf.Pdf) -> None:
    script = Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("a"), script])))


def _open_launch(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pdf.make_indirect(Dictionary(S=Name.Launch, F=String("calc.exe")))


def _catalog_aa(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AA = Dictionary(WC=Dictionary(S=Name.JavaScript, JS=String("app.alert(1)")))


def _annotation(subtype: Name) -> Callable[[pikepdf.Pdf], None]:
    def change(pdf: pikepdf.Pdf) -> None:
        annotation = Dictionary(Type=Name.Annot, Subtype=subtype, Rect=[0, 0, 1, 1])
        pdf.pages[0].obj.Annots = Array([pdf.make_indirect(annotation)])
    return change


def _xfa(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AcroForm = Dictionary(Fields=Array(), XFA=Array())


def _uri(address: str) -> Callable[[], bytes]:
    return linked(Dictionary(S=Name.URI, URI=String(address)))


_FIT = Array([0, Name.Fit])
HOSTILE_PDFS: dict[str, tuple[Callable[[], bytes], str]] = {
    **{name.removesuffix(".pdf"): entry for name, entry in FIXTURES.items() if name.endswith(".pdf")},
    "names-tree javascript": (changed(_names_tree), "JavaScript"),
    "js as a stream in a link": (js_stream_link, "JavaScript"),
    "openaction to a launch": (changed(_open_launch), "/OpenAction|/Launch"),
    "a goto then javascript": (linked(Dictionary(S=Name.GoTo, D=_FIT, Next=Dictionary(
        S=Name.JavaScript, JS=String("app.alert(1)")))), "JavaScript"),
    "catalog aa": (changed(_catalog_aa), "/AA"),
    "submit form": (linked(Dictionary(S=Name.SubmitForm, F=String("https://tracker.example/"))), "/SubmitForm"),
    "import data": (linked(Dictionary(S=Name.ImportData, F=String("x.fdf"))), "/ImportData"),
    "goto remote": (linked(Dictionary(S=Name.GoToR, F=String("other.pdf"), D=_FIT)), "/GoToR"),
    "goto embedded": (linked(Dictionary(S=Name.GoToE, D=_FIT)), "/GoToE"),
    "rendition": (linked(Dictionary(S=Name.Rendition, OP=0)), "/Rendition"),
    "rich media": (changed(_annotation(Name.RichMedia)), "rich media"),
    "file attachment annotation": (changed(_annotation(Name.FileAttachment)), "attached file"),
    "xfa form": (changed(_xfa), "XFA"),
    "uri http": (_uri("http://x.example/"), "http://"),
    "uri file": (_uri("file:///etc/passwd"), "file:"),
    "uri relative": (_uri("other.html"), "other.html"),
    "uri data": (_uri("data:text/html,x"), "data:"),
    "uri javascript split": (_uri("java\nscript:app.alert(1)"), "script:"),
    "password": (lambda: saved(plain_pdf(), encryption=pikepdf.Encryption(owner="o", user="u")), "encrypted"),
    "html": (lambda: b"%PDF-1.4\n<html><script>alert(1)</script></html>", "HTML"),
    "not a pdf": (lambda: b"<html><script>alert(1)</script></html>", "not really a PDF"),
    "damaged": (lambda: raw_pdf(*_PAGES).replace(b"startxref\n", b"startxref\n9"), "not really a PDF"),
    "truncated": (lambda: saved(plain_pdf())[:300], "not really a PDF"),
    "hidden action in an array": (lambda: raw_pdf(*_PAGES, b"[ 1 2 << /A << /S /Launch /F (x) >> >> ]"), "/Launch"),
}


@pytest.mark.parametrize("name", list(HOSTILE_PDFS))
def test_pdfs_with_active_content_are_refused(name: str, tmp_path: Path) -> None:
    make, reasons = HOSTILE_PDFS[name]
    problem = file_problem(pdf_file(tmp_path, make()))
    assert problem is not None and any(reason in problem for reason in reasons.split("|")), problem


def _open_at_page(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = Array([pdf.pages[0].obj, Name.Fit])


def _open_through_goto(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit]))


def _structure(pdf: pikepdf.Pdf) -> None:
    pdf.Root.StructTreeRoot = Dictionary(Type=Name.StructTreeRoot, K=Dictionary(Type=Name.StructElem,
                                                                               S=Name.Document))


def _form(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AcroForm = Dictionary(Fields=Array())


def _contact_links() -> bytes:
    pdf = with_link(plain_pdf(), Dictionary(S=Name.URI, URI=String("tel:+44 800 000")))
    return saved(with_link(pdf, Dictionary(S=Name.URI, URI=String("mailto:help@example.org"))))


PLAIN_PDFS: dict[str, Callable[[], bytes]] = {
    "a blank page": lambda: saved(plain_pdf()),
    "compressed objects": lambda: saved(plain_pdf(), object_stream_mode=pikepdf.ObjectStreamMode.generate),
    "an https link": _uri("https://example.org/help"),
    "mailto and tel": _contact_links,
    "opens at a page": changed(_open_at_page),
    "opens at a page through GoTo": changed(_open_through_goto),
    "an internal link": linked(Dictionary(S=Name.GoTo, D=_FIT)),
    "a structure tree": changed(_structure),
    "a form without actions": changed(_form),
}


@pytest.mark.parametrize("name", list(PLAIN_PDFS))
def test_plain_pdfs_pass(name: str, tmp_path: Path) -> None:
    assert pdf_problem(pdf_file(tmp_path, PLAIN_PDFS[name]())) is None


def test_pdf_work_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = plain_pdf()
    for _ in range(3):
        pdf.add_blank_page()
    path = pdf_file(tmp_path, saved(pdf))
    monkeypatch.setattr(safefiles, "PDF_MAX_PAGES", 2)
    assert "more than 2 pages" in (pdf_problem(path) or "")
    monkeypatch.setattr(safefiles, "PDF_MAX_OBJECTS", 3)
    assert "more than 3 objects" in (pdf_problem(path) or "")


# ------------------------------------------------------------------------------------ rasters, text


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("a.png", png(), None),
    ("a.png", png((b"tEXt", b"Comment\x00a calm picture")), None),
    ("a.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "not really a PNG"),
    ("a.png", b"<!doctype html><script>alert(1)</script>", "not really a PNG"),
    ("a.png", polyglot_png(), "HTML"),
    ("a.png", png((b"tEXt", b"c\x00<SVG onload=alert(1)>")), "HTML"),
    ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 40, None),
    ("a.jpeg", b"\xff\xd8\xff\xfe\x00\x20<body onload=alert(1)>", "HTML"),
    ("a.jpg", b"GIF89a", "not really a JPG"),
    ("a.gif", b"GIF89a\x01\x00\x01\x00", None),
    ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 ", None),
    ("a.webp", b"RIFF\x00\x00\x00\x00WAVEfmt ", "not really a WEBP"),
    ("a.txt", "Notes, in UTF-8: café\n".encode(), None),
    ("a.csv", b"\xef\xbb\xbfname,value\nA,1\n", None),
    ("a.txt", b"Notes\x00", "NUL"),
    ("a.csv", "café".encode("latin-1"), "not UTF-8"),
    ("a.txt", "é".encode() * 40_000 + b"\xc3", "not UTF-8"),  # a sequence cut at the end of the file
    ("a.md", b"# A page\n", None),
])
def test_rasters_are_what_they_say_and_text_is_text(name: str, data: bytes, reason: str | None,
                                                     tmp_path: Path) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    problem = file_problem(path)
    assert (problem is None) if reason is None else (problem is not None and reason in problem), problem


def test_the_path_rule_uses_the_same_check_with_a_hint(tmp_path: Path) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "plan.pdf").write_bytes(openaction_js())
    (content / "page.md").write_text("# A page\n", encoding="utf-8")
    findings = targets.check_path("plan.pdf", targets.Origin(content / "page.md", content),
                                  targets.DOWNLOAD_SUFFIXES, "the download")
    assert [f.rule for f in findings] == ["file-type"]
    assert "/OpenAction" in findings[0].message and "print the document" in findings[0].hint


# ------------------------------------------------------------------------------------------ the logo

LOGO_CONFIG = (HOSTILE / "files-logo.config.yml").read_text(encoding="utf-8")


@pytest.mark.parametrize(("setting", "picture", "reason"), [
    ("logo: content/files-logo.svg", (HOSTILE / "files-logo.svg").read_bytes(), "processing instruction"),
    ("logo: content/files-logo.svg", (HOSTILE / "payload-script.svg").read_bytes(), "<script>"),
    ("logo: content/files-logo.png", b"<html><script>alert(1)</script>", "not really a PNG"),
    ("logo: content/files-logo.svg", None, "does not exist"),
    ("html: {favicon: content/files-logo.svg}", (HOSTILE / "payload-onload.svg").read_bytes(), "event handler"),
    ("logo: content/files-logo.svg", (HOSTILE / "safe.svg").read_bytes(), None),
])
def test_the_logo_and_favicon_pass_the_same_content_check(setting: str, picture: bytes | None, reason: str | None,
                                                          tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    config = tmp_path / "_config.yml"
    config.write_text(LOGO_CONFIG.replace("logo: content/files-logo.svg", setting), encoding="utf-8")
    name = setting.split("content/")[1].rstrip("}")
    if picture is not None:
        (tmp_path / "content" / name).write_bytes(picture)
    if reason is None:
        load_config(config)
        return
    with pytest.raises(ConfigError) as error:
        load_config(config)
    assert "_config.yml:3:" in str(error.value) and reason in str(error.value), error.value


# ----------------------------------------------------------------------------------- the CSP

CSP = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def theme_policy() -> str:
    match = CSP.search((THEME / "csp.html").read_text(encoding="utf-8"))
    assert match, "theme/skillbook/csp.html holds the policy"
    return match.group(1)


def test_the_policy_allows_the_themes_inline_scripts_by_their_hashes_and_nothing_else() -> None:
    policy = dict(d.strip().split(" ", 1) for d in theme_policy().split(";"))
    inline = [s for attributes, s in re.findall(r"<script([^>]*)>(.*?)</script>", "".join(
        p.read_text(encoding="utf-8") for p in sorted(THEME.glob("*.html"))), re.S)
        if "src=" not in attributes and "ld+json" not in attributes]
    hashes = {"'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() + "'" for s in inline}
    assert inline and set(policy["script-src"].split()) == {"'self'", *hashes}, "recompute the hash in csp.html"
    assert policy["default-src"] == "'self'" and policy["style-src"] == "'self'"
    for directive, value in {"object-src": "'none'", "base-uri": "'none'", "frame-src": "'none'",
                             "form-action": "'self'", "connect-src": "'self'", "worker-src": "'self'"}.items():
        assert policy[directive] == value, directive
    assert not any(re.search(r"https?:|\*|data:|'unsafe-eval'", v) for v in policy.values()), policy


def test_the_policy_comes_first_in_every_whole_page_template() -> None:
    layout = re.sub(r"\{#.*?#\}", "", (THEME / "layout.html").read_text(encoding="utf-8"), flags=re.S)
    head = layout[layout.index("<head>"):layout.index("</head>")]
    tags = re.findall(r"<(?:meta|script|link|style|title)\b[^>]*>|\{%-? include [^%]+%\}", head)
    assert tags[:2] == ['<meta charset="utf-8">', '{% include "csp.html" %}'], tags[:3]
    for page in sorted(THEME.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert page.name in ("layout.html", "csp.html") or '{%- extends "layout.html" %}' in text, page.name


# ---------------------------------------------------------------------------------- a built site

PICTURES_PAGE = """\
# Pictures

```{image} calm.png
:alt: A calm picture
:width: 120px
```

```{figure} square.svg
:alt: A blue square
:width: 50%

A caption.
```

```{image} square.svg
:alt: The same square, scaled
:scale: 50
```

Get {download}`the plan <plan.pdf>`.
"""


@pytest.fixture(scope="module")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small handbook with sized pictures, a PDF download and the chooser, built for real."""
    from conftest import CONFIG, TOC, write_project

    toc = TOC.replace("      - file: content/crisis\n", "      - file: content/crisis\n"
                      "      - file: content/find-a-skill\n      - file: content/pictures\n")
    root = write_project(tmp_path_factory.mktemp("safe-site") / "project", {
        "_config.yml": CONFIG.replace("start: [content/crisis]", "start: [content/crisis, content/find-a-skill]"),
        "_toc.yml": toc,
        "content/find-a-skill.md": "# Find a skill\n\n```{skill-finder}\n```\n",
        "content/pictures.md": PICTURES_PAGE,
        "content/calm.png": png(),
        "content/square.svg": PLAIN_SVGS["gradient and use"],
        "content/plan.pdf": saved(with_link(plain_pdf(), Dictionary(S=Name.URI, URI=String("https://example.org/")))),
    })
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    result = subprocess.run([sys.executable, "-P", "-m", "skillbook", "build"], cwd=root, capture_output=True,
                            text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "build"


def site_pages(built: Path) -> list[Path]:
    site = built / "site"
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


@pytest.mark.slow
def test_every_built_page_carries_the_policy_before_anything_it_governs(built_site: Path) -> None:
    policy = theme_policy()
    pages = site_pages(built_site)
    assert len(pages) > 5
    for page in pages:
        text = page.read_text(encoding="utf-8")
        head = text[:text.index("</head>")]
        match = CSP.search(head)
        assert match and match.group(1) == policy, f"{page} has no Content-Security-Policy, or another one"
        first = re.search(r"<(?:script|link|style|base|img)\b", head)
        assert first is None or first.start() > match.start(), f"{page}: something comes before the policy"


@pytest.mark.slow
def test_pictures_are_never_linked_as_documents(built_site: Path) -> None:
    pictures = (built_site / "site" / "content" / "pictures.html").read_text(encoding="utf-8")
    assert pictures.count("<img") == 3 and 'style="width: 120px;"' in pictures  # sized, as written
    for page in site_pages(built_site):
        links = re.findall(r'<a\b[^>]*\shref="([^"]*)"', page.read_text(encoding="utf-8"))
        linked = [h for h in links if h.split("#")[0].split("?")[0].lower().endswith(targets.IMAGE_SUFFIXES)]
        assert not linked, f"{page} links to pictures as documents: {linked}"


@pytest.mark.slow
def test_the_pdfs_skillbook_makes_pass_the_download_check(built_site: Path) -> None:
    made = sorted((built_site / "worksheets").glob("*.pdf"))
    assert made
    for path in made:  # a worksheet a handbook offers as a download is a plain PDF
        assert pdf_problem(path) is None, path
    downloads = sorted((built_site / "site" / "_downloads").rglob("*.pdf"))
    assert [p.name for p in downloads] == ["plan.pdf"]


if __name__ == "__main__":
    for fixture, (make, _reason) in FIXTURES.items():
        (HOSTILE / fixture).write_bytes(make())
        print(f"wrote {HOSTILE / fixture}", file=sys.stderr)
