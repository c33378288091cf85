"""The offline bundle's choice of files (deployments/bundle_wheels.py, README "离线安装"): what
the server installs on any CPython 3.11.x on Linux x86_64 with the bundle's glibc floor, from
uv.lock with its hashes. The bundle itself is built and installed with no network by CI
(.ci/offline-install)."""

import importlib.util
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("bundle_wheels", ROOT / "deployments" / "bundle_wheels.py")
bundle_wheels = importlib.util.module_from_spec(spec)
spec.loader.exec_module(bundle_wheels)
LOCK = {p["name"]: p for p in tomllib.loads((ROOT / "uv.lock").read_text())["package"]}


def test_a_package_is_taken_where_its_marker_holds_on_any_linux_cpython_311():
    exported = ("# via prefect\n"
                "async-timeout==5.0.1 ; python_full_version < '3.11.3'\n"
                "cffi==2.1.1 ; platform_python_implementation != 'PyPy'\n"
                "pywin32==312 ; sys_platform == 'win32'\n"
                "psycopg-binary==3.3.9 ; implementation_name != 'pypy'\n"
                "typing-extensions==4.16.0\n")
    assert bundle_wheels.wanted(exported) == [("async-timeout", "5.0.1"), ("cffi", "2.1.1"),
                                              ("psycopg-binary", "3.3.9"), ("typing-extensions", "4.16.0")]


@pytest.mark.parametrize(("floor", "platform"), [("2.28", "manylinux_2_28_x86_64"), ("2.17", "manylinux2014_x86_64")])
def test_the_wheel_is_the_one_pip_takes_at_the_glibc_floor_never_a_newer_one(floor, platform):
    url, digest, is_wheel = bundle_wheels.choose(LOCK["cryptography"], bundle_wheels.tag_ranks(floor))
    name = url.rsplit("/", 1)[1]
    assert is_wheel and name.startswith("cryptography-") and "-cp311-abi3-" in name and platform in name
    assert (url, digest) in [(wheel["url"], wheel["hash"]) for wheel in LOCK["cryptography"]["wheels"]]


def test_a_package_with_no_wheel_for_the_target_is_built_from_its_locked_sdist():
    numpy = LOCK["numpy"]  # its oldest x86_64 wheel needs glibc 2.27
    url, digest, is_wheel = bundle_wheels.choose(numpy, bundle_wheels.tag_ranks("2.17"))
    assert (url, digest, is_wheel) == (numpy["sdist"]["url"], numpy["sdist"]["hash"], False)
    without_sdist = {key: value for key, value in numpy.items() if key != "sdist"}
    with pytest.raises(SystemExit, match="numpy 2.4.6"):
        bundle_wheels.choose(without_sdist, bundle_wheels.tag_ranks("2.17"))


def test_each_line_is_a_locked_file_with_the_locks_hash(tmp_path):
    (tmp_path / "req.txt").write_text("numpy==2.4.6\npandas==3.1.1\n")
    bundle_wheels.main(tmp_path / "req.txt", ROOT / "uv.lock", "2.24", tmp_path / "wheels.txt", tmp_path / "builds.txt")
    wheels = (tmp_path / "wheels.txt").read_text().splitlines()
    builds = (tmp_path / "builds.txt").read_text().splitlines()
    assert [line.split(" @ ")[0] for line in wheels] == ["pandas"]  # manylinux_2_24
    assert [line.split(" @ ")[0] for line in builds] == ["numpy"]  # manylinux_2_27 at the oldest
    locked = {(f["url"], f["hash"]) for name in ("numpy", "pandas")
              for f in [*LOCK[name]["wheels"], LOCK[name]["sdist"]]}
    for line in wheels + builds:
        url, digest = line.split(" @ ")[1].split(" --hash=")
        assert (url, digest) in locked
