"""Core: one address. ``check.py`` orchestrates the rules of the other modules (characters
``normalize.py`` with the frozen ``unicode_table.py``, syntax ``syntax.py``, domain typos ``typo.py``,
the level model ``rules.py``) into a ``Result``. Sans-I/O; imports only ``checker._data``/``_model``."""
