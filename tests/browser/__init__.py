"""Browser tests: the built handbook in headless Chromium.

A package, so that its conftest does not shadow tests/conftest.py.
"""
