"""The TensorBoard export root ($TAPESTREAM_LOGDIR, default ./tensorboard) and log folders confined inside it."""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath

LOGDIR_ENV = "TAPESTREAM_LOGDIR"
DEFAULT_LOG_ROOT = "tensorboard"
MAX_PART_CHARS = 80
MAX_DEPTH = 8
UNSAFE_CHARACTERS = re.compile(r"[^A-Za-z0-9._-]+")


def log_root() -> Path:
    """The folder every TensorBoard export goes under: $TAPESTREAM_LOGDIR, or ./tensorboard (resolved)."""
    text = os.environ.get(LOGDIR_ENV, "").strip()
    return Path(text or DEFAULT_LOG_ROOT).expanduser().resolve()


def confined_logdir(folder: str | os.PathLike, root: str | os.PathLike | None = None) -> Path:
    """folder as a directory inside root (default log_root()); ValueError naming the root if it would leave it.

    folder is a sub-folder of the root ("class-1/week-2"; blank: the root itself) or an absolute path inside
    it. Each part keeps letters, digits, '-', '_' and '.'; other characters become '_'. '..' and absolute
    paths elsewhere are refused.
    """
    base = Path(root).expanduser().resolve() if root is not None else log_root()
    if not isinstance(folder, (str, os.PathLike)):
        raise ValueError(f"the log folder must be a path inside {base}, got {folder!r}")
    text = str(folder).strip()
    if Path(text).expanduser().is_absolute():
        absolute = Path(text).expanduser().resolve()
        if not absolute.is_relative_to(base):
            raise ValueError(_outside(text, base))
        parts: tuple[str, ...] = absolute.relative_to(base).parts
    else:
        parts = PurePosixPath(text.replace("\\", "/")).parts
    if any(part.strip(".") == "" and len(part) > 1 for part in parts):
        raise ValueError(_outside(text, base))
    kept = [_safe_part(part) for part in parts if part not in ("", ".")]
    if len(kept) > MAX_DEPTH:
        raise ValueError(f"the log folder {text!r} is {len(kept)} folders deep; at most {MAX_DEPTH} are allowed")
    confined = base.joinpath(*kept).resolve()
    if not confined.is_relative_to(base):  # a symbolic link inside the root that points out of it
        raise ValueError(_outside(text, base))
    return confined


def _safe_part(part: str) -> str:
    return UNSAFE_CHARACTERS.sub("_", part)[:MAX_PART_CHARS]


def _outside(text: str, root: Path) -> str:
    return (
        f"the log folder {text!r} is outside the TensorBoard log root {root}: give a sub-folder of it, "
        f"e.g. class-1 (the root is set by {LOGDIR_ENV})"
    )
