"""The shared markdown-it parser splits every body exactly as MyST's own configuration does: its faster
text rule and line table change how long a parse takes, never its tokens."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.renderer import RendererHTML
from markdown_it.rules_block.state_block import StateBlock
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

from conftest import FIXTURES, REPO
from skillbook.reading.allowlist import MYST_EXTENSIONS
from skillbook.reading.myst import line_marks, myst_markdown

REFERENCE = create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)
REFERENCE.disable("wordcount")
OURS = myst_markdown()


def _tokens(parser: object, text: str) -> list[dict[str, object]]:
    return [token.as_dict() for token in parser.parse(text)]  # type: ignore[attr-defined]


def test_every_shipped_and_fixture_page_gives_the_same_tokens() -> None:
    # the bounded-work corpus (bounds-*) is made of pages over the caps, which validate refuses before
    # any parser of the build reads them; MyST's own parser takes hours and gigabytes on them
    pages = [*sorted((REPO / "content").rglob("*.md")),
             *sorted(p for p in FIXTURES.rglob("*.md") if not p.name.startswith("bounds-"))]
    assert len(pages) > 300
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        assert _tokens(OURS, text) == _tokens(REFERENCE, text), page


_MARKDOWN = st.text(alphabet=" \t\n\r\x00abc#>-*_`:{}[]()<>!|~+=.1\\&$%@^", max_size=80)


@settings(max_examples=3000, deadline=None)
@given(_MARKDOWN)
def test_random_markdown_gives_the_same_tokens(text: str) -> None:
    assert _tokens(OURS, text) == _tokens(REFERENCE, text)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet=" \t\nab", max_size=30))
def test_the_line_table_is_markdown_its(text: str) -> None:
    state = StateBlock(text, REFERENCE, {}, [])
    assert line_marks(text) == (state.bMarks, state.eMarks, state.tShift, state.sCount, state.bsCount)

