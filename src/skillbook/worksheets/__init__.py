"""The worksheets renderer: published homework in, printable and fillable PDFs out (WeasyPrint).

Imports only from checking, reading and the shared modules.
"""
