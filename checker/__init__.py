"""Todoku checker: will mail from your domain reach this (Japanese) address, why not, and what to do.

Sans-I/O in the style of h11: plain data in, frozen dataclasses out. No printing, files, network or
clock in here; the CLI (``python -m checker``), the browser worker and the site generator are thin shells.

    >>> from checker import check, Situation
    >>> check("taro@docomo.ne.jp", situation=Situation(level=7), lang="en").verdict
    'at-risk'
"""
from __future__ import annotations

from ._data import Data, default_data
from ._model import ARRIVES, Finding, Result, Situation
from .address.check import check

__all__ = ["ARRIVES", "Data", "Finding", "Result", "Situation", "check", "default_data"]
__version__ = "0.1.0"
