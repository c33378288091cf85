import pytest

from xzzf.units import SAMPLE_REGISTRY, RegistryError, load_registry


def test_the_sample_registry_has_departments_bureaus_and_the_six_towns():
    registry = load_registry(SAMPLE_REGISTRY)
    names = {u.name for u in registry.units}
    assert {"新民街道", "红寺堡镇", "太阳山镇", "大河乡", "新庄集乡", "柳泉乡", "司法局"} <= names
    assert not registry.get("CZJ").reports and not registry.get("CZJ").enforcement
    assert "SAMPLE" in SAMPLE_REGISTRY.read_text(encoding="utf-8")


@pytest.mark.parametrize(("entries", "message"), [
    ("- {code: SFJ, name: 司法局, kind: 部门, enforcement: true}\n"
     "- {code: SFJ, name: 财政局, kind: 部门, enforcement: false}", "SFJ 重复"),
    ("- {code: sfj, name: 司法局, kind: 部门, enforcement: true}", "第 1 项（sfj）：单位编码只能"),
    ("- {code: A B, name: 司法局, kind: 部门, enforcement: true}", "单位编码只能"),
    ("- {code: SFJ, name: 司法局, kind: 科室, enforcement: true}", "kind 应为 部门、乡镇 或 街道"),
    ("- {code: SFJ, name: 司法局, kind: 部门}", "enforcement 应为 true 或 false"),
    ("- {code: SFJ, kind: 部门, enforcement: true}", "缺少单位名称"),
    ("- {code: SFJ, name: 司法局, kind: 部门, enforcement: true, email: [nobody]}", "email"),
])
def test_a_broken_registry_stops_with_a_message_naming_the_entry(tmp_path, entries, message):
    path = tmp_path / "units.yaml"
    path.write_text("units:\n" + "\n".join("  " + line for line in entries.splitlines()), encoding="utf-8")
    with pytest.raises(RegistryError, match=message):
        load_registry(path)


def test_a_missing_registry_file_is_named(tmp_path):
    with pytest.raises(RegistryError, match="不存在"):
        load_registry(tmp_path / "nope.yaml")


def test_only_limits_to_registered_codes():
    registry = load_registry(SAMPLE_REGISTRY)
    assert [u.code for u in registry.only(["SFJ"]).units] == ["SFJ"]
    with pytest.raises(RegistryError, match="XYZ"):
        registry.only(["XYZ"])
