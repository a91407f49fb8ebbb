"""The site renderer: the checked handbook in, the Jupyter Book site out, with its Sphinx extension.

All Jupyter Book and Sphinx coupling lives here. Imports from the worksheets renderer (the site lists
and prints what the worksheets print), checking and reading; never from the command line or pipeline.
"""
