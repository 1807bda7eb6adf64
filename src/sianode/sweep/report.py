"""The sweep report: feasibility, responses per varied field, transitions, Pareto front, best designs.

* Feasible = evaluated without failure ("ok") and every SPEC constraint holds.
* Pareto front: feasible designs that no other feasible design matches or beats in every objective and
  beats in at least one (objective senses from the SPEC).
* Best designs: the Pareto designs ranked by the first objective (one objective: the ten best); their
  design files are written to ``DIR/best/`` so each can be run with ``sianode run``.
* Transitions: for a true/false result that changes across a numeric varied field (e.g.
  ``mechanics.fractures`` across the Si diameter), the interval where it changes, for each combination of
  the other varied fields.
"""
from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import pandas as pd

from sianode.sweep.spec import SweepSpec

MAX_RESPONSES = 4
#: Designs drawn in a response plot at most (a seeded random subset beyond: 10^5 points are a blot in which one
#: colour hides the other); every design is in results.parquet and in the feasibility map.
MAX_SHOWN = 5000
N_BEST = 10


def censored_bounds(df: pd.DataFrame, key: str) -> pd.Series | None:
    """Where result ``key`` is right-censored -- NaN because its event did not happen within the simulated cycles,
    e.g. ``life.cycles_to_80pct`` of a cell still above 80 % at the end -- its lower bound (the cycles simulated);
    NaN elsewhere. None for a key that is never censored (which keys: :data:`sianode.life.stage.CENSORED_AT`)."""
    from sianode.life.stage import CENSORED_AT

    stage, _, name = key.partition(".")
    if stage != "life" or name not in CENSORED_AT or key not in df or f"life.{CENSORED_AT[name]}" not in df:
        return None
    missing = pd.to_numeric(df[key], errors="coerce").isna()
    if "status" in df:
        missing &= df["status"] == "ok"
    return pd.to_numeric(df[f"life.{CENSORED_AT[name]}"], errors="coerce").where(missing)


def feasible_mask(df: pd.DataFrame, spec: SweepSpec) -> pd.Series:
    """Rows that ran and meet every constraint; a censored result meets it if every value above its bound does."""
    ok = df["status"] == "ok" if "status" in df else pd.Series(False, index=df.index)
    for c in spec.constraints:
        col = df[c.key] if c.key in df else pd.Series([None] * len(df), index=df.index)
        holds = col.map(c.holds).astype(bool)
        bound = censored_bounds(df, c.key)
        if bound is not None:
            holds |= bound.map(c.holds_above).astype(bool)
        ok &= holds
    return ok


def objective_values(df: pd.DataFrame, o) -> pd.Series:
    """The values an objective ranks (NaN never on a front): a censored result at its lower bound when maximised
    (it is at least that), +inf when minimised (it is worse than every uncensored value)."""
    v = pd.to_numeric(df[o.key], errors="coerce") if o.key in df else pd.Series(np.nan, index=df.index)
    bound = censored_bounds(df, o.key)
    if bound is not None:
        v = v.where(bound.isna(), bound if o.sense > 0 else np.inf)
    return v


def pareto_mask(values: np.ndarray) -> np.ndarray:
    """Non-dominated rows of ``values`` (n x k), every column to be maximised; NaN rows are never on the front."""
    v = np.asarray(values, dtype=float)
    good = ~np.any(np.isnan(v), axis=1)
    front = np.zeros(len(v), dtype=bool)
    idx = np.flatnonzero(good)
    # sort by the first objective (descending) so that dominance checks only look back at the front so far
    order = idx[np.lexsort(tuple(-v[idx, j] for j in reversed(range(v.shape[1]))))]
    kept: list[int] = []
    for i in order:
        if kept:
            f = v[kept]
            dominated = np.any(np.all(f >= v[i], axis=1) & np.any(f > v[i], axis=1))
            if dominated or np.any(np.all(f == v[i], axis=1)):
                continue
        kept.append(i)
    front[kept] = True
    return front


