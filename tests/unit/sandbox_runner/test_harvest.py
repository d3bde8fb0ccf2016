"""The guest hands back written files and figures within the run's caps, whatever the work folder holds."""

from __future__ import annotations

import base64
import os
from pathlib import Path

from sandbox_runner.guest.harvest import MAX_KEPT_FILES, MAX_LISTED, Allowance, keep_figures, written_files

MB = 1024 * 1024


def allowance(run_mb: int = 20, file_mb: int = 10) -> Allowance:
    return Allowance(run_bytes=run_mb * MB, file_bytes=file_mb * MB)


def test_files_are_kept_until_the_runs_total_and_the_rest_listed_by_size(tmp_path):
    for n in range(10):
        (tmp_path / f"part-{n}.bin").write_bytes(b"x" * 5 * MB)

    files = written_files(allowance(), root=str(tmp_path))

    assert [entry["name"] for entry in files] == [f"part-{n}.bin" for n in range(10)]
    assert [("content" in entry) for entry in files] == [True] * 4 + [False] * 6
    assert {entry.get("not_kept") for entry in files[4:]} == {"over the run's total"}
    assert all(entry["size"] == 5 * MB for entry in files)


def test_a_file_over_the_per_file_cap_is_not_kept_but_smaller_ones_after_it_are(tmp_path):
    (tmp_path / "a-huge.csv").write_bytes(b"x" * (2 * MB + 1))
    (tmp_path / "b-small.csv").write_bytes(b"a,b\n")

    files = written_files(allowance(run_mb=20, file_mb=2), root=str(tmp_path))

    assert files == [
        {"name": "a-huge.csv", "size": 2 * MB + 1, "not_kept": "too large"},
        {"name": "b-small.csv", "size": 4, "content": base64.b64encode(b"a,b\n")},
    ]


def test_data_hidden_links_and_special_files_are_skipped(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "input.csv").write_text("given")
    (tmp_path / ".matplotlib").mkdir()
    (tmp_path / ".matplotlib" / "fontlist.json").write_text("{}")
    (tmp_path / ".hidden").write_text("h")
    (tmp_path / "secrets").symlink_to("/etc/hostname")
    (tmp_path / "folder-link").symlink_to("/etc", target_is_directory=True)
    os.mkfifo(tmp_path / "pipe")  # opening it would block forever
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "result.txt").write_text("mine")

    files = written_files(allowance(), root=str(tmp_path))

    assert [(entry["name"], base64.b64decode(entry["content"])) for entry in files] == [("out/result.txt", b"mine")]


def test_files_near_the_top_come_first(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.txt").write_text("d")
    (tmp_path / "z.txt").write_text("z")

    assert [entry["name"] for entry in written_files(allowance(), root=str(tmp_path))] == ["z.txt", "a/b/deep.txt"]


def test_many_files_are_kept_up_to_the_count_and_the_rest_summed_up(tmp_path):
    for n in range(MAX_LISTED + 50):
        (tmp_path / f"f{n:04}.txt").write_text("x")

    files = written_files(allowance(), root=str(tmp_path))

    assert sum("content" in entry for entry in files) == MAX_KEPT_FILES
    assert {entry.get("not_kept") for entry in files[MAX_KEPT_FILES:MAX_LISTED]} == {"too many files"}
    assert files[-1] == {"name": "50 more files", "size": 50, "not_kept": "too many files"}
    assert len(files) == MAX_LISTED + 1


def test_a_tree_deeper_than_any_path_can_name_does_not_break_the_walk(tmp_path):
    (tmp_path / "top.txt").write_text("top")
    here = os.getcwd()
    os.chdir(tmp_path)
    try:
        for _ in range(3000):  # 3000 levels of "dd/": past the 4096 bytes a path may have
            os.mkdir("dd")
            os.chdir("dd")
        Path("leaf.txt").write_text("too deep to name")
    finally:
        os.chdir(here)

    try:
        files = written_files(allowance(), root=str(tmp_path))
    finally:
        remove_chain(tmp_path, "dd", 3000)

    assert files[0]["name"] == "top.txt"
    assert all(len(entry["name"]) < 4096 for entry in files)


def remove_chain(root: Path, name: str, depth: int) -> None:
    """Remove a chain of nested folders bottom up (shutil.rmtree would recurse past Python's limit)."""
    here = os.getcwd()
    os.chdir(root)
    try:
        for _ in range(depth):
            os.chdir(name)
        for leftover in os.listdir("."):
            os.unlink(leftover)
        for _ in range(depth):
            os.chdir("..")
            os.rmdir(name)
    finally:
        os.chdir(here)


def test_figures_count_against_the_same_allowance_and_those_not_kept_are_listed():
    png = base64.b64encode(b"p" * 3 * MB).decode()
    figures = [{"png": png, "png_size": 3 * MB}, {"png": png, "png_size": 3 * MB}, {"png": "", "png_size": 5 * MB}]
    shared = allowance(run_mb=4)

    kept, not_kept = keep_figures(figures, shared)

    assert kept == [{"png": png}]
    assert not_kept == [
        {"name": "figure-2.png", "size": 3 * MB, "not_kept": "over the run's total"},
        {"name": "figure-3.png", "size": 5 * MB, "not_kept": "too large"},
    ]
    assert shared.left == 1 * MB
