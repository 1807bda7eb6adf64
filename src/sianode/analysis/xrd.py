"""X-ray diffraction: peak fitting, Scherrer crystallite size, peak tracking in operando series.

Scherrer equation (P. Scherrer, Nachr. Ges. Wiss. Göttingen 26, 98 (1918); Langford & Wilson,
J. Appl. Cryst. 11, 102 (1978))::

    L = K λ / (β cos θ)

L the volume-weighted crystallite size (m), λ the X-ray wavelength, θ half the diffraction
angle 2θ, β the *sample* broadening in radians (FWHM), K ≈ 0.9 the shape factor (0.89–0.94
for spherical crystallites and FWHM). The instrument's own peak width b must be removed from
the measured width B first:

* Gaussian profiles: β = √(B² − b²) (default),
* Lorentzian profiles: β = B − b.

001 §2.2 / 000 report Si grain sizes from ≈ 40 nm down to 0.87 nm (SiH4/C2H4 CVD on graphite)
from the Scherrer equation. Assumptions and limits (Holder & Schaak, ACS Nano 13, 7359
(2019)): all broadening beyond the instrument is attributed to size (no micro-strain;
Williamson–Hall would separate them); the formula is meaningful for roughly 2–200 nm — below
~2 nm the "peak" is a diffuse halo (0.87 nm Si gives FWHM ≈ 10° at 28°) and above ~200 nm
the size broadening is lost in the instrument width. Results carry a flag for this range.
Kα2 is not stripped: fit monochromatic (Kα1) data or accept a slight overestimate of B at
high angle. In situ XRD cannot see amorphous LixSi (003 §3.1); a vanishing c-Si peak in an
operando series means amorphisation, not loss of material.

Peak profile: pseudo-Voigt  I(x) = h [η L(x) + (1 − η) G(x)] + linear background, with L and
G the Lorentzian and Gaussian of the same FWHM (Thompson, Cox & Hastings, J. Appl. Cryst.
20, 79 (1987) approximation family).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from sianode.errors import InputError, SolverError
from sianode.provenance import Parameter

SCHERRER_PARAMETERS = {
    "K": Parameter(0.9, "1", "Langford & Wilson, J. Appl. Cryst. 11, 102 (1978): K = 0.89–0.94 "
                   "for spherical crystallites with FWHM"),
    "wavelength_m": Parameter(1.540598e-10, "m", "Cu Kα1; Bearden, Rev. Mod. Phys. 39, 78 (1967)"),
    "si_lattice_m": Parameter(5.431020511e-10, "m", "CODATA 2018 lattice parameter of Si at 22.5 °C"),
}

#: Validity range of the Scherrer size (Holder & Schaak, ACS Nano 13, 7359 (2019)).
SCHERRER_RANGE_M = (2e-9, 200e-9)


def scherrer_size(fwhm_deg, two_theta_deg, *, wavelength_m: float | None = None,
                  K: float | None = None, instrument_fwhm_deg=0.0, profile: str = "gaussian"):
    """Crystallite size L = K λ / (β cos θ) in metres (scalars or arrays).

    Parameters
    ----------
    fwhm_deg : measured FWHM B of the peak, degrees 2θ.
    two_theta_deg : peak position, degrees 2θ.
    wavelength_m : X-ray wavelength (default Cu Kα1 1.5406 Å).
    K : shape factor (default 0.9).
    instrument_fwhm_deg : instrumental FWHM b (from a standard such as LaB6/Si SRM), deg.
    profile : 'gaussian' (β = √(B² − b²)) or 'lorentzian' (β = B − b).
    """
    lam = float(SCHERRER_PARAMETERS["wavelength_m"].value if wavelength_m is None else wavelength_m)
    K = float(SCHERRER_PARAMETERS["K"].value if K is None else K)
    B = np.asarray(fwhm_deg, float)
    b = np.asarray(instrument_fwhm_deg, float)
    tt = np.asarray(two_theta_deg, float)
    if lam <= 0 or K <= 0:
        raise InputError("wavelength and K must be > 0", field="wavelength_m")
    if np.any(tt <= 0) or np.any(tt >= 180):
        raise InputError("2θ must lie in (0, 180) degrees", field="two_theta_deg")
    if np.any(B <= 0):
        raise InputError("FWHM must be > 0", field="fwhm_deg")
    if np.any(b < 0):
        raise InputError("instrument FWHM must be ≥ 0", field="instrument_fwhm_deg")
    if np.any(b >= B):
        raise InputError("instrument FWHM is not smaller than the measured FWHM: the peak is "
                         "instrument-limited and no size can be derived", field="instrument_fwhm_deg")
    if profile == "gaussian":
        beta_deg = np.sqrt(B**2 - b**2)
    elif profile == "lorentzian":
        beta_deg = B - b
    else:
        raise InputError(f"profile {profile!r}; allowed: 'gaussian', 'lorentzian'", field="profile")
    beta = np.deg2rad(beta_deg)
    theta = np.deg2rad(tt) / 2
    out = K * lam / (beta * np.cos(theta))
    return float(out) if out.ndim == 0 else out


def fwhm_for_size(size_m, two_theta_deg, *, wavelength_m: float | None = None, K: float | None = None,
                  instrument_fwhm_deg=0.0, profile: str = "gaussian"):
    """Inverse of :func:`scherrer_size`: measured FWHM (deg 2θ) for a crystallite size."""
    lam = float(SCHERRER_PARAMETERS["wavelength_m"].value if wavelength_m is None else wavelength_m)
    K = float(SCHERRER_PARAMETERS["K"].value if K is None else K)
    beta = np.rad2deg(K * lam / (np.asarray(size_m, float) * np.cos(np.deg2rad(two_theta_deg) / 2)))
    b = np.asarray(instrument_fwhm_deg, float)
    return np.sqrt(beta**2 + b**2) if profile == "gaussian" else beta + b


def bragg_two_theta(hkl: tuple[int, int, int], lattice_m: float | None = None,
                    wavelength_m: float | None = None) -> float:
    """2θ (deg) of a cubic reflection: d = a/√(h²+k²+l²), λ = 2 d sin θ (default Si, Cu Kα1)."""
    a = float(SCHERRER_PARAMETERS["si_lattice_m"].value if lattice_m is None else lattice_m)
    lam = float(SCHERRER_PARAMETERS["wavelength_m"].value if wavelength_m is None else wavelength_m)
    d = a / np.sqrt(sum(h * h for h in hkl))
    if lam / (2 * d) >= 1:
        raise InputError(f"reflection {hkl} is not reachable at λ = {lam:.4g} m", field="hkl")
    return float(2 * np.rad2deg(np.arcsin(lam / (2 * d))))


def pseudo_voigt(x, center, fwhm, height, eta):
    """Pseudo-Voigt of peak height ``height`` and FWHM ``fwhm`` (mixing η: 0 Gauss, 1 Lorentz)."""
    dx = (np.asarray(x, float) - center) / fwhm
    g = np.exp(-4 * np.log(2) * dx**2)
    lor = 1 / (1 + 4 * dx**2)
    return height * (eta * lor + (1 - eta) * g)


def fit_peak(two_theta_deg, intensity, center_deg: float, window_deg: float = 2.0) -> dict:
    """Least-squares pseudo-Voigt + linear background fit of one peak within ±window/2.

    Returns ``center_deg, fwhm_deg, height, eta, area, r2`` (area of the pseudo-Voigt, no
    background). Raises SolverError if the fit does not converge.
    """
    from scipy.optimize import least_squares

    x = np.asarray(two_theta_deg, float)
    y = np.asarray(intensity, float)
    m = np.abs(x - center_deg) <= window_deg / 2
    if m.sum() < 7:
        raise InputError(f"fewer than 7 points within ±{window_deg / 2}° of {center_deg}°",
                         field="window_deg")
    xs, ys = x[m], y[m]
    bg0 = np.linspace(ys[0], ys[-1], ys.size)
    h0 = float(np.max(ys - bg0))
    c0 = float(xs[np.argmax(ys - bg0)])
    half = xs[(ys - bg0) >= h0 / 2]
    w0 = float(max(half.max() - half.min(), 2 * np.median(np.diff(xs)))) if half.size else window_deg / 4
    p0 = [c0, w0, max(h0, 1e-12), 0.5, float(ys[0]), (ys[-1] - ys[0]) / (xs[-1] - xs[0])]
    lo = [xs.min(), 0.25 * np.median(np.diff(xs)), 0, 0, -np.inf, -np.inf]
    hi = [xs.max(), window_deg * 2, np.inf, 1, np.inf, np.inf]

    def resid(p):
        return pseudo_voigt(xs, *p[:4]) + p[4] + p[5] * (xs - xs[0]) - ys

    try:
        sol = least_squares(resid, np.clip(p0, lo, hi), bounds=(lo, hi), x_scale="jac")
    except Exception as exc:
        raise SolverError(f"pseudo-Voigt fit near {center_deg}° failed: {exc}") from exc
    c, w, h, eta = sol.x[:4]
    # area of pseudo-Voigt: η·(π w h /2) + (1−η)·(w h √(π/(4 ln 2)))
    area = h * w * (eta * np.pi / 2 + (1 - eta) * np.sqrt(np.pi / (4 * np.log(2))))
    ss_tot = float(np.sum((ys - ys.mean()) ** 2))
    r2 = 1 - float(np.sum(sol.fun**2)) / ss_tot if ss_tot > 0 else np.nan
    return {"center_deg": float(c), "fwhm_deg": float(w), "height": float(h), "eta": float(eta),
            "area": float(area), "r2": float(r2)}


def find_peaks(scan: pd.DataFrame, *, prominence_rel: float = 0.05, max_peaks: int = 8,
               min_separation_deg: float = 0.5) -> pd.DataFrame:
    """Most prominent peaks (position, prominence) of a scan, strongest first."""
    from scipy.signal import find_peaks as _fp

    x = scan["two_theta_deg"].to_numpy(float)
    y = scan["intensity"].to_numpy(float)
    step = float(np.median(np.diff(x)))
    ys = np.convolve(y, np.ones(5) / 5, mode="same")  # light smoothing against counting noise
    rng = float(np.ptp(ys))
    idx, props = _fp(ys, prominence=prominence_rel * rng,
                     distance=max(1, int(min_separation_deg / step)))
    order = np.argsort(props["prominences"])[::-1][:max_peaks]
    return pd.DataFrame({"two_theta_deg": x[idx[order]], "prominence": props["prominences"][order]})


def analyze_scan(scan: pd.DataFrame, *, instrument_fwhm_deg: float = 0.0, K: float | None = None,
                 wavelength_m: float | None = None, max_peaks: int = 8, window_deg: float = 2.0
                 ) -> pd.DataFrame:
    """Find, fit and size the strongest peaks of one scan. Tidy, one row per peak.

    Columns: ``center_deg, fwhm_deg, height, eta, area, r2, d_spacing_m, size_m,
    in_scherrer_range`` (size NaN when the peak is instrument-limited).
    """
    lam = wavelength_m or scan.attrs.get("wavelength_m") or SCHERRER_PARAMETERS["wavelength_m"].value
    rows = []
    for c in find_peaks(scan, max_peaks=max_peaks)["two_theta_deg"]:
        try:
            r = fit_peak(scan.two_theta_deg, scan.intensity, c, window_deg)
        except (SolverError, InputError):
            continue
        r["d_spacing_m"] = lam / (2 * np.sin(np.deg2rad(r["center_deg"]) / 2))
        try:
            r["size_m"] = scherrer_size(r["fwhm_deg"], r["center_deg"], wavelength_m=lam, K=K,
                                        instrument_fwhm_deg=instrument_fwhm_deg)
        except InputError:
            r["size_m"] = np.nan
        r["in_scherrer_range"] = bool(SCHERRER_RANGE_M[0] <= r["size_m"] <= SCHERRER_RANGE_M[1])
        rows.append(r)
    df = pd.DataFrame(rows)
    return df.sort_values("center_deg").reset_index(drop=True) if len(df) else df


def track_peaks(scans: Sequence[pd.DataFrame], centers_deg: Sequence[float], *,
                window_deg: float = 1.5, labels: Sequence | None = None,
                instrument_fwhm_deg: float = 0.0, wavelength_m: float | None = None,
                min_height_rel: float = 0.02) -> pd.DataFrame:
    """Follow given phase peaks through an operando series of scans.

    Each peak is refitted in every scan around its position in the previous scan (peaks
    shift as lattices strain). A peak whose fitted height falls below ``min_height_rel`` of its
    first-scan height is reported as absent (``present = False``), e.g. c-Si amorphising on
    lithiation. Tidy output, one row per (scan, peak): ``scan, peak, center_deg, fwhm_deg,
    height, area, size_m, present``.
    """
    labels = list(labels) if labels is not None else list(range(len(scans)))
    if len(labels) != len(scans):
        raise InputError(f"{len(labels)} labels for {len(scans)} scans", field="labels")
    rows = []
    for j, c0 in enumerate(centers_deg):
        c, h_first = float(c0), None
        for k, scan in enumerate(scans):
            try:
                r = fit_peak(scan.two_theta_deg, scan.intensity, c, window_deg)
            except (SolverError, InputError):
                r = {"center_deg": np.nan, "fwhm_deg": np.nan, "height": 0.0, "area": 0.0}
            if h_first is None:
                h_first = r["height"] if r["height"] > 0 else np.nan
            present = bool(r["height"] >= min_height_rel * h_first) if np.isfinite(h_first) else False
            size = np.nan
            if present:
                c = r["center_deg"]
                try:
                    size = scherrer_size(r["fwhm_deg"], r["center_deg"], wavelength_m=wavelength_m,
                                         instrument_fwhm_deg=instrument_fwhm_deg)
                except InputError:
                    pass
            rows.append({"scan": labels[k], "peak": f"{float(c0):.2f}", "center_deg": r["center_deg"],
                         "fwhm_deg": r["fwhm_deg"], "height": r["height"], "area": r["area"],
                         "size_m": size, "present": present})
    return pd.DataFrame(rows)


def xrd_scan_sections(scan: pd.DataFrame, *, title: str = "XRD", instrument_fwhm_deg: float = 0.0):
    """Report of one scan: pattern with fitted peaks, Scherrer sizes."""
    import matplotlib.pyplot as plt

    from sianode.report.html import Section, figure, kv_table, paragraph, table

    peaks = analyze_scan(scan, instrument_fwhm_deg=instrument_fwhm_deg)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(scan.two_theta_deg, scan.intensity, lw=0.7)
    for _, r in peaks.iterrows():
        ax.axvline(r.center_deg, color="r", lw=0.5, alpha=0.6)
    ax.set_xlabel("2θ / °"), ax.set_ylabel("intensity")
    lam = scan.attrs.get("wavelength_m") or SCHERRER_PARAMETERS["wavelength_m"].value
    body = figure(fig, alt="diffractogram")
    body += kv_table({"points": len(scan), "2θ range / °": f"{scan.two_theta_deg.min():.2f} – "
                      f"{scan.two_theta_deg.max():.2f}", "wavelength / Å": lam * 1e10,
                      "instrument FWHM / °": instrument_fwhm_deg, "K": SCHERRER_PARAMETERS["K"].value})
    if len(peaks):
        show = peaks.assign(size_nm=peaks["size_m"] * 1e9).drop(columns=["size_m"])
        body += table(show)
    note = ("Scherrer sizes attribute all broadening beyond the instrument to crystallite size "
            "(no strain); valid for about 2–200 nm.")
    if instrument_fwhm_deg == 0:
        note += " No instrument broadening was given: sizes are lower bounds."
    body += paragraph(note)
    return [Section(title, body)], {"xrd_data": scan, "xrd_peaks": peaks}
