"""Electrochemical impedance spectroscopy (EIS): equivalent circuits, validity, DRT, series.

What is modelled
----------------
A measured impedance spectrum Z(f) is described by an equivalent circuit. The default
circuit for a lithiated Si anode is the one 002 §3.3 and 003 §3.4 use::

    R0-p(R1,CPE1)-p(R2,CPE2)-W1

    Z(ω) = R0 + R1/(1 + R1 Q1 (jω)^α1) + R2/(1 + R2 Q2 (jω)^α2) + A_W (1 − j)/√ω

with R0 the ohmic (electrolyte, contact) resistance, the high-frequency R‖CPE arc the Li⁺
transport through the SEI (R_SEI), the mid-frequency arc the charge transfer (R_ct) and a
semi-infinite Warburg element for solid-state diffusion. Any impedance.py circuit string
(``'R0-p(R1,C1)'``, ``'R0-p(R1-Wo1,CPE1)'`` …) may be given instead.

Fits are done with impedance.py (Murbach et al., J. Open Source Softw. 5, 2349 (2020)),
``CustomCircuit.fit`` = ``scipy.optimize.curve_fit`` on the stacked [Re Z, Im Z] residual, and
report each parameter with its one-standard-deviation confidence (``conf_``, from the
covariance of the least-squares fit) and the fit quality (RMSE, relative RMSE, weighted χ²).

Caveats that the report states every time (003 §3.4):

* **Model selection is non-unique.** Different circuits can fit the same spectrum equally well
  and give conflicting physical readings, especially for a growing/reconstructing SEI; charge
  transfer, SEI and diffusion overlap in time scale. The R_SEI / R_ct labels are an
  interpretation, assigned here by time constant: the arc with the smaller
  τ = (R Q)^(1/α) (higher characteristic frequency) is called R_SEI.
* Cable inductance and cell geometry distort high frequencies; check the Kramers–Kronig test.

Validity: the linear Kramers–Kronig test of Schönleber et al., Electrochim. Acta 131, 20
(2014) via ``impedance.validation.linKK`` (µ criterion, c = 0.85), and pyimpspec's
implementation (Ivarsson, pyimpspec 5) for the pseudo χ². Distribution of relaxation times
(DRT) via ``pyimpspec.calculate_drt`` (Tikhonov regularisation + NNLS).

Series of spectra (operando EIS, EIS vs SOC): :func:`fit_series` fits every spectrum with the
same objective as impedance.py but (i) evaluates the circuit with a compiled NumPy closure
instead of impedance.py's per-call string building + ``eval`` and (ii) warm-starts each fit
from the previous spectrum's parameters. :func:`benchmark_series_fit` measures the speed-up.
"""
from __future__ import annotations

import re
import time
import warnings
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from sianode.errors import InputError, SolverError

DEFAULT_CIRCUIT = "R0-p(R1,CPE1)-p(R2,CPE2)-W1"

#: Physical reading of the default circuit's elements (an interpretation, 003 §3.4).
DEFAULT_ROLES = {"R0": "R_ohm", "R1": "R_SEI", "R2": "R_ct", "W1": "A_W"}

NON_UNIQUE_NOTE = (
    "Equivalent-circuit model selection is non-unique (seeds/003 §3.4): other circuits may fit "
    "this spectrum equally well and give different physical readings; charge transfer, SEI and "
    "diffusion overlap in time scale. R_SEI/R_ct are assigned by time constant (R_SEI = the "
    "higher-frequency arc). Confirm interpretations with complementary techniques."
)


# --------------------------------------------------------------------------------------------
# circuit parsing and fast evaluation
# --------------------------------------------------------------------------------------------
# Element impedances, same formulas as impedance.py 1.7 (impedance/models/circuits/elements.py);
# tests check equality against impedance.py's own evaluation.
def _z_R(p, w):
    return np.full(w.shape, p[0], dtype=complex)


def _z_C(p, w):
    return 1.0 / (p[0] * 1j * w)


def _z_L(p, w):
    return p[0] * 1j * w


def _z_W(p, w):
    return p[0] * (1 - 1j) / np.sqrt(w)


def _z_Wo(p, w):
    x = np.sqrt(1j * w * p[1])
    return p[0] / (x * np.tanh(x))


def _z_Ws(p, w):
    x = np.sqrt(1j * w * p[1])
    return p[0] * np.tanh(x) / x


def _z_CPE(p, w):
    return 1.0 / (p[0] * (1j * w) ** p[1])


def _z_La(p, w):
    return (p[0] * 1j * w) ** p[1]


def _z_G(p, w):
    return p[0] / np.sqrt(1 + 1j * w * p[1])


def _z_K(p, w):
    return p[0] / (1 + 1j * w * p[1])


def _z_Zarc(p, w):
    return p[0] / (1 + (1j * w * p[1]) ** p[2])


_FAST_ELEMENTS: dict[str, tuple[int, Callable]] = {
    "R": (1, _z_R), "C": (1, _z_C), "L": (1, _z_L), "W": (1, _z_W), "Wo": (2, _z_Wo),
    "Ws": (2, _z_Ws), "CPE": (2, _z_CPE), "La": (2, _z_La), "G": (2, _z_G), "K": (2, _z_K),
    "Zarc": (3, _z_Zarc),
}

_TOKEN = re.compile(r"\s*(p\(|\(|\)|,|-|[A-Za-z]+[0-9_]*)")


