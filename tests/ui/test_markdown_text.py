"""ui.markdown_text: text escaped so Streamlit markdown shows it exactly as written."""

from __future__ import annotations

import pytest

from ui.markdown_text import MARKDOWN_SPECIALS, escape_markdown


def test_every_special_character_is_escaped_and_others_are_kept() -> None:
    assert escape_markdown("a*b_c [x](y) <b> $1$ ~z~ | #h `c` \\") == (
        "a\\*b\\_c \\[x\\](y) \\<b\\> \\$1\\$ \\~z\\~ \\| \\#h \\`c\\` \\\\"
    )
    assert escape_markdown("tf.Variable(trainable=False): 2.0") == "tf.Variable(trainable=False): 2.0"
    assert all(escape_markdown(char) == "\\" + char for char in MARKDOWN_SPECIALS)


def test_rendered_markdown_shows_the_text_verbatim() -> None:
    markdown_it = pytest.importorskip("markdown_it")  # CommonMark, as the browser's renderer (installed with keras)
    text = "**not bold** [not a link](x) <script>x</script> _a_ `b`"
    html = markdown_it.MarkdownIt().render(escape_markdown(text))
    assert "<strong>" not in html and "<a " not in html and "<script>" not in html and "<code>" not in html
    assert "**not bold**" in html and "&lt;script&gt;" in html
