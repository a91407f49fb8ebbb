"""Data in, JSON text out that can be written inside an HTML `<script>` element or a JavaScript file as it is.

Every generated script and every piece of inline data is written this way, never by putting text
into code: the data is serialized, and nothing it holds can end the element (`</script>`), open
markup (`<!--`), be read as an entity (`&`), or end a JavaScript line (U+2028 and U+2029 are line
terminators in older engines). Each of these characters can only occur inside a JSON string, where
its `\\uXXXX` escape means the same character: the text still parses to the same data, as JSON and as
a JavaScript expression.
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = str.maketrans({
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
})


def script_safe(json_text: str) -> str:
    """JSON text with `<`, `>`, `&`, U+2028 and U+2029 written as `\\u` escapes (the same data)."""
    return json_text.translate(_ESCAPES)


def inline_json(data: Any, *, indent: int | None = None) -> str:
    """`data` as JSON (sorted keys, readable non-ASCII text) that is safe inside `<script>` and as a
    JavaScript expression. Object keys must be fixed by the caller: a key `__proto__` means something
    else to JavaScript than to JSON."""
    return script_safe(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=indent))
