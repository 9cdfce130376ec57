"""Renderers: the Assessment (and the case it came from) into JSON, Markdown, HTML and PDF.

Only :mod:`pia.render.pdf` imports WeasyPrint, and only when a PDF is asked for.
"""
