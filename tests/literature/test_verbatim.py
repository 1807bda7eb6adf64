"""Every as-published text fragment of a record occurs in its seed (skipped without the seeds).

Editorial context is written in square brackets and elisions as '...'; both are removed
before matching. Matching ignores whitespace, case and typographic/markup variants.
"""
import re
from pathlib import Path

import pytest

from sianode.literature.build import read_table
from sianode.literature.units import normalise_text

SEEDS = Path(__file__).parents[2] / ".." / "shared" / "seeds"


# records whose phrase is not contiguous in the seed, with the reason
NOT_CONTIGUOUS = {
    "000-421-cme": "seed OCR prints 'g \" at —20 °C' for 'g⁻¹ at −20 °C'",
    "004-52-void": "a figure caption and page header interrupt '0.2 mA ... cm⁻²' in the seed",
}


def _norm(t: str) -> str:
    t = t.replace("$\\nu$ s.", "vs.").replace("^\\circ", "°")
    t = re.sub(r"\\(text|mathrm|approx)\b|\\[,;]", "", t)
    t = normalise_text(t)
    t = re.sub(r"[\\~{}$^_*≈\u2009]", "", t)
    t = re.sub(r"[-−–—]", "", t).replace("μ", "µ")
    return re.sub(r"\s+", "", t).lower()


@pytest.fixture(scope="module")
def seeds():
    if not SEEDS.is_dir():
        pytest.skip("seed texts not available (../shared/seeds)")
    out = {}
    for p in sorted(SEEDS.glob("00[0-4]_*.txt")):
        out[p.name[:3]] = _norm(p.read_text(encoding="utf-8"))
    return out


def test_published_text_fragments_occur_in_their_seed(seeds):
    missing = []
    for r in read_table("records"):
        if r["id"] in NOT_CONTIGUOUS:
            continue
        for col in ("ice_text", "performance_text", "loading_text", "rate_text", "energy_text"):
            text = re.sub(r"\[[^\]]*\]", "|", r[col] or "")
            for frag in re.split(r"\.\.\.|…|\||\(|\)", text):
                f = _norm(frag).strip(",;:")
                if len(f) >= 6 and f not in seeds[r["seed"]]:
                    missing.append(f"{r['id']}.{col}: {frag.strip()!r}")
    assert missing == []