def _tokenize(circuit: str) -> list[str]:
    pos, out = 0, []
    s = circuit.replace(" ", "")
    while pos < len(s):
        m = _TOKEN.match(s, pos)
        if not m:
            raise InputError(f"cannot parse circuit string {circuit!r} at character {pos}: "
                             "use impedance.py syntax, e.g. 'R0-p(R1,CPE1)-W1'", field="circuit")
        out.append(m.group(1))
        pos = m.end()
    return out


def _element_type(name: str) -> str:
    return "".join(ch for ch in name if ch not in "0123456789_")


def compile_circuit(circuit: str) -> tuple[Callable[[np.ndarray, np.ndarray], np.ndarray], list[str]]:
    """Compile an impedance.py circuit string into a fast ``Z(params, f)`` function.

    Returns ``(func, element_names)``. The function evaluates the same element formulas as
    impedance.py but builds the series/parallel tree once, instead of impedance.py's per-call
    string construction and ``eval``. Elements outside the fast set fall back to impedance.py.
    """
    tokens = _tokenize(circuit)
    names: list[str] = []
    counter = [0]

    def leaf(name):
        etype = _element_type(name)
        if etype in _FAST_ELEMENTS:
            n, fn = _FAST_ELEMENTS[etype]
        else:
            try:
                from impedance.models.circuits.elements import circuit_elements
            except ImportError as exc:  # pragma: no cover
                raise InputError(f"unknown circuit element {name!r}", field="circuit") from exc
            if etype not in circuit_elements:
                raise InputError(f"unknown circuit element {name!r}; allowed: "
                                 f"{sorted(set(_FAST_ELEMENTS))} or impedance.py elements",
                                 field="circuit")
            el = circuit_elements[etype]
            n = el.num_params

            def fn(p, w, _el=el):
                return np.asarray(_el([float(x) for x in p], list(w / (2 * np.pi))), dtype=complex)
        start = counter[0]
        counter[0] += n
        names.append(name)
        return lambda P, w: fn(P[start:start + n], w)

    pos = [0]

    def parse_series():
        terms = [parse_term()]
        while pos[0] < len(tokens) and tokens[pos[0]] == "-":
            pos[0] += 1
            terms.append(parse_term())
        if len(terms) == 1:
            return terms[0]
        return lambda P, w: sum(t(P, w) for t in terms)

    def parse_term():
        if pos[0] >= len(tokens):
            raise InputError(f"circuit string {circuit!r} ends unexpectedly", field="circuit")
        tok = tokens[pos[0]]
        if tok == "p(":
            pos[0] += 1
            branches = [parse_series()]
            while pos[0] < len(tokens) and tokens[pos[0]] == ",":
                pos[0] += 1
                branches.append(parse_series())
            if pos[0] >= len(tokens) or tokens[pos[0]] != ")":
                raise InputError(f"unbalanced parenthesis in circuit {circuit!r}", field="circuit")
            pos[0] += 1
            return lambda P, w: 1.0 / sum(1.0 / b(P, w) for b in branches)
        if tok in ",-()":
            raise InputError(f"unexpected {tok!r} in circuit {circuit!r}", field="circuit")
        pos[0] += 1
        return leaf(tok)

    tree = parse_series()
    if pos[0] != len(tokens):
        raise InputError(f"unexpected {tokens[pos[0]]!r} in circuit {circuit!r}", field="circuit")
    n_total = counter[0]

    def Z(params, f):
        P = np.asarray(params, dtype=float)
        if P.size != n_total:
            raise InputError(f"circuit {circuit!r} takes {n_total} parameters, got {P.size}",
                             field="initial_guess")
        return tree(P, 2 * np.pi * np.asarray(f, dtype=float))

    Z.n_params = n_total  # type: ignore[attr-defined]
    return Z, names


def parameter_names(circuit: str) -> tuple[list[str], list[str]]:
    """Parameter names and units of a circuit, exactly as impedance.py names them."""
    from impedance.models.circuits import CustomCircuit

    n = compile_circuit(circuit)[0].n_params
    try:
        return CustomCircuit(circuit, initial_guess=[1.0] * n).get_param_names()
    except Exception as exc:  # impedance.py raises bare errors on unknown elements
        raise InputError(f"invalid circuit {circuit!r}: {exc}", field="circuit") from exc


def default_bounds(circuit: str) -> tuple[np.ndarray, np.ndarray]:
    """impedance.py's default bounds: all ≥ 0, CPE/La exponents ≤ 1."""
    names, _ = parameter_names(circuit)
    lo = np.zeros(len(names))
    hi = np.full(len(names), np.inf)
    for i, n in enumerate(names):
        if _element_type(n.split("_")[0]) in ("CPE", "La") and n.endswith("_1"):
            hi[i] = 1.0
    return lo, hi


def simulate(circuit: str, params: Sequence[float], f: np.ndarray) -> np.ndarray:
    """Impedance of ``circuit`` with ``params`` at frequencies ``f`` (Hz), via impedance.py."""
    from impedance.models.circuits import CustomCircuit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.asarray(CustomCircuit(circuit, initial_guess=list(map(float, params)))
                          .predict(np.asarray(f, float), use_initial=True))


# --------------------------------------------------------------------------------------------
# data checks and initial guesses
# --------------------------------------------------------------------------------------------
def _check_spectrum(f, Z, where: str = "spectrum") -> tuple[np.ndarray, np.ndarray]:
    f = np.asarray(f, dtype=float).ravel()
    Z = np.asarray(Z, dtype=complex).ravel()
    if f.size != Z.size:
        raise InputError(f"{f.size} frequencies but {Z.size} impedances", field=where)
    if f.size < 5:
        raise InputError(f"only {f.size} points; an EIS fit needs at least 5 (better ≥ 20)",
                         field=where)
    if not (np.all(np.isfinite(f)) and np.all(np.isfinite(Z))):
        raise InputError("frequencies/impedances contain NaN or inf", field=where)
    if np.any(f <= 0):
        raise InputError("frequencies must be > 0 Hz", field=where)
    return f, Z


