"""The words, symbols and colours every renderer shares (page, committee mode, PDF), said once.

RAG is always a word and a symbol as well as a colour (never colour alone); SPC icons follow
NHS England's Making Data Count names.
"""
from __future__ import annotations

RAG_WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "no target": "No target", "no data": "No data",
             "withheld": "Not shown"}
RAG_SYMBOLS = {"red": "✖", "amber": "▲", "green": "✔", "no target": "–", "no data": "?", "withheld": "c"}
RAG_FILL = {"red": "#b10e1e", "amber": "#ffdd00", "green": "#00703c", "no target": "#ffffff", "no data": "#f3f2f1",
            "withheld": "#f3f2f1"}
RAG_INK = {"red": "#ffffff", "amber": "#0b0c0c", "green": "#ffffff", "no target": "#383f43", "no data": "#383f43",
           "withheld": "#383f43"}
RAG_BORDER = {"amber": "#594d00", "no target": "#505a5f", "no data": "#b1b4b6", "withheld": "#b1b4b6"}

INK = "#0b0c0c"
MUTED = "#505a5f"
HEADER_FILL = "#1f4e79"

VARIATION_WORDS = {
    "common_cause": "Common cause",
    "improvement_high": "Improvement (high)",
    "improvement_low": "Improvement (low)",
    "concern_high": "Concern (high)",
    "concern_low": "Concern (low)",
    "neutral_high": "Special cause (high)",
    "neutral_low": "Special cause (low)",
}
ASSURANCE_WORDS = {
    "consistent_pass": "Will consistently meet target",
    "consistent_fail": "Will consistently miss target",
    "inconsistent": "May meet or miss target",
}
SPC_BADGE_CLASS = {"common": "spc-common", "improvement": "spc-improve", "concern": "spc-concern",
                   "neutral": "spc-neutral", "consistent_pass": "spc-improve", "consistent_fail": "spc-concern",
                   "inconsistent": "spc-common"}


def spc_class(icon: str) -> str:
    """The badge style of a variation or assurance icon."""
    return SPC_BADGE_CLASS[icon] if icon in SPC_BADGE_CLASS else SPC_BADGE_CLASS[icon.split("_")[0]]


def rgb(colour: str) -> tuple[int, int, int]:
    """'#b10e1e' -> (177, 14, 30), for the PDF."""
    return tuple(int(colour[index:index + 2], 16) for index in (1, 3, 5))
