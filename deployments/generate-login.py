#!/usr/bin/env python3
"""Give the Prefect server its login, once: `admin:<random>` written into the settings file as
PREFECT_SERVER_API_AUTH_STRING (the server asks for it) and PREFECT_API_AUTH_STRING (the
worker, deploy.sh and the commands send it), the same value in both, where they are empty. A
login already there is kept. The secret is never printed: whoever may read the file reads it
there. Python's standard library only: it runs before `make setup`.

    sudo deployments/generate-login.py [/etc/xzzf/xzzf.env]
"""

import os
import re
import secrets
import sys
import tempfile
from pathlib import Path

SERVER, CLIENT = "PREFECT_SERVER_API_AUTH_STRING", "PREFECT_API_AUTH_STRING"
USER = "admin"


def refuse(message: str):
    print(f"错误：{message}", file=sys.stderr)
    sys.exit(2)


def value(text: str, name: str) -> str:
    """The value of `name=` in the file as bash and systemd read it (the last line wins; one
    pair of quotes around it is not part of it)."""
    found = re.findall(rf"^{name}=(.*)$", text, flags=re.MULTILINE)
    raw = found[-1].strip() if found else ""
    return raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"" else raw


def with_value(text: str, name: str, new: str) -> str:
    line = f"{name}={new}"
    if re.search(rf"^{name}=", text, flags=re.MULTILINE):
        return re.sub(rf"^{name}=.*$", lambda _: line, text, flags=re.MULTILINE)
    return text + ("" if text.endswith("\n") or not text else "\n") + line + "\n"


def write(path: Path, text: str) -> None:
    """Replace the file at once, keeping its owner and mode but never readable by others: it
    holds the secret."""
    status = path.stat()
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.chmod(temporary, status.st_mode & 0o770)
        if os.geteuid() == 0:
            os.chown(temporary, status.st_uid, status.st_gid)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(path: Path) -> None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        refuse(f"没有 {path}：请先复制 deployments/xzzf.env.example 到 {path} 并填写，再运行本命令")
    except PermissionError:
        refuse(f"无权读取 {path}：请用 sudo 运行")
    server, client = value(text, SERVER), value(text, CLIENT)
    if server and client and server != client:
        refuse(f"{path} 中 {SERVER} 与 {CLIENT} 不同：两者应是同一个口令；删去其中一个的值后重新运行本命令")
    if server and client:
        print(f"{path} 中已有登录口令，未改变")
        return
    # token_urlsafe: letters, digits, - and _ — no quoting in bash or systemd, and the UI's
    # login box takes it as typed.
    login = server or client or f"{USER}:{secrets.token_urlsafe(24)}"
    try:
        write(path, with_value(with_value(text, SERVER, login), CLIENT, login))
    except PermissionError:
        refuse(f"无权写入 {path}：请用 sudo 运行")
    print(f"已生成登录口令，写入 {path}（{SERVER} 与 {CLIENT}，用户名 {USER}）。"
          f"查看：sudo grep {CLIENT} {path}；生效：sudo systemctl restart xzzf-server xzzf-worker")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/etc/xzzf/xzzf.env"))
