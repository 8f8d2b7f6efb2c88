"""core.store.log_root: $TAPESTREAM_LOGDIR (default ./tensorboard), and log folders that cannot leave it."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.store.log_root import confined_logdir, log_root


def test_the_root_is_tapestream_logdir_or_tensorboard_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TAPESTREAM_LOGDIR", raising=False)
    assert log_root() == tmp_path.resolve() / "tensorboard"
    monkeypatch.setenv("TAPESTREAM_LOGDIR", "logs/tb")
    assert log_root() == tmp_path.resolve() / "logs" / "tb"
    assert confined_logdir("") == tmp_path.resolve() / "logs" / "tb"


@pytest.mark.parametrize(
    "folder, inside",
    [
        ("", ()),
        (".", ()),
        ("class-1", ("class-1",)),
        ("class 1/week:2", ("class_1", "week_2")),
        ("./a//b/", ("a", "b")),
        ("a\\b", ("a", "b")),
        ("v1.2_x", ("v1.2_x",)),
        ("dé*jà", ("d_j_",)),
    ],
)
def test_sub_folder_names_keep_letters_digits_dash_underscore_and_dot(
    tmp_path: Path, folder: str, inside: tuple[str, ...]
) -> None:
    assert confined_logdir(folder, tmp_path) == tmp_path.resolve().joinpath(*inside)


@pytest.mark.parametrize("folder", ["..", "../x", "a/../../x", "a/..", "...", "/etc", "~/x"])
def test_paths_that_leave_the_root_are_refused_naming_it(tmp_path: Path, folder: str) -> None:
    with pytest.raises(ValueError, match=f"outside the TensorBoard log root {tmp_path.resolve()}"):
        confined_logdir(folder, tmp_path)


def test_an_absolute_path_inside_the_root_is_kept(tmp_path: Path) -> None:
    assert confined_logdir(str(tmp_path / "x" / "y"), tmp_path) == tmp_path.resolve() / "x" / "y"


def test_a_symbolic_link_out_of_the_root_is_refused(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "root", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "link").symlink_to(elsewhere)
    with pytest.raises(ValueError, match="outside the TensorBoard log root"):
        confined_logdir("link/x", root)


def test_too_deep_and_non_text_folders_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="at most 8"):
        confined_logdir("/".join("a" * 9), tmp_path)
    with pytest.raises(ValueError, match="must be a path inside"):
        confined_logdir(3, tmp_path)  # type: ignore[arg-type]
