"""Core: a whole list. ``decode.py`` (bytes -> lines: encodings) and ``read.py`` (lines -> records:
CSV/TSV recovery, header and address column) read the table; ``audit.py`` checks every row and
counts the summary; ``report.py`` formats it (CSV cells, JSON Lines, summary); ``job.py`` runs it in
steps for the page. Sans-I/O: bytes in, values and text out."""
