"""`python -m skillbook` runs the command line."""

from __future__ import annotations

from skillbook.cli import main

main()
