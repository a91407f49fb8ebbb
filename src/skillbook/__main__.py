"""`python -m skillbook` runs the command line."""

from __future__ import annotations

from skillbook.commands.cli import main

main()
