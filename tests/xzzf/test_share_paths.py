"""Issue 23 item 3: a path a person reads, as the staff PCs name it (Settings.shown_path)."""

from pathlib import Path

import pytest

from xzzf.settings import Settings, SettingsError, load_settings

SHARE = r"\\fileserver\行政执法报告"


def test_a_path_under_the_share_root_reads_as_the_share_with_backslashes(tmp_path):
    settings = Settings(share_root=tmp_path / "share", share_name=SHARE)
    assert settings.shown_path(tmp_path / "share" / "2025" / "报告.docx") == SHARE + r"\2025\报告.docx"
    assert settings.shown_path(tmp_path / "share") == SHARE


def test_a_path_outside_the_share_or_beside_it_is_the_servers_own(tmp_path):
    settings = Settings(share_root=tmp_path / "share", share_name=SHARE)
    assert settings.shown_path(tmp_path / "share2" / "a.xlsx") == str(tmp_path / "share2" / "a.xlsx")
    assert Settings().shown_path(Path("out") / "a.xlsx") == str((Path("out") / "a.xlsx").resolve())


def test_half_a_share_setting_or_a_name_that_is_no_share_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("XZZF_SHARE_ROOT", str(tmp_path))
    with pytest.raises(SettingsError, match="设置 XZZF_SHARE_NAME 未填写"):
        load_settings()
    monkeypatch.setenv("XZZF_SHARE_NAME", "/srv/share")
    with pytest.raises(SettingsError, match="设置 XZZF_SHARE_NAME 无效"):
        load_settings()
    monkeypatch.setenv("XZZF_SHARE_NAME", SHARE)
    assert load_settings().share_name == SHARE