def _arc_frequencies(f, Z) -> list[float]:
    """Frequencies of local maxima of −Im Z (arc apexes), high to low."""
    order = np.argsort(f)[::-1]
    fs, mz = f[order], -Z.imag[order]
    peaks = [fs[i] for i in range(1, len(fs) - 1) if mz[i] > mz[i - 1] and mz[i] >= mz[i + 1]
             and mz[i] > 0]
    return peaks


def guess_parameters(circuit: str, f, Z) -> list[float]:
    """Heuristic starting values from the spectrum itself.

    R0 ≈ smallest Re Z at high frequency; the semicircle width (Re Z at the −Im Z minimum
    before the low-frequency tail, minus R0) is shared among the R elements; arc apex
    frequencies give CPE/C values from ω R Q = 1; Warburg coefficients from the lowest-frequency
    point. Exponents start at 0.85. Used to seed fits, never reported as results.
    """
    f, Z = _check_spectrum(f, Z)
    names, _ = parameter_names(circuit)
    order = np.argsort(f)[::-1]
    fs, Zs = f[order], Z[order]
    r0 = float(max(np.min(Zs.real[: max(3, len(fs) // 5)]), 1e-6))
    # end of arcs: minimum of −Im after the first apex, else the low-f end
    mz = -Zs.imag
    i_min = len(fs) - 1
    for i in range(1, len(fs) - 1):
        if mz[i] < mz[i - 1] and mz[i] <= mz[i + 1] and Zs.real[i] > r0 * 1.01 and i > 2:
            i_min = i
            break
    width = float(max(Zs.real[i_min] - r0, 1e-3 * max(r0, 1e-6)))
    r_names = [n for n in names if _element_type(n) == "R" and n != "R0"]
    n_r = max(len(r_names), 1)
    apex = _arc_frequencies(f, Z)
    f_hi, f_lo = float(f.max()), float(f.min())
    if len(apex) < n_r:  # spread apex guesses log-uniformly over the data
        apex = list(np.logspace(np.log10(f_hi) - 1, np.log10(max(f_lo, 1e-12)) + 1, n_r))
    # weights: first arc smaller (SEI) than second (ct) is common but not assumed strongly
    r_each = width / n_r
    guess: list[float] = []
    k_arc = 0
    w_lo = 2 * np.pi * f_lo
    for n in names:
        et = _element_type(n.split("_")[0])
        idx = n.split("_")[1] if "_" in n else None
        if n == "R0":
            guess.append(r0)
        elif et == "R":
            guess.append(r_each)
        elif et in ("CPE", "C"):
            fa = apex[min(k_arc, len(apex) - 1)]
            q = 1.0 / (2 * np.pi * fa * r_each)
            if et == "C":
                guess.append(q)
                k_arc += 1
            elif idx == "0":
                guess.append(q)
            else:
                guess.append(0.85)
                k_arc += 1
        elif et == "W":
            tail = max(abs(Zs.imag[-1]), 1e-6 * r0)
            guess.append(float(tail * np.sqrt(w_lo)))
        elif et in ("Wo", "Ws"):
            guess.append(r_each if idx == "0" else 1.0 / w_lo)
        elif et == "L":
            guess.append(1e-7)
        elif et == "La":
            guess.append(1e-7 if idx == "0" else 0.9)
        elif et in ("G", "K"):
            guess.append(r_each if idx == "0" else 1.0 / (2 * np.pi * np.sqrt(f_hi * f_lo)))
        elif et == "Zarc":
            guess.append({"0": r_each, "1": 1.0 / (2 * np.pi * np.sqrt(f_hi * f_lo))}.get(idx, 0.85))
        else:
            guess.append(1.0)
    return guess


# --------------------------------------------------------------------------------------------
# single-spectrum fit through impedance.py
# --------------------------------------------------------------------------------------------
@dataclass
class CircuitFit:
    """Result of one equivalent-circuit fit.

    ``values``/``conf`` are impedance.py's ``parameters_`` and ``conf_`` (1σ); ``rmse_ohm`` is
    impedance.py's RMSE over the stacked real and imaginary residuals; ``rel_rmse`` divides it
    by the mean |Z|; ``chi2`` is the modulus-weighted χ² per degree of freedom.
    """

    circuit: str
    names: list[str]
    units: list[str]
    values: np.ndarray
    conf: np.ndarray
    rmse_ohm: float
    rel_rmse: float
    chi2: float
    n_points: int
    roles: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, float]:
        return dict(zip(self.names, map(float, self.values)))

    def predict(self, f) -> np.ndarray:
        return compile_circuit(self.circuit)[0](self.values, f)

    def to_frame(self) -> pd.DataFrame:
        """Tidy table, one row per parameter."""
        rel = np.where(self.values != 0, 100 * self.conf / np.abs(self.values), np.nan)
        return pd.DataFrame({
            "parameter": self.names, "role": [self.roles.get(n, "") for n in self.names],
            "value": self.values, "unit": self.units, "conf_1sigma": self.conf,
            "conf_rel_pct": rel,
        })


def _fit_quality(Zfun, params, f, Z) -> tuple[float, float, float]:
    Zp = Zfun(params, f)
    res = np.hstack([(Zp - Z).real, (Zp - Z).imag])
    rmse = float(np.linalg.norm(res) / np.sqrt(res.size))
    rel = rmse / float(np.mean(np.abs(Z)))
    dof = max(2 * f.size - len(params), 1)
    chi2 = float(np.sum(np.abs(Zp - Z) ** 2 / np.abs(Z) ** 2) / dof)
    return rmse, rel, chi2


def arc_roles(circuit: str, names: list[str], values: np.ndarray) -> dict[str, str]:
    """Physical labels for the default-type circuit ``R0-p(Ra,Qa)-p(Rb,Qb)-…``.

    The R‖CPE (or R‖C) arc with the smaller time constant τ = (R Q)^(1/α) is labelled R_SEI,
    the other R_ct (an interpretation, see :data:`NON_UNIQUE_NOTE`). Returns {} when the
    circuit does not have exactly two R‖Q arcs.
    """
    vals = dict(zip(names, values))
    arcs = re.findall(r"p\((R\d+),(CPE\d+|C\d+)\)", circuit.replace(" ", ""))
    roles: dict[str, str] = {}
    if "R0" in vals:
        roles["R0"] = "R_ohm"
    if len(arcs) != 2:
        return roles
    taus = []
    for r, q in arcs:
        if q.startswith("CPE"):
            Q, a = vals.get(q + "_0", np.nan), vals.get(q + "_1", np.nan)
        else:
            Q, a = vals.get(q, np.nan), 1.0
        taus.append((vals.get(r, np.nan) * Q) ** (1.0 / a) if a > 0 else np.nan)
    first = 0 if not (taus[1] < taus[0]) else 1
    roles[arcs[first][0]] = "R_SEI"
    roles[arcs[1 - first][0]] = "R_ct"
    for n in names:
        if _element_type(n) == "W":
            roles[n] = "A_W"
    return roles


def fit_circuit(f, Z, circuit: str = DEFAULT_CIRCUIT, initial_guess: Sequence[float] | None = None,
                *, weight_by_modulus: bool = False, n_starts: int = 4, where: str = "spectrum"
                ) -> CircuitFit:
    """Fit an equivalent circuit with impedance.py ``CustomCircuit.fit``.

    Parameters
    ----------
    f : array, Hz.  Z : complex array, Ω.
    circuit : impedance.py circuit string (default :data:`DEFAULT_CIRCUIT`).
    initial_guess : starting values; default :func:`guess_parameters` plus ``n_starts`` − 1
        variants (arc time constants shifted ×/÷10), pre-screened with the compiled evaluator;
        the best start is then fitted by impedance.py, whose result is returned.
    weight_by_modulus : impedance.py's |Z| weighting.

    Returns
    -------
    :class:`CircuitFit` with values, 1σ confidence, RMSE and χ².

    Raises
    ------
    InputError for bad data/circuits; SolverError when the optimiser fails.
    """
    from impedance.models.circuits import CustomCircuit

    f, Z = _check_spectrum(f, Z, where)
    names, units = parameter_names(circuit)
    Zfun, _ = compile_circuit(circuit)
    lo, hi = default_bounds(circuit)
    if initial_guess is None:
        starts = _start_variants(circuit, names, guess_parameters(circuit, f, Z), n_starts)
        best, best_cost = None, np.inf
        for s in starts:
            try:
                p, _ = _fast_fit(Zfun, f, Z, np.asarray(s), lo, hi, weight_by_modulus, max_nfev=300)
            except SolverError:
                continue
            cost = _fit_quality(Zfun, p, f, Z)[0]
            if cost < best_cost:
                best, best_cost = p, cost
        guess = list(np.clip(best if best is not None else starts[0], lo + 1e-12, hi))
    else:
        guess = [float(x) for x in initial_guess]
        if len(guess) != len(names):
            raise InputError(f"circuit {circuit!r} has {len(names)} parameters {names}, "
                             f"initial guess has {len(guess)}", field="initial_guess")
    model = CustomCircuit(circuit, initial_guess=guess)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(f, Z, weight_by_modulus=weight_by_modulus)
    except Exception as exc:  # scipy RuntimeError / ValueError from curve_fit
        raise SolverError(f"impedance.py fit of circuit {circuit!r} to {where} failed: {exc}") from exc
    values = np.asarray(model.parameters_, dtype=float)
    conf = np.asarray(model.conf_ if model.conf_ is not None else np.full(values.size, np.nan), float)
    rmse, rel, chi2 = _fit_quality(Zfun, values, f, Z)
    return CircuitFit(circuit, names, list(units), values, conf, rmse, rel, chi2, f.size,
                      arc_roles(circuit, names, values))


def _start_variants(circuit, names, guess, n_starts) -> list[list[float]]:
    """Starting points: the heuristic guess and copies with CPE/C magnitudes shifted."""
    starts = [list(guess)]
    shifts = [(10.0, 0.1), (0.1, 10.0), (10.0, 10.0), (0.1, 0.1)]
    q_idx = [i for i, n in enumerate(names) if n.startswith(("CPE", "C")) and not n.endswith("_1")]
    for k in range(max(n_starts - 1, 0)):
        g = list(guess)
        sh = shifts[k % len(shifts)]
        for j, i in enumerate(q_idx):
            g[i] *= sh[j % 2]
        starts.append(g)
    return starts


# --------------------------------------------------------------------------------------------
# fast fit (same objective as impedance.py) for series
# --------------------------------------------------------------------------------------------
def _fast_fit(Zfun, f, Z, p0, lo, hi, weight_by_modulus=False, max_nfev=2000
              ) -> tuple[np.ndarray, np.ndarray]:
    """Least squares on stacked [Re, Im] residuals, as impedance.py/curve_fit with bounds.

    Returns ``(params, conf_1sigma)``; the covariance is computed as scipy's curve_fit does
    (pinv of JᵀJ scaled by the residual variance).
    """
    from scipy.optimize import least_squares

    sigma = np.hstack([np.abs(Z), np.abs(Z)]) if weight_by_modulus else 1.0
    target = np.hstack([Z.real, Z.imag])

    def resid(p):
        zp = Zfun(p, f)
        return (np.hstack([zp.real, zp.imag]) - target) / sigma

    p0 = np.clip(np.asarray(p0, float), lo, hi)
    p0 = np.where(p0 <= lo, lo + np.maximum(1e-10, 1e-6 * np.abs(p0)), p0)
    p0 = np.where(p0 >= hi, hi - 1e-9, p0)
    # x_scale='jac' makes the trust region insensitive to parameters spanning 10 decades
    try:
        with np.errstate(all="ignore"):
            sol = least_squares(resid, p0, bounds=(lo, hi), method="trf", ftol=1e-13,
                                xtol=1e-12, gtol=1e-12, max_nfev=max_nfev, x_scale="jac")
    except Exception as exc:
        raise SolverError(f"least-squares fit failed: {exc}") from exc
    if not np.all(np.isfinite(sol.x)):
        raise SolverError("least-squares fit returned non-finite parameters")
    J = sol.jac
    m, n = J.shape
    try:
        _, s, VT = np.linalg.svd(J, full_matrices=False)
        thr = np.finfo(float).eps * max(J.shape) * s[0]
        s = s[s > thr]
        VT = VT[: s.size]
        pcov = (VT.T / s**2) @ VT * (2 * sol.cost / max(m - n, 1))
        conf = np.sqrt(np.abs(np.diag(pcov)))
    except np.linalg.LinAlgError:
        conf = np.full(n, np.nan)
    return sol.x, conf


def fit_series(f_list: Sequence[np.ndarray], Z_list: Sequence[np.ndarray],
               circuit: str = DEFAULT_CIRCUIT, initial_guess: Sequence[float] | None = None,
               *, warm_start: bool = True, labels: Sequence | None = None,
               weight_by_modulus: bool = False, progress: Callable[[int], None] | None = None
               ) -> pd.DataFrame:
    """Fit the same circuit to a series of spectra; track every parameter (R_SEI, R_ct …).

    Each fit minimises the same stacked-residual objective as impedance.py (with impedance.py's
    default bounds) using the compiled circuit evaluator. With ``warm_start`` each spectrum
    starts from the previous fitted parameters (spectra of a series change gradually); the
    first starts from a multi-start screened heuristic guess, as :func:`fit_circuit`. If a
    warm-started fit is worse than a fresh start (relative RMSE > 1.5× the fresh one's) the
    fresh fit is kept, so warm starting cannot lock onto a wrong minimum silently. The fresh
    restart is tried when the warm fit is both poor (relative RMSE > 2 %) and worse than the
    previous spectrum's fit by 1.5×: a circuit that fits a whole series only roughly is not
    refitted from scratch for every spectrum (bounded work on long series).

    Returns a tidy DataFrame, one row per spectrum: ``spectrum``, every parameter and its
    ``<name>_conf``, ``R_ohm_ohm``, ``R_SEI_ohm``, ``R_ct_ohm`` (default-type circuits),
    ``rmse_ohm``, ``rel_rmse``, ``chi2``, ``n_points``.
    """
    if len(f_list) != len(Z_list):
        raise InputError(f"{len(f_list)} frequency arrays but {len(Z_list)} spectra", field="series")
    if len(f_list) == 0:
        raise InputError("empty spectrum series", field="series")
    names, _ = parameter_names(circuit)
    Zfun, _ = compile_circuit(circuit)
    lo, hi = default_bounds(circuit)
    labels = list(labels) if labels is not None else list(range(len(f_list)))
    rows = []
    prev = None
    prev_rel = np.inf
    for k, (f, Z) in enumerate(zip(f_list, Z_list)):
        f, Z = _check_spectrum(f, Z, where=f"series[{labels[k]}]")
        if prev is not None and warm_start:
            p, conf = _fast_fit(Zfun, f, Z, prev, lo, hi, weight_by_modulus)
            q = _fit_quality(Zfun, p, f, Z)
            # guard: a bad warm start (sudden change) is redone from a fresh guess
            if q[1] > 0.02 and q[1] > 1.5 * prev_rel:
                p2, c2 = _fresh_fast_fit(circuit, names, Zfun, f, Z, lo, hi, weight_by_modulus)
                q2 = _fit_quality(Zfun, p2, f, Z)
                if q2[1] * 1.5 < q[1]:
                    p, conf, q = p2, c2, q2
        else:
            if initial_guess is not None and k == 0:
                p, conf = _fast_fit(Zfun, f, Z, np.asarray(initial_guess, float), lo, hi,
                                    weight_by_modulus)
            else:
                p, conf = _fresh_fast_fit(circuit, names, Zfun, f, Z, lo, hi, weight_by_modulus)
            q = _fit_quality(Zfun, p, f, Z)
        prev = p
        prev_rel = q[1]
        roles = arc_roles(circuit, names, p)
        row = {"spectrum": labels[k]}
        for n, v, c in zip(names, p, conf):
            row[n] = float(v)
            row[n + "_conf"] = float(c)
        for n, role in roles.items():
            if role in ("R_ohm", "R_SEI", "R_ct"):
                row[role + "_ohm"] = float(row[n])
                row[role + "_conf_ohm"] = float(row[n + "_conf"])
        row.update({"rmse_ohm": q[0], "rel_rmse": q[1], "chi2": q[2], "n_points": f.size})
        rows.append(row)
        if progress is not None:
            progress(k)
    return pd.DataFrame(rows)


def _fresh_fast_fit(circuit, names, Zfun, f, Z, lo, hi, weight_by_modulus, n_starts=4):
    starts = _start_variants(circuit, names, guess_parameters(circuit, f, Z), n_starts)
    best, best_q = None, np.inf
    for s in starts:
        try:
            p, conf = _fast_fit(Zfun, f, Z, s, lo, hi, weight_by_modulus, max_nfev=300)
        except SolverError:
            continue
        q = _fit_quality(Zfun, p, f, Z)[0]
        if q < best_q:
            best, best_q = p, q
    if best is None:
        raise SolverError(f"every start of the fit of circuit {circuit!r} failed")
    return _fast_fit(Zfun, f, Z, best, lo, hi, weight_by_modulus)


def fit_series_loop(f_list, Z_list, circuit: str = DEFAULT_CIRCUIT) -> pd.DataFrame:
    """Baseline: a plain loop of impedance.py ``CustomCircuit.fit`` calls, one per spectrum,
    each started from :func:`guess_parameters` of its own spectrum (what a user writes by hand)."""
    from impedance.models.circuits import CustomCircuit

    names, _ = parameter_names(circuit)
    rows = []
    for k, (f, Z) in enumerate(zip(f_list, Z_list)):
        model = CustomCircuit(circuit, initial_guess=guess_parameters(circuit, f, Z))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(np.asarray(f), np.asarray(Z))
        rows.append({"spectrum": k, **dict(zip(names, model.parameters_))})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# validity (Kramers–Kronig) and DRT
# --------------------------------------------------------------------------------------------
def kramers_kronig(f, Z, *, c: float = 0.85, threshold_pct: float = 1.0) -> dict:
    """Linear Kramers–Kronig validity test.

    impedance.py ``linKK`` (Schönleber et al., Electrochim. Acta 131, 20 (2014)): fits M
    Voigt (RC) elements with fixed log-spaced time constants, increasing M until
    µ = 1 − Σ|R_k<0| / Σ|R_k≥0| < c. Residuals ΔRe/|Z| and ΔIm/|Z| above a few percent, or
    structured, mean the spectrum violates causality/linearity/stationarity (drift during
    the measurement, non-linear amplitude) and fitted circuit parameters are unreliable.
    pyimpspec ``perform_kramers_kronig_test`` gives the pseudo χ² (Boukamp 1995) as a second
    opinion when it runs.

    Returns ``{"M", "mu", "max_residual_pct", "mean_abs_residual_pct", "valid", "pseudo_chi2",
    "residuals": DataFrame}``; ``valid`` is max residual < ``threshold_pct``.
    """
    from impedance.validation import fit_linKK, get_tc_distribution

    f, Z = _check_spectrum(f, Z)
    # impedance.py's linKK loop re-implemented around its fit_linKK: impedance.py 1.7.1's
    # eval_linKK builds an eval() string from NumPy-2 scalar reprs and fails ("np" undefined).
    w = 2 * np.pi * f
    max_M = min(50, max(3, f.size // 2))
    M, mu, el, ts = 0, 1.0, None, None
    while mu > c and M < max_M:
        M += 1
        ts = get_tc_distribution(f, M)
        el, mu = fit_linKK(f, ts, M, Z, "complex", True)
    Z_kk = el[0] + np.sum(el[1:M + 1, None] / (1 + 1j * np.outer(ts, w)), axis=0) \
        - 1j * el[-2] / w + 1j * w * el[-1]
    err = (Z - Z_kk) / np.abs(Z)
    res_re, res_im = err.real, err.imag
    res = np.hstack([res_re, res_im]) * 100
    out = {
        "M": int(M), "mu": float(mu), "max_residual_pct": float(np.max(np.abs(res))),
        "mean_abs_residual_pct": float(np.mean(np.abs(res))),
        "residuals": pd.DataFrame({"frequency_Hz": f, "res_real_pct": res_re * 100,
                                   "res_imag_pct": res_im * 100}),
    }
    out["valid"] = bool(out["max_residual_pct"] < threshold_pct)
    out["pseudo_chi2"] = np.nan
    try:
        import pyimpspec

        fu, iu = np.unique(f, return_index=True)  # pyimpspec requires unique frequencies
        ds = pyimpspec.DataSet(frequencies=fu[::-1], impedances=Z[iu][::-1])
        # same number of RC elements as lin-KK found; no extension-factor search (fast)
        kk = pyimpspec.perform_kramers_kronig_test(ds, test="complex", num_RC=int(M),
                                                   num_F_ext_evaluations=0, num_procs=1)
        out["pseudo_chi2"] = float(kk.pseudo_chisqr)
    except Exception:  # pyimpspec is a second opinion only; linKK already answered
        pass
    return out


def drt(f, Z, *, lambda_value: float = 1e-3, method: str = "tr-nnls") -> pd.DataFrame:
    """Distribution of relaxation times via ``pyimpspec.calculate_drt``.

    Z(ω) = R_∞ + R_pol ∫ γ(ln τ) / (1 + jωτ) d ln τ, solved by Tikhonov-regularised
    non-negative least squares (``method='tr-nnls'``, λ = ``lambda_value``). Peaks of γ(τ)
    separate processes without choosing a circuit (but λ sets the resolution: too small
    splits noise into peaks, too large merges processes).

    Returns a tidy DataFrame ``tau_s, gamma_ohm`` (gamma as pyimpspec returns it).
    """
    import pyimpspec

    f, Z = _check_spectrum(f, Z)
    fu, iu = np.unique(f, return_index=True)  # pyimpspec requires unique frequencies
    ds = pyimpspec.DataSet(frequencies=fu[::-1], impedances=Z[iu][::-1])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = pyimpspec.calculate_drt(ds, method=method, lambda_value=lambda_value)
    except Exception as exc:
        raise SolverError(f"pyimpspec DRT ({method}) failed: {exc}") from exc
    tau = np.asarray(res.get_time_constants())
    gam = res.get_gammas() if hasattr(res, "get_gammas") else res.gammas
    gam = np.asarray(gam[0] if isinstance(gam, tuple) else gam, dtype=float)
    return pd.DataFrame({"tau_s": tau, "gamma_ohm": gam})


def drt_peaks(drt_df: pd.DataFrame, rel_height: float = 0.05) -> pd.DataFrame:
    """Local maxima of γ(τ) above ``rel_height`` × max, sorted by τ."""
    from scipy.signal import find_peaks

    g = drt_df["gamma_ohm"].to_numpy()
    if g.size == 0 or np.max(g) <= 0:
        return pd.DataFrame({"tau_s": [], "gamma_ohm": []})
    idx, _ = find_peaks(np.r_[0, g, 0], height=rel_height * np.max(g))
    idx = idx - 1
    return drt_df.iloc[idx].reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# synthetic series and benchmark
# --------------------------------------------------------------------------------------------
#: Synthetic Si-anode spectrum parameters, order of 002 §3.3's activated p-mSi@SiOx/C cell
#: (R_SEI ≈ 54.2 Ω, R_ct ≈ 32.5 Ω); R0, CPE and Warburg values are illustrative assumptions.
SYNTHETIC_BASE = {"R0": 5.0, "R1": 54.2, "CPE1_0": 2e-5, "CPE1_1": 0.85, "R2": 32.5,
                  "CPE2_0": 5e-3, "CPE2_1": 0.8, "W1": 10.0}


def synthetic_series(n_spectra: int = 100, *, noise_rel: float = 0.002, seed: int = 0,
                     n_freq: int = 50) -> tuple[np.ndarray, list[np.ndarray], pd.DataFrame]:
    """A series of default-circuit spectra with R_SEI growing and R_ct drifting.

    R_SEI(k) = 54.2 (1 + 0.5 k/n) Ω, R_ct(k) = 32.5 (1 + 0.3 sin(2π k/n)) Ω; Gaussian noise of
    ``noise_rel`` × |Z| on real and imaginary parts (seeded). Returns ``(f, Z_list, truth)``.
    """
    rng = np.random.default_rng(seed)
    f = np.logspace(5, -2, n_freq)
    Zfun, _ = compile_circuit(DEFAULT_CIRCUIT)
    names, _ = parameter_names(DEFAULT_CIRCUIT)
    Zs, truth = [], []
    for k in range(n_spectra):
        p = dict(SYNTHETIC_BASE)
        p["R1"] *= 1 + 0.5 * k / max(n_spectra, 1)
        p["R2"] *= 1 + 0.3 * np.sin(2 * np.pi * k / max(n_spectra, 1))
        vec = np.array([p[n] for n in names])
        Z = Zfun(vec, f)
        Z = Z + noise_rel * np.abs(Z) * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
        Zs.append(Z)
        truth.append({"spectrum": k, **p})
    return f, Zs, pd.DataFrame(truth)


def benchmark_series_fit(n_spectra: int = 100, *, verbose: bool = False) -> float:
    """Speed-up of :func:`fit_series` over a plain loop of impedance.py fits, same run.

    Both fit the same synthetic ``n_spectra`` series (:func:`synthetic_series`). Returns
    t_loop / t_series. With ``verbose`` also prints timings and the largest relative
    difference of R_SEI/R_ct between the two methods.
    """
    f, Zs, truth = synthetic_series(n_spectra)
    t0 = time.perf_counter()
    fast = fit_series([f] * n_spectra, Zs, DEFAULT_CIRCUIT)
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = fit_series_loop([f] * n_spectra, Zs, DEFAULT_CIRCUIT)
    t_loop = time.perf_counter() - t0
    if verbose:
        ref = base.apply(lambda r: pd.Series(_sorted_arcs(r)), axis=1)
        dev = np.max(np.abs(fast[["R_SEI_ohm", "R_ct_ohm"]].to_numpy() - ref.to_numpy())
                     / ref.to_numpy())
        err = np.max(np.abs(fast["R_SEI_ohm"] - truth["R1"]) / truth["R1"])
        print(f"spectra: {n_spectra}, points each: {f.size}")
        print(f"plain loop of impedance.py CustomCircuit.fit: {t_loop:.2f} s")
        print(f"sianode fit_series (compiled circuit + warm start): {t_fast:.2f} s")
        print(f"max relative difference R_SEI/R_ct, series vs loop: {dev:.2e}")
        print(f"max relative error of R_SEI vs synthetic truth: {err:.2e}")
    return t_loop / t_fast


def _sorted_arcs(row) -> dict:
    vals = {k: row[k] for k in row.index if k != "spectrum"}
    roles = arc_roles(DEFAULT_CIRCUIT, list(vals), np.array(list(vals.values()), float))
    inv = {v: k for k, v in roles.items()}
    return {"R_SEI_ohm": vals[inv["R_SEI"]], "R_ct_ohm": vals[inv["R_ct"]]}


# --------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------
def eis_sections(f, Z, *, title: str = "EIS", circuit: str = DEFAULT_CIRCUIT,
                 run_drt: bool = True) -> tuple[list, dict[str, pd.DataFrame]]:
    """Fit, validate and plot one spectrum. Returns ``(sections, tables)``."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, table

    f, Z = _check_spectrum(f, Z, where=title)
    tables: dict[str, pd.DataFrame] = {}
    body = ""
    kk = kramers_kronig(f, Z)
    tables["eis_kramers_kronig"] = kk["residuals"]
    fit = None
    # inductive points (Im Z > 0, cables/current collector) cannot be fitted by a circuit
    # without an inductor: exclude them, as impedance.py's ignoreBelowX does, and say so
    _, elems = compile_circuit(circuit)
    has_L = any(_element_type(e) in ("L", "La") for e in elems)
    keep = np.ones(f.size, bool) if has_L else Z.imag < 0
    if keep.sum() < 5:
        keep[:] = True
    n_excl = int((~keep).sum())
    try:
        fit = fit_circuit(f[keep], Z[keep], circuit, where=title)
        tables["eis_fit_parameters"] = fit.to_frame()
    except SolverError as exc:
        body += paragraph(f"Circuit fit failed: {exc}")
    fig, axes = plt.subplots(1, 3, figsize=(14, 4))
    ax = axes[0]
    ax.plot(Z.real, -Z.imag, "o", ms=3, label="data")
    if fit is not None:
        ff = np.logspace(np.log10(f.min()), np.log10(f.max()), 300)
        Zf = fit.predict(ff)
        ax.plot(Zf.real, -Zf.imag, "-", label=f"fit {circuit}")
    ax.set_xlabel("Re Z / Ω"), ax.set_ylabel("−Im Z / Ω"), ax.set_aspect("equal", "datalim")
    ax.legend(fontsize=7), ax.set_title("Nyquist")
    r = kk["residuals"]
    axes[1].semilogx(r.frequency_Hz, r.res_real_pct, "o-", ms=3, label="ΔRe/|Z|")
    axes[1].semilogx(r.frequency_Hz, r.res_imag_pct, "s-", ms=3, label="ΔIm/|Z|")
    axes[1].set_xlabel("f / Hz"), axes[1].set_ylabel("KK residual / %"), axes[1].legend(fontsize=7)
    axes[1].set_title(f"Lin-KK (M={kk['M']}, µ={kk['mu']:.2f})")
    if run_drt:
        try:
            d = drt(f, Z)
            tables["eis_drt"] = d
            axes[2].semilogx(d.tau_s, d.gamma_ohm)
            axes[2].set_xlabel("τ / s"), axes[2].set_ylabel("γ / Ω"), axes[2].set_title("DRT (TR-NNLS)")
        except SolverError as exc:
            axes[2].text(0.1, 0.5, f"DRT failed: {exc}", fontsize=7, wrap=True)
    body += figure(fig, alt=f"{title} Nyquist, KK residuals and DRT")
    summary = {"points": f.size, "f range / Hz": f"{f.min():.3g} – {f.max():.3g}",
               "KK max residual / %": kk["max_residual_pct"], "KK valid (<1 %)": kk["valid"]}
    if fit is not None:
        summary.update({"circuit": circuit, "inductive points excluded from fit": n_excl,
                        "RMSE / Ω": fit.rmse_ohm,
                        "relative RMSE": fit.rel_rmse, "χ² (|Z|-weighted)": fit.chi2})
        for n, role in fit.roles.items():
            if role in ("R_ohm", "R_SEI", "R_ct"):
                i = fit.names.index(n)
                summary[f"{role} / Ω"] = f"{fit.values[i]:.4g} ± {fit.conf[i]:.2g}"
    body += kv_table(summary, caption="Fit summary")
    if fit is not None:
        body += table(fit.to_frame())
    body += paragraph(NON_UNIQUE_NOTE)
    if fit is not None and fit.rel_rmse > 0.05:
        body += paragraph(f"Poor fit (relative RMSE {fit.rel_rmse:.1%} > 5 %): the circuit does not "
                          "describe this spectrum; try another circuit (e.g. a CPE instead of the "
                          "Warburg tail, or a third arc).")
    if fit is not None:
        lo, hi = default_bounds(circuit)
        at = [n for n, v, a, b in zip(fit.names, fit.values, lo, hi)
              if v <= a + 1e-9 * max(1.0, abs(v)) or (np.isfinite(b) and v >= b - 1e-9)]
        if at:
            body += paragraph(f"Parameters at their bounds: {', '.join(at)} (not determined by "
                              "the data, e.g. an arc not closed within the frequency range).")
    if not kk["valid"]:
        body += paragraph("Kramers–Kronig residuals exceed 1 %: the spectrum is not fully "
                          "linear/causal/stationary; treat fitted parameters with caution.")
    return [Section(title, body)], tables


def series_sections(series_df: pd.DataFrame, *, title: str = "EIS series") -> list:
    """Report section of R_ohm / R_SEI / R_ct tracked over a series."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, paragraph, table

    fig, ax = plt.subplots(figsize=(6, 4))
    for col in ("R_ohm_ohm", "R_SEI_ohm", "R_ct_ohm"):
        if col in series_df:
            ax.errorbar(series_df["spectrum"], series_df[col],
                        yerr=series_df.get(col.replace("_ohm", "_conf_ohm")), fmt="o-", ms=3,
                        label=col.replace("_ohm", ""))
    ax.set_xlabel("spectrum"), ax.set_ylabel("R / Ω"), ax.legend()
    cols = [c for c in ("spectrum", "R_ohm_ohm", "R_SEI_ohm", "R_ct_ohm", "rel_rmse", "chi2")
            if c in series_df]
    body = figure(fig, alt="resistances over series") + table(series_df[cols]) + paragraph(NON_UNIQUE_NOTE)
    return [Section(title, body)]
