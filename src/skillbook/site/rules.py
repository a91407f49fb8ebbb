"""The allowlist in, the authoring guide's list of what content may use out (`{content-rules}`)."""

from __future__ import annotations

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from skillbook.reading import allowlist
from skillbook.reading.allowlist import Body
from skillbook.site import cards as sb

_BODY_WORDS = {Body.MARKDOWN: "Markdown", Body.LITERAL: "shown as written", Body.NONE: "none"}


class ContentRules(SphinxDirective):
    """`{content-rules}`: every directive and role content may use, with its options and their kinds."""

    def run(self) -> list[nodes.Node]:
        table = nodes.table(classes=["skillbook-content-rules"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (18, 32, 38, 12):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        head += _row("Directive", "What it is for", "Argument and options", "Content")
        group += head
        body = nodes.tbody()
        for name, rule in sorted(allowlist.DIRECTIVES.items()):
            parts = [f"argument: {rule.argument.describe()}"] if rule.argument else []
            parts += [f":{option}: {kind.describe()}" for option, kind in sorted(rule.options.items())]
            body += _row(f"{{{name}}}", f"{rule.purpose} ({rule.provider})", "; ".join(parts) or "none",
                         _BODY_WORDS[rule.body])
        group += body
        roles = sb.bullet_list([[nodes.literal(text=f"{{{name}}}"), f": {purpose} ({kind.describe()})"]
                                for name, (kind, purpose) in sorted(allowlist.ROLES.items())])
        refused = ", ".join(f"{{{name}}}" for name in sorted(allowlist.REFUSED_DIRECTIVES))
        return [sb.paragraph(f"Directives ({len(allowlist.DIRECTIVES)}):"), table,
                sb.paragraph(f"Roles ({len(allowlist.ROLES)}):"), roles,
                sb.paragraph(f"Never allowed, with their own message: {refused}, raw HTML, and any directive, role "
                             "or option not listed here.")]


def _row(*cells: str) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row
