"""Backup, restore and moving the store (README 上线与运维): the store with the files it
points at, taken as one while the store is held, restored onto an empty database and folder,
or copied into an empty PostgreSQL database with its figures checked."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from pathlib import Path

from connectors.archive import Archive
from connectors.backup_file import BackupWriter, extract, read_manifest
from connectors.inbox import Inbox
from connectors.store import Store
from connectors.store_copy import (
    contents,
    copy_store,
    counts,
    known_revision,
    move_mail_paths,
    revision,
)
from xzzf.backup import (
    CONFIG,
    FORMAT,
    SETTINGS_FILE,
    STORE,
    TREES,
    BackupError,
    env_file,
    partial_name,
    size_text,
    without_secrets,
)
from xzzf.periods import BEIJING, YEARS
from xzzf.settings import Settings
from xzzf.units import load_registry

STORE_FILES = ("", ".lock", "-journal", "-wal", "-shm")  # the default SQLite store and its companions


def make_backup(settings: Settings, store: Store, to: Path, now: dt.datetime) -> str:
    """Write the backup at `to`, the store held by the caller (no run writes meanwhile); what it
    holds, as the administrator reads it."""
    to = Path(to).resolve()
    out = settings.out.resolve()
    roots = {"out": out, "receipts": settings.receipts_dir.resolve(), "templates": settings.templates_dir.resolve()}
    # The store is copied as a store, never as a file: the default one, and the one in use.
    stores = [out / "xzzf.db", *([Path(store.engine.url.database).resolve()] if store.engine.dialect.name == "sqlite"
                                 else [])]
    skipped = {path.with_name(path.name + suffix) for path in stores for suffix in STORE_FILES}
    backups = settings.backups.resolve() if settings.backups else None

    def skip(path: Path) -> bool:  # nor a backup itself, this one being written or an earlier one
        return path in skipped or path.name == partial_name(to.name) or path == to or bool(
            backups and path.is_relative_to(backups))

    writer = BackupWriter(to)
    try:
        # Beside the backup, on its disk: a region's store is a large file for /tmp.
        with tempfile.TemporaryDirectory(prefix=".xzzf-backup-", dir=to.parent) as folder:
            snapshot = Store(f"sqlite:///{Path(folder) / 'xzzf.db'}")
            rows = copy_store(store, snapshot)
            snapshot.engine.dispose()
            writer.add_file(Path(folder) / "xzzf.db", STORE)
        files = {name: writer.add_tree(root, name, skip) for name, root in roots.items()
                 if name == "out" or not root.is_relative_to(out)}  # inside the output folder: in "out"
        config = {"units": settings.units, "calendar": settings.calendar_file}
        for name, path in config.items():
            if path and Path(path).is_file():
                writer.add_file(Path(path), f"{CONFIG}/{name}{Path(path).suffix}")
        writer.add_text(f"{CONFIG}/{SETTINGS_FILE}", env_file(without_secrets(os.environ)))
        writer.close({"format": FORMAT, "made_at": now.isoformat(), "backend": store.engine.dialect.name,
                      "revision": revision(store.engine), "rows": rows,
                      "roots": {name: str(root) for name, root in roots.items()},
                      "config": {name: str(path) for name, path in config.items() if path}})
    except BaseException:
        writer.discard()
        raise
    shown = "，".join(f"{TREE_LABELS[name]} {count} 个" for name, count in files.items())
    return (f"已备份到 {to}（{size_text(to.stat().st_size)}）：数据库 {sum(rows.values())} 行"
            f"（{store.engine.dialect.name}，{len(rows)} 张表），文件：{shown}；单位名册、节假日安排和设置"
            f"（不含密码）在 {CONFIG}/ 下；清单 manifest.json 列出每个文件的 SHA-256。"
            f"恢复：xzzf restore {to} --db <空数据库> --out <空文件夹>")


TREE_LABELS = {"out": "输出文件夹", "receipts": "回执", "templates": "模板"}


def refuse_filled(folder: Path) -> None:
    """A restore writes only into a folder that is missing or empty."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise BackupError(f"--out {folder} 不是空文件夹：恢复只写入新的或空的文件夹，请换一个文件夹")


def verified(backup: Path) -> dict:
    """The backup's manifest, once every file in it matches its SHA-256 and this version of
    xzzf can read its store; else BackupError saying which file or what to do."""
    manifest = read_manifest(backup)
    if manifest.get("format") != FORMAT or not known_revision(manifest.get("revision")):
        raise BackupError(f"备份文件 {backup} 由较新版本的 xzzf 制作（数据库版本 {manifest.get('revision')}）："
                          "请先升级 xzzf（git pull、make setup）再恢复")
    return manifest


