"""The command line and preview: arguments in, exit status out; the library tools each command wraps.

The top of the package: it imports the pipeline and every stage, and nothing imports it.
"""
