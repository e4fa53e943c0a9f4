"""requirements.lock holds every package requirements.txt asks for, at a version it allows, each with a hash."""
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from deploy.lock import closure, render, top_level

ROOT = Path(__file__).resolve().parents[2]


def locked() -> dict[str, tuple[str, str]]:
    pins = {}
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            spec, hash_option = line.split(" --hash=sha256:")
            name, version = spec.split("==")
            pins[canonicalize_name(name)] = (version, hash_option)
    return pins


def test_lock_covers_requirements_txt_with_hashes():
    pins = locked()
    for requirement in top_level(ROOT / "requirements.txt"):
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{name} is in requirements.txt but not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(pins[name][0], prereleases=True), f"{name}: run `make lock`"
    assert all(len(sha) == 64 and int(sha, 16) >= 0 for _, sha in pins.values())
    assert pins["torch"][0] == "2.13.0+cpu"  # the tested CPU build, never a resolver's pick


def test_closure_follows_installed_metadata_with_markers():
    pinned = closure([Requirement("streamlit")])
    assert {"streamlit", "protobuf", "altair"} <= set(pinned)  # its own requirements, followed
    assert "colorama" not in closure([Requirement("click")])  # click needs it on Windows only
    text = render({"a": "1.0"}, {"a": "0" * 64})
    assert text.splitlines()[-1] == "a==1.0 --hash=sha256:" + "0" * 64
