"""The GradientTape Explorer's views and the syllabus listing import in a fresh interpreter without TF or Keras."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MODULES = (
    "ui.explorer.examples_section, ui.explorer.syllabus_cards, ui.explorer.playground_panel, "
    "ui.explorer.playground_output, ui.explorer.graph_dot"
)


def test_the_explorer_views_import_without_tensorflow() -> None:
    code = f"import sys, {MODULES}; print(sorted({{'tensorflow', 'keras'}} & set(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "[]"