def best_designs(df: pd.DataFrame, spec: SweepSpec, feasible: pd.Series) -> pd.DataFrame:
    if not spec.objectives:
        return df[feasible].head(0)
    cand = df[feasible]
    vals = np.column_stack([objective_values(cand, o).to_numpy() * o.sense for o in spec.objectives])
    if len(spec.objectives) == 1:
        order = np.argsort(-np.nan_to_num(vals[:, 0], nan=-np.inf), kind="stable")
        return cand.iloc[order[:N_BEST]]
    front = cand[pareto_mask(vals)]
    o = spec.objectives[0]
    return front.sort_values(o.key, ascending=o.sense < 0, kind="stable")


def write_best(out_dir: Path, spec: SweepSpec, best: pd.DataFrame) -> list[Path]:
    """Design files of the best designs in ``DIR/best/`` (``design_<index>.toml``)."""
    import tomli_w

    from sianode.sweep.sampling import design_data

    d = Path(out_dir) / "best"
    d.mkdir(parents=True, exist_ok=True)
    for old in d.glob("design_*.toml"):
        old.unlink()
    paths = []
    for _, r in best.iterrows():
        values = {f.path: _py(r[f"input.{f.path}"]) for f in spec.fields}
        data = design_data(spec.base_data, values)
        data["name"] = f"{data.get('name', 'design')} [sweep design {int(r['design_index'])}]"
        p = d / f"design_{int(r['design_index']):06d}.toml"
        head = (f"# design {int(r['design_index'])} of the sweep {spec.source}: "
                + ", ".join(f"{k} = {v!r}" for k, v in values.items()) + "\n")
        p.write_text(head + tomli_w.dumps(data), encoding="utf-8")
        paths.append(p)
    return paths


def _py(v):
    return v.item() if hasattr(v, "item") else v


def transitions(df: pd.DataFrame, spec: SweepSpec) -> pd.DataFrame:
    """Where each true/false result changes along each numeric varied field (other fields held): one row per
    change between two neighbouring values of the field, the held values first; by field, then by held values
    (sorted), result and position along the field.

    Vectorised over the designs (a Latin hypercube of 10^5 designs has ~10^5 one-design groups: no loop over
    them)."""
    ok = df[df.status == "ok"]
    bools = _flipping_booleans(ok)
    parts = []
    if not bools:
        return pd.DataFrame()
    for f in [f for f in spec.fields if f.numeric]:
        x = f"input.{f.path}"
        others = [f"input.{g.path}" for g in spec.fields if g is not f]
        gid = (ok.groupby(others, dropna=False, sort=True).ngroup().to_numpy() if others
               else np.zeros(len(ok), dtype=int))
        xs_all = pd.to_numeric(ok[x]).to_numpy()
        order = np.lexsort((xs_all, gid))  # by group (its held values, sorted), then along x (stable on ties)
        same, xs = gid[order][1:] == gid[order][:-1], xs_all[order]
        found = []  # (group, result, position) of every change
        for j, b in enumerate(bools):
            v = ok[b].astype(bool).to_numpy()[order]
            k = np.flatnonzero(same & (v[1:] != v[:-1]))
            found.append(np.stack([gid[order][k], np.full(k.size, j), k, v[k], v[k + 1]], axis=1))
        hits = np.concatenate(found) if found else np.empty((0, 5), dtype=int)
        hits = hits[np.lexsort((hits[:, 2], hits[:, 1], hits[:, 0]))]
        held = ok[others].iloc[order[hits[:, 2]]] if others else pd.DataFrame(index=range(len(hits)))
        part = held.reset_index(drop=True).rename(columns=lambda c: c[len("input."):])
        part["result"] = [bools[j] for j in hits[:, 1]]
        part["along"] = f.path
        part["from"], part["to"] = xs[hits[:, 2]], xs[hits[:, 2] + 1]
        part["change"] = [f"{bool(a)} → {bool(b)}" for a, b in zip(hits[:, 3], hits[:, 4])]
        parts.append(part)
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def _flipping_booleans(ok: pd.DataFrame) -> list[str]:
    """The true/false results (bool columns; object columns of bools and nulls, as Parquet gives them back) that
    are true for some designs and false for others."""
    out = []
    for c in ok.columns:
        if c.startswith("input.") or c in ("status", "message"):
            continue
        s = ok[c]
        if (pd.api.types.is_bool_dtype(s.dtype)
                or (s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("boolean", "empty"))):
            if s.nunique() == 2:
                out.append(c)
    return out


