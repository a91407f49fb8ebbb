"""skillbook: author DBT skills once, publish a handbook site, worksheets and app bundles."""

from __future__ import annotations

# the one place the version is written: pyproject.toml reads it from here (and every command
# starts without asking the installed package's metadata)
__version__ = "0.1.0"

__all__ = ["__version__"]
