"""Parameters that carry their unit and source.

Every number sianode uses comes with where it came from: a seed file and section
(``seeds/000 §2``) or a published paper. Parameter sets are plain dicts of
:class:`Parameter`, kept next to the model that uses them (pvlib style).
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Parameter:
    """A value with its unit and its source.

    ``value`` is in SI unless ``unit`` says otherwise; ``source`` names a seed file and
    section or a paper (authors, journal, year). ``note`` says what was fitted or assumed.
    """

    value: float
    unit: str
    source: str
    note: str = ""

    def __float__(self) -> float:  # lets a Parameter be used where a float is expected
        return float(self.value)


def values(params: dict[str, Parameter]) -> dict[str, float]:
    """Strip a parameter set to ``{name: value}`` for numerical code."""
    return {k: float(p.value) for k, p in params.items()}


def sources(params: dict[str, Parameter]) -> dict[str, str]:
    """``{name: source}`` of a parameter set, for reports."""
    return {k: p.source for k, p in params.items()}


#: The five sources of ../shared/seeds/ (developers' provenance ``seeds/00N``), cited as users should cite them.
SEED_REVIEWS = {
    "000": "perspective on micro-sized CVD Si–C anodes, Energy Environ. Sci. 2025 (doi:10.1039/d5ee01568e)",
    "001": "He et al., Adv. Sci. 2025 (doi:10.1002/advs.202407540)",
    "002": "Liu et al., Nano-Micro Lett. 2025, 17:297",
    "003": "Zhang, Luo, Liu & Wang, review 'Porous Si-Based Materials for Lithium-Ion Battery Anodes' "
           "(journal not in the stored text)",
    "004": "Zhang et al., RSC Adv. 2025, 15, 33561",
}
#: The same, short enough for a table cell or a sentence.
SEED_REVIEWS_SHORT = {
    "000": "Energy Environ. Sci. 2025 CVD Si–C perspective",
    "001": "He et al., Adv. Sci. 2025",
    "002": "Liu et al., Nano-Micro Lett. 2025",
    "003": "Zhang et al., porous-Si review",
    "004": "Zhang et al., RSC Adv. 2025",
}
# "seeds/002", "seeds/002 §3.2", "seed 004", "seeds/000–004"; not "seed 20250614" (a random seed)
_SEED_REF = re.compile(r"\bseeds?(?:/| )(00[0-4])(?![0-9])(?:\s*[–-]\s*(00[0-4])(?![0-9]))?")


#: a phrase that shows a text already cites the source (then the seed reference adds nothing)
_SEED_CITED = {"000": "Energy Environ. Sci", "001": "Adv. Sci", "002": "Nano-Micro Lett", "003": "porous-Si review",
               "004": "RSC Adv"}


def cite_seeds(text: str) -> str:
    """Replace the developers' seed references in user-facing text with the papers' citations.

    ``"(seeds/000 §4.1.3)"`` -> ``"(Energy Environ. Sci. 2025 CVD Si–C perspective, §4.1.3)"``;
    ``"Liu et al., Nano-Micro Lett. 2025 (seeds/002 §3.1)"`` -> ``"Liu et al., Nano-Micro Lett. 2025 (§3.1)"``
    (already cited just before); ``"seeds/000–004"`` -> ``"the five source reviews and papers"``. Code
    comments and docstrings keep the seed references (they point developers at ../shared/seeds/);
    everything a user reads goes through this.
    """
    if "seed" not in text:
        return text

    def one(m: re.Match) -> str:
        if m.group(2):
            return "the five source reviews and papers"
        seed = m.group(1)
        if _SEED_CITED[seed] in text[max(0, m.start() - 160):m.start()]:
            return "\x00"  # cited just before: keep only the section that follows
        nxt = text[m.end():m.end() + 7]
        return SEED_REVIEWS_SHORT[seed] + ("," if nxt.startswith((" §", " Table", " Fig", " Eq", " ref")) else "")

    out = _SEED_REF.sub(one, text)
    if "\x00" in out:
        out = re.sub(r"\x00[ ,;:]*", "", out)
        out = re.sub(r"\s*\(\s*\)", "", out)  # "(seeds/002)" after its own citation
    return out
