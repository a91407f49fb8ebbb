"""Reading: the project folder in, the content model out: settings, sources, front matter with positions, typed items.

Imports only `skillbook.issues` and `skillbook.errors` from outside this package.
"""
