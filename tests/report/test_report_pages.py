"""The HTML report of every bundled example, checked for the page rules of sianode.report.html (issue 20).

Structure, not looks (the looks were checked as headless-Chromium screenshots at 1280 and 800 px):
one summary per section (no duplicated section titles), tables wider than WIDE_COLUMNS columns inside
a sideways-scrolling box, tables longer than COLLAPSE_ROWS rows behind a toggle with a CSV download,
figures that scale to the page, no developer seed references in the text, and a bounded page size.
"""
from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pytest

from sianode.design.loader import example_names
from sianode.report.html import COLLAPSE_ROWS

WIDE_COLUMNS = 5
MAX_PAGE_BYTES = 4_000_000


class Page(HTMLParser):
    """Headings with their section path, tables with their size and the boxes around them."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, dict]] = []
        self.headings: list[tuple[tuple[int, ...], str]] = []
        self.tables: list[dict] = []
        self.links: list[dict] = []
        self.images = 0
        self._text: list[str] | None = None
        self._sections: list[int] = []
        self._count = 0
        self._table: dict | None = None
        self._row = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section":
            self._count += 1
            self._sections.append(self._count)
        if tag in ("h2", "h3", "h4", "h5"):
            self._text = []
        if tag == "table":
            inside = [t for t, at in self.stack]
            classes = [at.get("class", "") for t, at in self.stack]
            self._table = {"cols": 0, "rows": 0, "in_scroll": any("scroll" in c.split() for c in classes),
                           "in_details": "details" in inside, "section": tuple(self._sections)}
            self.tables.append(self._table)
        if tag == "tr" and self._table is not None:
            self._row = 0
            self._table["rows"] += 1
        if tag in ("td", "th") and self._table is not None:
            self._row += 1
            self._table["cols"] = max(self._table["cols"], self._row)
        if tag == "a":
            self.links.append(a)
        if tag == "img":
            self.images += 1
        if tag not in ("br", "img", "meta", "wbr", "input", "hr"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag):
        if tag in ("h2", "h3", "h4", "h5") and self._text is not None:
            self.headings.append((tuple(self._sections), "".join(self._text).strip()))
            self._text = None
        if tag == "table":
            self._table = None
        if tag == "section" and self._sections:
            self._sections.pop()
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


@pytest.fixture(scope="module")
def pages(example_runs, tmp_path_factory):
    from sianode.report.design_report import write_report

    out = {}
    for name, run in example_runs.items():
        path = write_report(run, tmp_path_factory.mktemp(f"report_{name}"))
        out[name] = path.read_text(encoding="utf-8")
    return out


@pytest.mark.parametrize("example", example_names())
def test_report_page_structure(pages, example):
    doc = pages[example]
    page = Page()
    page.feed(doc)
    titles = [t.lower() for _, t in page.headings]
    # one summary per section: "materials summary" then "Materials summary" was the bug
    summaries = [t for t in titles if "summary" in t]
    assert len(summaries) == len(set(summaries)), summaries
    for stage in ("materials", "mechanics", "cycle life", "electrochemistry"):
        assert f"{stage} summary" not in titles, f"a stage section repeats its summary as a sub-section: {stage}"
    assert len(titles) == len(set(titles)), [t for t in titles if titles.count(t) > 1]
    # wide tables scroll inside their box; long tables are collapsed; every long table can be downloaded
    assert page.tables
    wide = [t for t in page.tables if t["cols"] > WIDE_COLUMNS]
    assert wide and all(t["in_scroll"] for t in wide), [t for t in wide if not t["in_scroll"]]
    long = [t for t in page.tables if t["rows"] > COLLAPSE_ROWS + 1]  # + the header row
    assert long and all(t["in_details"] for t in long), [t for t in long if not t["in_details"]]
    csv = [a for a in page.links if a.get("href", "").startswith("data:text/csv")]
    assert len(csv) >= len([t for t in long if t["cols"] > 2])
    first = base64.b64decode(csv[0]["href"].split(",", 1)[1]).decode("utf-8").splitlines()
    assert len(first) >= 2 and first[0].count(",") == first[1].count(",") >= 1  # a header and rows
    # figures fit the page; the key results come first and carry units
    assert page.images >= 8 and "img{max-width:100%" in doc
    assert titles[0] == "key results"
    key = doc[doc.index("Key results"):doc.index('id="design"')]
    assert "Wh/kg" in key and "mAh/g" in key and "cycles to 80 %" in key
    # words for users: papers, not developer seed ids; the predicted point carries its caveat
    text = re.sub(r"data:[^\"'\s>]+", "", doc)
    assert not re.search(r"seeds?/00\d|seed 00\d", text), re.findall(r".{40}seeds?[/ ]00\d.{20}", text)[:3]
    assert "not a measurement" in text
    assert len(doc.encode("utf-8")) < MAX_PAGE_BYTES
