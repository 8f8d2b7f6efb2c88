"""Plain text made safe to show as Streamlit markdown: no accidental bold, links, LaTeX, colours or HTML."""

from __future__ import annotations

MARKDOWN_SPECIALS = "\\`*_[]<>$~|#"


def escape_markdown(text: str) -> str:
    """text with every markdown special character backslash-escaped, so it shows exactly as written."""
    return "".join(f"\\{char}" if char in MARKDOWN_SPECIALS else char for char in text)
