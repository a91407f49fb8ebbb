"""`extra_extensions: [skillbook.sphinxext]` in `_config.yml` in, the site renderer's Sphinx extension out.

The name handbooks' configuration loads; the extension itself is `skillbook.site.extension`.
"""

from __future__ import annotations

from skillbook.site.extension import setup

__all__ = ["setup"]