def _responses(df: pd.DataFrame, spec: SweepSpec) -> list[str]:
    """Objectives, constraint keys and true/false results that change; else the outputs that vary most."""
    ok = df[df.status == "ok"]
    keys = [o.key for o in spec.objectives] + [c.key for c in spec.constraints] + _flipping_booleans(ok)
    keys = [k for k in dict.fromkeys(keys) if k in df and not k.startswith("input.")]
    if keys:
        return keys[:MAX_RESPONSES]
    score = {}
    for c in ok.columns:
        if c.startswith("input.") or c in ("design_index", "design_hash", "status", "message"):
            continue
        y = pd.to_numeric(ok[c], errors="coerce") if ok[c].dtype != bool else ok[c].astype(float)
        y = y.dropna()
        if len(y) > 1 and y.std() > 0:
            score[c] = float(y.std() / (abs(y.mean()) + y.std()))
    return sorted(score, key=score.get, reverse=True)[:MAX_RESPONSES]


def _label(path: str) -> str:
    return path[len("input."):] if path.startswith("input.") else path


def _varied(spec: SweepSpec, df: pd.DataFrame) -> list:
    """The SPEC's fields that take more than one value in the results (a one-value list only fixes a field: no
    response plot, colour or map axis of its own)."""
    out = [f for f in spec.fields if f"input.{f.path}" not in df or df[f"input.{f.path}"].nunique(dropna=False) > 1]
    return out or list(spec.fields[:1])


def _colour_field(fields: list, exclude) -> str | None:
    cats = [f for f in fields if f is not exclude and f.values is not None and len(f.values) <= 8]
    return f"input.{cats[0].path}" if cats else None