def restore(backup: Path, manifest: dict, settings: Settings, store: Store) -> str:
    """The verified backup (its manifest) restored: its store copied into the empty store (held
    by the caller), its files into the empty output folder; what was restored where."""
    if why := contents(store.engine):
        raise BackupError(f"目标数据库不是空的：{why}；恢复只写入空数据库，请新建一个数据库")
    out = settings.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".xzzf-restore-", dir=out) as folder:  # on the restored disk
        extract(backup, lambda name: Path(folder) / "xzzf.db" if name == STORE else None)
        snapshot = Store(f"sqlite:///{Path(folder) / 'xzzf.db'}")
        snapshot.migrate()  # a backup made before an upgrade: its schema brought to this version's
        copied = copy_store(snapshot, store)
        snapshot.engine.dispose()
    if copied != counts(store.engine) or any(copied[name] != rows for name, rows in manifest["rows"].items()):
        raise BackupError(f"恢复后的行数与备份不符（{copied}）：请换用另一份备份")
    move_mail_paths(store, Path(manifest["roots"]["out"]), out)
    config = out / CONFIG

    def where(name: str) -> Path | None:
        tree, _, rest = name.partition("/")
        if tree in TREES and rest:
            return out / TREES[tree] / rest
        return config / rest if tree == CONFIG else None

    written = extract(backup, where)
    moved = [f"{TREE_LABELS[name]}原在 {manifest['roots'][name]}，现在 {out / TREES[name]}"
             for name in ("receipts", "templates") if not Path(manifest["roots"][name]).is_relative_to(
                 manifest["roots"]["out"])]
    made = dt.datetime.fromisoformat(manifest["made_at"]).astimezone(BEIJING)
    url = store.engine.url.render_as_string(hide_password=True)
    return "\n".join([
        f"已从 {backup}（{made:%Y-%m-%d %H:%M} 的备份，清单校验通过）恢复：数据库 {sum(copied.values())} 行"
        f"（{url}），文件 {written} 个，输出文件夹 {out}",
        *moved,
        f"单位名册、节假日安排和备份时的设置（不含密码）在 {config}：请在 /etc/xzzf/xzzf.env 中设置 "
        f"XZZF_OUT={out}、XZZF_DATABASE_URL={url}，XZZF_UNITS 指向 {config / 'units.yaml'}（或把它放回原处），"
        f"对照 {config / SETTINGS_FILE} 核对其余设置，并重新填写密码"])


def move_store(settings: Settings, source: Store, target: Store, now: dt.datetime) -> str:
    """The store (held by the caller) copied into the empty `target`; rows counted and the
    figures of every year compared on both sides; what to change to use it."""
    if why := contents(target.engine):
        raise BackupError(f"--to 数据库不是空的：{why}；只能复制到空数据库，请新建一个数据库")
    copied = copy_store(source, target)
    if copied != counts(source.engine) or copied != counts(target.engine):
        raise BackupError(f"复制后的行数不符（{copied}）：请删除目标数据库中的表后重新复制")
    years = figures_by_year(settings, source, now)
    if years != figures_by_year(settings, target, now):
        raise BackupError("复制后的年度指标与原数据库不符：请保留原数据库，删除目标数据库中的表后重新复制，"
                          "仍不符请联系开发人员")
    url = target.engine.url.render_as_string(hide_password=True)
    return "\n".join([
        f"已复制到 {url}：{len(copied)} 张表共 {sum(copied.values())} 行，每张表的行数一致；"
        + (f"{'、'.join(map(str, years))} 年度指标一致" if years else "尚无年度指标可比较"),
        f"请停止 worker，把 /etc/xzzf/xzzf.env 中的 XZZF_DATABASE_URL 改为 {url}（即 --to 给出的地址）"
        "，再启动 worker；原数据库 " + source.engine.url.render_as_string(hide_password=True) + " 保留不动，可作备份"])


def figures_by_year(settings: Settings, store: Store, now: dt.datetime) -> dict[int, dict]:
    """figures-<Y>.json of every year the store has files of, as of `now`."""
    from flows.setup import Run
    from flows.summary_steps import in_force_rows, year_figures
    from xzzf.annual import figures_json

    run = Run(settings, load_registry(settings.units), store, Inbox(settings.inbox), Archive(settings.out / "archive"),
              now, True, now)
    view = run.view()
    years = sorted({int(fact.period[:4]) for fact in view if fact.period and int(fact.period[:4]) in YEARS})
    if not years:
        return {}
    said = logging.getLogger("xzzf")  # a year without a plan is the runs' notice, not the copy's
    said.disabled = True
    try:
        figures = year_figures(run, view, in_force_rows(run, view), *years)
    finally:
        said.disabled = False
    return {year: figures_json(report) for year, report in zip(years, figures, strict=True)}
