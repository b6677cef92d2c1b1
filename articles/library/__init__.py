"""The shared source library: sources and their rules, file import and export, bibliographies.

``citations`` is the pure-Python toolkit underneath (identifiers, AMA, one reader and one
writer module per file format); the modules here bind it to the ``Source`` model.
"""
