"""The page rules of sianode.report.html: long tables collapsed with a CSV download, wide tables in a
scrolling box, seed references turned into citations (issue 20)."""
from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd

from sianode.report import html as H


def _csv_of(out: str) -> pd.DataFrame:
    href = re.search(r"href='data:text/csv;charset=utf-8;base64,([^']+)'", out).group(1)
    return pd.read_csv(io.StringIO(base64.b64decode(href).decode("utf-8")))


def test_long_table_is_collapsed_and_its_csv_carries_every_row():
    df = pd.DataFrame({"cycle": np.arange(1, 201), "capacity_mAh_g": np.linspace(1500, 1200, 200),
                       "note": ["x"] * 200})
    out = H.table(df, name="life cycles", max_rows=50)
    assert out.startswith("<details") and "200 rows × 3 columns" in out
    assert out.count("<tr>") == 51  # header + the rows drawn
    back = _csv_of(out)
    assert len(back) == 200 and np.allclose(back["capacity_mAh_g"], df["capacity_mAh_g"])
    assert "download='life_cycles.csv'" in out


def test_short_table_is_open_in_a_scrolling_box_numbers_do_not_wrap():
    df = pd.DataFrame({"current_A_g": [0.2, 8.0], "source": ["Liu et al.", "model"]})
    out = H.table(df)
    assert "<details" not in out and out.startswith("<div class='scroll'><table")
    assert "<td class='num'>0.2</td>" in out and "<td class='txt'>Liu et al.</td>" in out  # short text: no wrap
    assert "current_<wbr>A_g" in out  # a long header breaks between words, never inside its unit


def test_hand_built_tables_are_boxed_and_seeds_cited(tmp_path):
    body = ("<table><tr><td>a</td></tr></table>" + H.table(pd.DataFrame({"a": [1]}))
            + H.paragraph("outward expansion (seeds/000 §4.1.3); random seed 20250614")
            + "<img src='data:image/png;base64,seeds/002AAAA'/>")
    page = H.render("t", [H.Section("S", body)], tmp_path / "r.html").read_text()
    assert page.count("<div class='scroll'><table") == 2 and "<div class='scroll'><div class='scroll'>" not in page
    assert "(Energy Environ. Sci. 2025 CVD Si–C perspective, §4.1.3)" in page
    assert "random seed 20250614" in page  # a random seed is not a paper
    assert "base64,seeds/002AAAA" in page  # embedded data is never rewritten


def test_cite_seeds():
    from sianode.provenance import cite_seeds

    assert cite_seeds("Zhang et al., porous-Si review (seeds/003 §4.3)") == "Zhang et al., porous-Si review (§4.3)"
    assert cite_seeds("seed 004 §3.2.1 (Bok)") == "Zhang et al., RSC Adv. 2025, §3.2.1 (Bok)"
    assert cite_seeds("records of seeds/000–004") == "records of the five source reviews and papers"
    assert cite_seeds("no reference") == "no reference"


def test_label_and_unit():
    from sianode.units import label_and_unit

    assert label_and_unit("reversible_capacity_mAh_g") == ("reversible capacity", "mAh/g")
    assert label_and_unit("ice_pct") == ("ICE", "%")
    assert label_and_unit("cycles_to_80pct_p05") == ("cycles to 80 % (5th pct)", "")
    assert label_and_unit("temperature_C") == ("temperature", "°C")
    assert label_and_unit("c_rate") == ("C-rate", "")
    assert label_and_unit("specific_surface_area_m2_g") == ("specific surface area", "m2/g")
