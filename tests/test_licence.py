"""The licence the package declares agrees with what it installs (GPL-3.0-or-later and its dependencies)."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).parents[1]
# Licences a GPL-3.0-or-later program may combine with (FSF list of GPL-compatible licences).
COMPATIBLE = {"MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "PSF-based (matplotlib licence)", "MPL-2.0",
              "GPL-3.0", "GPL-3.0-or-later", "LGPL-3.0-or-later", "ISC", "Unlicense", "Python-2.0"}


def _dep_names() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        deps += extra
    return {re.split(r"[<>=!~\[; ]", d, maxsplit=1)[0].strip().lower() for d in deps}


def _doc_rows() -> dict[str, str]:
    rows = {}
    for line in (ROOT / "docs" / "dependencies.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0] not in ("package", "---"):
            rows[cells[0].lower()] = cells[2]
    return rows


def test_package_metadata_and_licence_file_say_gpl3_or_later():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert data["project"]["license"] == "GPL-3.0-or-later"
    text = (ROOT / "LICENSE").read_text()
    assert "GNU GENERAL PUBLIC LICENSE" in text and "Version 3, 29 June 2007" in text
    assert "GPL-3.0-or-later" in (ROOT / "README.md").read_text()


def test_every_dependency_is_listed_with_a_gpl_compatible_licence():
    rows = _doc_rows()
    missing = sorted(_dep_names() - set(rows))
    assert not missing, f"add these dependencies and their licences to docs/dependencies.md: {missing}"
    bad = {k: v for k, v in rows.items() if v not in COMPATIBLE}
    assert not bad, f"licences not known to be GPL-3.0 compatible: {bad}"


def test_declared_licences_agree_with_installed_metadata():
    """Where a dependency's metadata states an SPDX licence, the docs table must say the same family."""
    import importlib.metadata as md

    rows = _doc_rows()
    for name in _dep_names():
        try:
            meta = md.metadata(name)
        except md.PackageNotFoundError:
            continue
        expr = (meta.get("License-Expression") or "").upper()
        classifiers = " ".join(meta.get_all("Classifier") or []).upper()
        declared = rows[name].upper()
        if "GPL" in expr or "GPL" in classifiers:
            assert "GPL" in declared, f"{name} is GPL according to its metadata; docs say {rows[name]}"
        if "GPL" in declared:
            assert "GPL" in expr or "GPL" in classifiers or "GPL" in (meta.get("License") or "").upper(), name
