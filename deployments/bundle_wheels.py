"""Which file of each locked package goes into the offline bundle (`make bundle`, README "离线安装").

    bundle_wheels.py REQUIREMENTS UV_LOCK GLIBC_FLOOR WHEELS_OUT BUILDS_OUT

REQUIREMENTS is `uv export` of what `make setup` installs, with its markers; UV_LOCK gives each
package's files with their SHA-256. Writes two pip requirement files, each line a lock URL with
the lock's hash (pip checks it): WHEELS_OUT the wheel pip would choose on CPython 3.11, Linux
x86_64 with glibc GLIBC_FLOOR, and BUILDS_OUT the sdists of packages with no such wheel, to be
built into wheels now, so the server needs no build backend and no network.
"""

import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.tags import compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

# The server's patch release is unknown here: a package is taken where its marker holds on any
# 3.11.x (async-timeout is wanted below 3.11.3 only).
TARGETS = [{"python_version": "3.11", "python_full_version": f"3.11.{patch}",
            "implementation_version": f"3.11.{patch}", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "sys_platform": "linux",
            "platform_system": "Linux", "platform_machine": "x86_64", "os_name": "posix"}
           for patch in range(30)]
ALIASES = {17: "manylinux2014_x86_64", 12: "manylinux2010_x86_64", 5: "manylinux1_x86_64"}


def tag_ranks(glibc_floor: str) -> dict:
    """The tags pip accepts on such a machine, best first (as pip orders them)."""
    major, minor = map(int, glibc_floor.split("."))
    if major != 2:
        raise SystemExit(f"GLIBC_FLOOR {glibc_floor} 不对：应为 2.N，如 2.28")
    platforms = []
    for glibc in range(minor, 4, -1):
        platforms += [f"manylinux_2_{glibc}_x86_64"] + ([ALIASES[glibc]] if glibc in ALIASES else [])
    tags = [*cpython_tags((3, 11), ["cp311"], platforms), *compatible_tags((3, 11), "cp311", platforms)]
    return {tag: rank for rank, tag in reversed(list(enumerate(tags)))}


def wanted(requirements: str) -> list[tuple[str, str]]:
    pins = []
    for line in requirements.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-")):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or any(requirement.marker.evaluate(env) for env in TARGETS):
            (spec,) = requirement.specifier
            pins.append((canonicalize_name(requirement.name), spec.version))
    return pins


def choose(package: dict, ranks: dict) -> tuple[str, str, bool]:
    """(url, sha256 hash, is a wheel) of the file to bundle."""
    best = None
    for wheel in package.get("wheels", []):
        rank = min((ranks[tag] for tag in parse_wheel_filename(wheel["url"].rsplit("/", 1)[1])[3]
                    if tag in ranks), default=None)
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, wheel)
    if best:
        return best[1]["url"], best[1]["hash"], True
    if "sdist" not in package:
        raise SystemExit(f"{package['name']} {package['version']}：uv.lock 中既没有适合目标系统的 wheel，"
                         "也没有源码包，无法打包：请换用有 wheel 或源码包的版本后重新锁定")
    return package["sdist"]["url"], package["sdist"]["hash"], False


def main(requirements: str, lock: str, glibc_floor: str, wheels_out: str, builds_out: str) -> None:
    packages = {(canonicalize_name(p["name"]), p["version"]): p
                for p in tomllib.loads(Path(lock).read_text())["package"]}
    ranks = tag_ranks(glibc_floor)
    lines = {True: [], False: []}
    for pin in wanted(Path(requirements).read_text()):
        url, digest, is_wheel = choose(packages[pin], ranks)
        lines[is_wheel].append(f"{pin[0]} @ {url} --hash={digest}\n")
    Path(wheels_out).write_text("".join(lines[True]))
    Path(builds_out).write_text("".join(lines[False]))


if __name__ == "__main__":
    main(*sys.argv[1:])