def write_report(out_dir: Path, spec: SweepSpec, df: pd.DataFrame, stages: list[str], seconds: float | None = None,
                 changes: pd.DataFrame | None = None) -> Path:
    """Write ``DIR/report.html`` and ``DIR/best/``; ``changes``: :func:`transitions` of ``df`` when the caller has
    it (the CLI prints it too), else computed here."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, render, table

    out_dir = Path(out_dir)
    feas = feasible_mask(df, spec) if len(df) else pd.Series(dtype=bool)
    counts = df["status"].value_counts().to_dict() if len(df) else {}
    best = best_designs(df, spec, feas) if len(df) else df
    best_files = write_best(out_dir, spec, best) if len(best) else []
    secs: list[Section] = []
    head = {"SPEC": spec.source, "base design": spec.base, "stages": ", ".join(stages), "sampling": spec.method
            + (f" (n = {spec.n}, seed = {spec.seed})" if spec.method != "grid" else ""), "designs": len(df),
            "evaluated without failure": counts.get("ok", 0), "stage failed": counts.get("failed", 0),
            "invalid (rejected like a design file)": counts.get("invalid", 0),
            "feasible (ok and every constraint holds)": int(feas.sum()) if len(df) else 0}
    if seconds is not None:
        head["time of this run (s)"] = round(seconds, 1)
    fields = pd.DataFrame([{"field": f.path, "how": f.kind if f.distribution is None else f.distribution,
                            "values": (", ".join(f"{v:.4g}" if isinstance(v, float) else str(v) for v in f.values[:8])
                                       + (" …" if len(f.values) > 8 else "")) if f.values is not None else
                            (f"[{f.low:g}, {f.high:g}]" if f.low is not None else f"mean {f.mean:g}, sd {f.sd:g}"),
                            "SPEC line": f.line} for f in spec.fields])
    cons = "".join(f"<li><code>{html.escape(c.text)}</code></li>" for c in spec.constraints) or "<li>none</li>"
    objs = "".join(f"<li><code>{html.escape(o.text)}</code></li>" for o in spec.objectives) or "<li>none</li>"
    secs.append(Section("Sweep", kv_table(head) + table(fields) + f"<p><b>Constraints</b></p><ul>{cons}</ul>"
                        f"<p><b>Objectives</b></p><ul>{objs}</ul>"
                        + paragraph("Every design is the base design with the varied fields set; it is validated "
                                    "like a design file and evaluated through the same stage functions as "
                                    "`sianode run` (one design, one answer). All rows: results.parquet.")))
    if not len(df):
        return render("sianode sweep", secs, out_dir / "report.html")

    # responses per varied field
    resp = _responses(df, spec)
    ok = df[df.status == "ok"]
    shown = ok.sample(MAX_SHOWN, random_state=0).sort_index() if len(ok) > MAX_SHOWN else ok
    subset = (f" A random {len(shown):,} of the {len(ok):,} designs that ran are shown (all of them are in "
              "results.parquet and the feasibility map)." if len(shown) < len(ok) else "")
    varied = _varied(spec, df)
    for f in varied:
        if not resp or not len(ok):
            break
        x = f"input.{f.path}"
        colour = _colour_field(varied, f)
        n = len(resp)
        fig, axes = plt.subplots(1, n, figsize=(4.2 * n, 3.4), squeeze=False)
        for ax, key in zip(axes[0], resp):
            groups = shown.groupby(colour) if colour else [(None, shown)]
            cats = sorted(ok[x].astype(str).unique()) if not f.numeric else []
            for j, (gname, g) in enumerate(groups):
                y = g[key].astype(float) if g[key].dtype == bool else pd.to_numeric(g[key], errors="coerce")
                if f.numeric:
                    xs = pd.to_numeric(g[x]).to_numpy()
                else:  # categories side by side, groups offset, points jittered
                    xs = np.array([cats.index(v) for v in g[x].astype(str)]) + 0.12 * (j - 0.5)
                    xs = xs + np.random.default_rng(0).uniform(-0.05, 0.05, len(xs))
                order = np.argsort(xs)
                lbl = f"{_label(colour)} = {gname}" if colour else None
                joined = f.numeric and spec.method == "grid" and len(varied) <= 2
                line = ax.plot(xs[order], np.asarray(y)[order], ls="-" if joined else "none", marker="o", ms=3,
                               alpha=0.8, label=lbl)[0]
                bad = ~feas.loc[g.index].to_numpy()
                if bad.any():
                    ax.plot(xs[bad], np.asarray(y)[bad], "x", color=line.get_color(), ms=6)
            ax.set_xlabel(_label(x)); ax.set_ylabel(key + (" (1 = true)" if ok[key].dtype == bool else ""))
            if cats:
                ax.set_xticks(range(len(cats)), cats)
            elif f.log:
                ax.set_xscale("log")
            if colour and ax is axes[0][0]:
                ax.legend(fontsize=7)
        fig.tight_layout()
        secs.append(Section(f"Response to {f.path}", paragraph(
            "Each point is a design that ran without failure; x marks designs that violate a constraint. "
            + ("Colour: " + _label(colour) + ". " if colour else "")
            + ("Other varied fields are spread over each curve." if len(varied) > 2 else "") + subset)
            + figure(fig)))

    tr = transitions(df, spec) if changes is None else changes
    if len(tr):
        secs.append(Section("Where true/false results change", paragraph(
            "For each result that is true for some designs and false for others: the two neighbouring values of "
            "the varied field between which it changes, the other varied fields held (e.g. where fracture "
            "starts along the Si size).") + table(tr)))

    # feasibility map
    num = [f for f in varied if f.numeric]
    status = np.where(df.status != "ok", df.status, np.where(feas, "feasible", "violates a constraint"))
    colours = {"feasible": "#1a7f37", "violates a constraint": "#d97706", "failed": "#b42318", "invalid": "#888888"}
    fig, ax = plt.subplots(figsize=(6.2, 4.4))
    if len(num) >= 2:
        xf, yf = num[0], num[1]
    else:
        xf = num[0] if num else varied[0]
        others = [f for f in varied if f is not xf]
        yf = others[0] if others else None
    xa = f"input.{xf.path}"
    ya = f"input.{yf.path}" if yf is not None else None

    def coord(f, col, m):
        if f is None:
            return np.zeros(int(m.sum()))
        if f.numeric:
            return pd.to_numeric(df.loc[m, col])
        cats = sorted(df[col].astype(str).unique())
        return df.loc[m, col].astype(str).map(cats.index)

    size = 14 if len(df) <= 2000 else 3
    masks = {st: pd.Series(status == st, index=df.index) for st in colours}
    for st in sorted((st for st in colours if masks[st].any()), key=lambda st: -int(masks[st].sum())):
        m = masks[st]  # the most common first: the rare ones (often the feasible designs) are drawn on top
        ax.scatter(coord(xf, xa, m), coord(yf, ya, m), s=size, color=colours[st], label=f"{st} ({int(m.sum())})")
    for f, col, setter, scale in ((xf, xa, ax.set_xticks, ax.set_xscale), (yf, ya, ax.set_yticks, ax.set_yscale)):
        if f is None:
            continue
        if not f.numeric:
            cats = sorted(df[col].astype(str).unique())
            setter(range(len(cats)), cats)
        elif f.log:
            scale("log")
    ax.set_xlabel(_label(xa)); ax.set_ylabel(_label(ya) if ya else "")
    ax.legend(fontsize=7)
    msgs = df.loc[df.status.isin(["invalid", "failed"]), "message"].astype(str)
    msgs = msgs.str.replace(r"^invalid design \d+:\s*", "", regex=True).str.replace(r"\s+", " ", regex=True)
    kinds = msgs.str.replace(r"-?\d+(\.\d+)?(e[-+]?\d+)?", "#", regex=True)  # same message, other numbers
    common = (pd.DataFrame({"kind": kinds, "message": msgs}).groupby("kind", sort=False)
              .agg(example=("message", "first"), designs=("message", "size"))
              .sort_values("designs", ascending=False).head(8).reset_index(drop=True))
    secs.append(Section("Feasibility map", paragraph(
        "Green: every constraint holds. Orange: ran, but a constraint fails. Red: a stage failed. Grey: rejected "
        "by the design schema (message below).") + figure(fig) + (table(common) if len(common) else "")))

    # Pareto front and best designs
    if len(spec.objectives) >= 2 and len(best):
        o1, o2 = spec.objectives[:2]
        fig, ax = plt.subplots(figsize=(6.2, 4.4))
        cand = df[feas]
        ax.scatter(objective_values(cand, o1), objective_values(cand, o2), s=10, color="#9ab", label="feasible designs")
        front = pd.DataFrame({"x": objective_values(best, o1), "y": objective_values(best, o2)}).sort_values("x")
        ax.plot(front["x"], front["y"], "o-", color="#b42318", ms=5, label="Pareto front")
        ax.set_xlabel(o1.text); ax.set_ylabel(o2.text); ax.legend(fontsize=8)
        censored_note = "".join(
            f" Designs whose {o.key} was not reached within the simulated cycles are placed at that number of cycles"
            " (a lower bound)." for o in (o1, o2) if (b := censored_bounds(cand, o.key)) is not None and b.notna().any())
        secs.append(Section("Pareto front", paragraph(
            "Feasible designs that no other feasible design beats in every objective "
            f"({', '.join(o.text for o in spec.objectives)})." + censored_note) + figure(fig)))
    if spec.objectives:
        cols = ["design_index"] + [f"input.{f.path}" for f in spec.fields] + [o.key for o in spec.objectives]
        cols += [c.key for c in spec.constraints if c.key not in cols]
        shown = best[[c for c in cols if c in best]].copy()
        for c in shown.columns:  # a censored result is shown as what is known: more than its bound
            bound = censored_bounds(best, c)
            if bound is not None and bound.notna().any():
                shown[c] = [f"> {b:g}" if pd.notna(b) else v for v, b in zip(shown[c], bound)]
        shown.columns = [_label(c) for c in shown.columns]
        shown.insert(1, "design file", [p.name for p in best_files])
        body = (paragraph(f"{len(best)} best design(s); their design files are in {out_dir / 'best'} "
                          "(run one with `sianode run best/<file>`).") + table(shown))
        secs.append(Section("Best designs", body if len(best) else paragraph(
            "No feasible design: relax a constraint or widen the ranges.")))
    return render("sianode sweep", secs, out_dir / "report.html")


def summary_lines(df: pd.DataFrame, spec: SweepSpec) -> dict:
    """Counts for the terminal."""
    feas = feasible_mask(df, spec) if len(df) else pd.Series(dtype=bool)
    c = df["status"].value_counts().to_dict() if len(df) else {}
    return {"designs": len(df), "ok": c.get("ok", 0), "failed": c.get("failed", 0), "invalid": c.get("invalid", 0),
            "feasible": int(feas.sum()) if len(df) else 0}
