"""AppTest helpers for the GradientTape Explorer page: its path and the text of its code blocks, errors and notes."""

from __future__ import annotations

from page_helpers import ROOT
from streamlit.testing.v1 import AppTest

EXPLORER_PAGE = str(ROOT / "pages" / "1_GradientTape_Explorer.py")


def explorer() -> AppTest:
    """The page, run once with its defaults."""
    app = AppTest.from_file(EXPLORER_PAGE, default_timeout=180)
    return app.run()


def code_text(app: AppTest) -> str:
    """Every st.code block's text, one after the other."""
    return "\n\n".join(block.value for block in app.code)


def errors(app: AppTest) -> list[str]:
    """The text of every st.error."""
    return [element.value for element in app.error]


def plain_errors(app: AppTest) -> list[str]:
    """The text of every st.error with its markdown escapes removed, as the learner reads it."""
    return [element.value.replace("\\", "") for element in app.error]


def infos(app: AppTest) -> list[str]:
    """The text of every st.info."""
    return [element.value for element in app.info]


def markdown_text(app: AppTest) -> str:
    """Every st.markdown's text."""
    return "\n".join(element.value for element in app.markdown)
