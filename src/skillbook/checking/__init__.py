"""Checking: the content model in, every problem in it out (schemas, body rules, cross-references, reviews).

Imports only from `skillbook.reading` and the shared `skillbook.issues` and `skillbook.errors`.
"""
