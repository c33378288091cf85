"""What a backup keeps of the settings (never a secret) and which backups the schedule deletes."""

import datetime as dt

from xzzf.backup import backup_name, env_file, expired, without_secrets


def test_a_backup_keeps_the_settings_but_no_secret():
    kept = without_secrets({
        "XZZF_OUT": "/var/lib/xzzf", "XZZF_SMTP_PASSWORD": "Correct-Horse-42", "XZZF_SMTP_USER": "xzzf@example.gov.cn",
        "XZZF_DATABASE_URL": "postgresql+psycopg://xzzf:s3cret@127.0.0.1/xzzf",
        "PREFECT_API_AUTH_STRING": "admin:pass", "PREFECT_SERVER_API_AUTH_STRING": "admin:pass",
        "PREFECT_SERVER_ENCRYPTION_KEY": "k", "PREFECT_API_KEY": "pnu_x", "PREFECT_API_URL": "http://127.0.0.1:4200/api",
        "HOME": "/root", "XZZF_SHARE_NAME": "\\\\fileserver\\行政执法"})
    assert kept == {"PREFECT_API_URL": "http://127.0.0.1:4200/api",
                    "XZZF_DATABASE_URL": "postgresql+psycopg://xzzf:***@127.0.0.1/xzzf", "XZZF_OUT": "/var/lib/xzzf",
                    "XZZF_SHARE_NAME": "\\\\fileserver\\行政执法", "XZZF_SMTP_USER": "xzzf@example.gov.cn"}
    assert "XZZF_SHARE_NAME='\\\\fileserver\\行政执法'" in env_file(kept)


def test_the_schedule_deletes_only_its_own_oldest_backups():
    names = [backup_name(dt.datetime(2026, 12, day, 13, 30, tzinfo=dt.UTC)) for day in (3, 1, 2)]
    assert names[1] == "xzzf-backup-20261201-213000.zip"  # Beijing time: the names sort by age
    others = ["手工备份.zip", "xzzf-backup-20261201-213000.zip.bak", ".手工备份.zip.partial"]
    assert expired(names + others, 2) == ["xzzf-backup-20261201-213000.zip"]
    assert expired(names + others, 3) == []
    assert expired([*names, ".xzzf-backup-20261204-213000.zip.partial"], 3) == [  # a killed run's
        ".xzzf-backup-20261204-213000.zip.partial"]
