"""Axisymmetric finite-element stress in a porous, coated Si particle (scikit-fem).

Model
-----
Linear elasticity in the meridian quarter-plane (r >= 0, z >= 0) of an axisymmetric particle,
mirror symmetry about z = 0, quadratic triangles (``ElementVector(ElementTriP2())``). Strains
``e_rr = du_r/dr, e_zz = du_z/dz, e_tt = u_r/r, g_rz = du_r/dz + du_z/dr``; weak form

    int (lambda tr(e(u)) tr(e(v)) + 2 mu e(u):e(v)) r dA = int (3 lambda + 2 mu) e* tr(e(v)) r dA

with an isotropic lithiation eigenstrain ``e*`` in the Si (coatings do not lithiate), perfect bonding
(shared nodes), ``u_r = 0`` on the axis and ``u_z = 0`` on the symmetry plane. Pores are circles in
the meridian plane: on the axis they are spherical pores, off the axis toroidal (ring) pores.

Load: interpretation of seeds/002 §2.4
--------------------------------------
seeds/002 replaces Li diffusion by a "volumetric stress" F_V and does not give its form. We use the
lithiation eigenstrain of a partially lithiated particle: Si closer than a front depth ``delta`` to a
Li-supplying surface is Li3.75Si (``e* = volume_ratio(3.75)**(1/3) - 1`` = 0.56), Si further away is
pristine, with a tanh front of width ``front_width`` (numerical regularisation, default 50 nm).
Li-supplying surfaces are the outer Si surface (through the coating) and, for porous particles, the
pore walls (seeds/002: the pores are open and coated from solution, so electrolyte reaches them).
``delta`` is set so that the lithiated Si volume fraction equals the state of lithiation. This is the
two-phase lithiation of crystalline Si (seeds/002's ball-milled Si is crystalline, Fig. 1i), in the
linear-elastic setting of the paper (finite strain and plasticity: :mod:`sianode.mechanics.plasticity`).
A uniform eigenstrain would leave a free homogeneous particle stress free, so the paper's non-zero
stress in pure Si implies an inhomogeneous load of this kind.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import Delaunay

from sianode.errors import InputError, SolverError
from sianode.materials import lisi
from sianode.mechanics.properties import LISI, coating_moduli, lisi_young_modulus

UM = 1e-6


@dataclass
class Pore:
    """A pore: centre (r, z) in the meridian plane (m), radius (m), optional wall coating (m)."""

    r: float
    z: float
    radius: float
    coating_thickness: float = 0.0


@dataclass
class ParticleGeometry:
    """Si particle of radius ``si_radius`` with an outer coating and pores (all lengths in m)."""

    si_radius: float
    coating_thickness: float = 0.0
    coating_material: str = "carbon"
    pores: list[Pore] = field(default_factory=list)
    pore_coating_material: str = "SiOx/C"
    pores_supply_li: bool = True

    @property
    def outer_radius(self) -> float:
        return self.si_radius + self.coating_thickness

    def validate(self) -> None:
        R = self.si_radius
        if not np.isfinite(R) or R <= 0:
            raise InputError(f"particle radius must be > 0, got {R}", field="geometry.si_radius")
        if self.coating_thickness < 0 or self.coating_thickness >= R:
            raise InputError(f"coating thickness {self.coating_thickness:g} m must be in [0, radius {R:g} m)",
                             field="geometry.coating_thickness")
        for i, p in enumerate(self.pores):
            if p.radius <= 0:
                raise InputError("pore radius must be > 0", field=f"geometry.pores[{i}].radius")
            if p.r < 0 or p.z < 0:
                raise InputError("pore centres must lie in the quarter plane r >= 0, z >= 0",
                                 field=f"geometry.pores[{i}]")
            if p.radius >= R:
                raise InputError(f"pore radius {p.radius:g} m is not smaller than the particle radius {R:g} m",
                                 field=f"geometry.pores[{i}].radius")
            if np.hypot(p.r, p.z) + p.radius >= R:
                raise InputError("pore reaches or crosses the particle surface", field=f"geometry.pores[{i}]")
            if p.coating_thickness < 0 or p.coating_thickness >= p.radius:
                raise InputError(f"pore coating {p.coating_thickness:g} m must be thinner than the pore radius "
                                 f"{p.radius:g} m", field=f"geometry.pores[{i}].coating_thickness")
            # a pore crossing the axis must be centred on it (sphere), likewise for the symmetry plane
            if 0 < p.r < p.radius:
                raise InputError("pore crosses the axis r = 0 without being centred on it (self-intersecting ring)",
                                 field=f"geometry.pores[{i}].r")
            if 0 < p.z < p.radius:
                raise InputError("pore crosses the symmetry plane z = 0 without being centred on it",
                                 field=f"geometry.pores[{i}].z")
            for j, q in enumerate(self.pores[:i]):
                if np.hypot(p.r - q.r, p.z - q.z) < p.radius + q.radius:
                    raise InputError(f"pores {j} and {i} overlap", field=f"geometry.pores[{i}]")


# seeds/002 §3.1 (Fig. S12): total pore volume of p-mSi@SiOx/C, cm3/g
PAPER_002_PORE_VOLUME_CM3_G = 0.069


def paper_002_porosity() -> float:
    """Internal porosity of p-mSi@SiOx/C from its measured pore volume: ``PV rho_Si / (1 + PV rho_Si)`` = 0.138.

    seeds/002 §3.1: total pore volume 0.069 cm3/g (0.042 for mSi without hydrolysis); per gram of Si
    (rho_Si 2.329 g/cm3, :data:`sianode.materials.lisi.RHO_SI_G_CM3`).
    """
    v = PAPER_002_PORE_VOLUME_CM3_G * lisi.RHO_SI_G_CM3
    return v / (1.0 + v)


def pore_volume_fraction(si_radius: float, pores: list[Pore]) -> float:
    """Volume fraction of the Si sphere taken by the pores of an axisymmetric, z-mirrored layout.

    A pore centred on the axis is a sphere, one off the axis a torus ``2 pi^2 r a^2``; pores with z > 0
    appear twice (mirror about z = 0).
    """
    v = 0.0
    for p in pores:
        one = 4.0 / 3.0 * np.pi * p.radius ** 3 if p.r == 0 else 2 * np.pi ** 2 * p.r * p.radius ** 2
        v += one * (1 if p.z == 0 else 2)
    return v / (4.0 / 3.0 * np.pi * si_radius ** 3)


def pore_lattice(si_radius: float, pore_radius: float, porosity: float, coating_thickness: float = 0.0,
                 min_gap: float | None = None) -> list[Pore]:
    """Pores of one radius on a hexagonal lattice in the meridian plane, spaced to give ``porosity``.

    Lattice rows ``z = j d sqrt(3)/2``, odd rows offset by d/2, one node at the centre. A pore is kept if
    it stays ``min_gap`` (default one pore radius) away from the Si surface, from the axis and from the
    symmetry plane, unless it is centred on them. The spacing d is the one (scanned from 2.5 to 12 pore
    radii) whose kept pores give the volume fraction closest to ``porosity``. In the meridian plane the
    area fraction of a lattice equals the volume fraction of the revolved rings, so this reproduces a
    uniform porosity; the layout is ours (seeds/002 gives only the pore radius).
    """
    a, R = float(pore_radius), float(si_radius)
    if not 0 < porosity < 0.5:
        raise InputError(f"porosity must be in (0, 0.5) for a pore lattice, got {porosity}", field="porosity")
    if not 0 < a < R / 3:
        raise InputError(f"pore radius {a:g} m must be in (0, R/3)", field="pore_radius")
    gap = a if min_gap is None else float(min_gap)

    def layout(d):
        out = []
        nz = int(R / (d * np.sqrt(3) / 2)) + 1
        for j in range(nz):
            z = j * d * np.sqrt(3) / 2
            for r in np.arange(0.5 * d * (j % 2), R, d):
                on_axis, on_plane = r == 0, z == 0
                if not on_axis and r < a + gap:
                    continue
                if not on_plane and z < a + gap:
                    continue
                if np.hypot(r, z) + a > R - gap:
                    continue
                out.append(Pore(float(r), float(z), a, coating_thickness))
        return out

    best = None
    for d in np.linspace(2.5 * a, 12 * a, 400):
        pores = layout(d)
        if not pores:
            continue
        err = abs(pore_volume_fraction(R, pores) - porosity)
        if best is None or err < best[0] - 1e-12:
            best = (err, pores)
    return best[1]


def paper_002_pores(coating_thickness: float = 0.0) -> list[Pore]:
    """Pores of seeds/002's porous configurations: radius R2 = 0.2 µm (§2.4) on a hexagonal lattice
    whose porosity matches the measured pore volume of p-mSi@SiOx/C (:func:`paper_002_porosity`, 0.138)."""
    return pore_lattice(2.5 * UM, 0.2 * UM, paper_002_porosity(), coating_thickness)


def paper_002_configurations() -> dict[str, ParticleGeometry]:
    """The four particles of seeds/002 Fig. 1c–g (R1 = 2.5 µm, shell 0.2 µm, pore radius 0.2 µm)."""
    R, t = 2.5 * UM, 0.2 * UM
    return {
        "I pure Si": ParticleGeometry(R, 0.0),
        "II carbon-coated Si": ParticleGeometry(R, t, "carbon"),
        "III porous Si, outer SiOx/C": ParticleGeometry(R, t, "SiOx/C", paper_002_pores(0.0)),
        "IV porous Si, inner+outer SiOx/C": ParticleGeometry(R, t, "SiOx/C", paper_002_pores(0.05 * UM)),
    }


PAPER_002_AVERAGE_GPA = {"I pure Si": 32.54, "II carbon-coated Si": 31.14,
                         "III porous Si, outer SiOx/C": 12.33, "IV porous Si, inner+outer SiOx/C": 9.94}
PAPER_002_FULL_LITHIATION_GPA = {  # surface (A), matrix (B), pore edge (C) at full lithiation, seeds/002 §3.1
    "I pure Si": {"surface": 47.15, "matrix": 28.11},
    "II carbon-coated Si": {"surface": 41.52, "matrix": 24.50},
    "III porous Si, outer SiOx/C": {"surface": 9.46, "matrix": 7.98, "pore_edge": 29.37},
    "IV porous Si, inner+outer SiOx/C": {"surface": 8.51, "matrix": 6.34, "pore_edge": 13.44},
}


# --------------------------------------------------------------------------- mesh
def build_mesh(geom: ParticleGeometry, h: float):
    """Quarter-plane triangulation (skfem MeshTri) with nodes on every circle (interfaces and pore walls)."""
    from skfem import MeshTri

    geom.validate()
    if h <= 0:
        raise InputError("mesh size must be > 0", field="h")
    Ro, Rs = geom.outer_radius, geom.si_radius
    circles = [((0.0, 0.0), Ro)] + ([((0.0, 0.0), Rs)] if geom.coating_thickness > 0 else [])
    for p in geom.pores:
        circles.append(((p.r, p.z), p.radius))
        if p.coating_thickness > 0:
            circles.append(((p.r, p.z), p.radius - p.coating_thickness))
    # hexagonal lattice
    ny = int(Ro / (h * np.sqrt(3) / 2)) + 2
    pts = []
    for j in range(ny):
        z = j * h * np.sqrt(3) / 2
        off = 0.5 * h if j % 2 else 0.0
        r = np.arange(off, Ro + h, h)
        pts.append(np.column_stack([r, np.full_like(r, z)]))
    P = np.vstack(pts)
    P = P[(np.hypot(P[:, 0], P[:, 1]) < Ro - 0.45 * h) & (P[:, 0] > 0.45 * h) & (P[:, 1] > 0.45 * h)]
    for (c, rad) in circles[1:]:
        d = np.abs(np.hypot(P[:, 0] - c[0], P[:, 1] - c[1]) - rad)
        hc = min(h, rad * np.pi / 16)
        P = P[d > 0.45 * hc]
    for p in geom.pores:  # drop lattice points inside pore voids
        void = p.radius - p.coating_thickness
        P = P[np.hypot(P[:, 0] - p.r, P[:, 1] - p.z) > void]
    extra = []
    for (c, rad) in circles:
        hc = min(h, rad * np.pi / 16)
        n = max(int(np.ceil(2 * np.pi * rad / hc)), 16)
        th = np.linspace(0, 2 * np.pi, n, endpoint=False)
        q = np.column_stack([c[0] + rad * np.cos(th), c[1] + rad * np.sin(th)])
        q = q[(q[:, 0] >= -1e-12 * Ro) & (q[:, 1] >= -1e-12 * Ro)]
        extra.append(q)
        # points where the circle meets the axes
        for axis in (0, 1):
            other = c[1 - axis]
            if abs(c[axis]) < rad:
                s = np.sqrt(rad ** 2 - c[axis] ** 2)
                for val in (other - s, other + s):
                    if val >= 0:
                        pt = [0.0, 0.0]; pt[axis] = 0.0; pt[1 - axis] = val
                        extra.append(np.array([pt]))
    # axis and symmetry-plane points
    s = np.arange(0.0, Ro + 1e-12 * Ro, h)
    extra.append(np.column_stack([np.zeros_like(s), s]))
    extra.append(np.column_stack([s, np.zeros_like(s)]))
    extra.append(np.array([[0.0, Ro], [Ro, 0.0]]))
    P = np.vstack([P] + extra)
    P[np.abs(P) < 1e-12 * Ro] = 0.0
    P = P[(np.hypot(P[:, 0], P[:, 1]) <= Ro * (1 + 1e-9))]
    # drop near-duplicates and points inside voids of axis-crossing pores
    key = np.round(P / (1e-4 * h)).astype(np.int64)
    _, idx = np.unique(key, axis=0, return_index=True)
    P = P[np.sort(idx)]
    for p in geom.pores:
        void = p.radius - p.coating_thickness
        P = P[np.hypot(P[:, 0] - p.r, P[:, 1] - p.z) > void * (1 - 1e-9)]
    tri = Delaunay(P)
    t = tri.simplices
    cen = P[t].mean(axis=1)
    keep = np.hypot(cen[:, 0], cen[:, 1]) < Ro
    for p in geom.pores:
        keep &= np.hypot(cen[:, 0] - p.r, cen[:, 1] - p.z) > p.radius - p.coating_thickness
    # drop slivers on the convex hull (chords of the outer circle)
    area = 0.5 * np.abs(np.cross(P[t[:, 1]] - P[t[:, 0]], P[t[:, 2]] - P[t[:, 0]]))
    keep &= area > 1e-6 * h * h
    t = t[keep]
    used = np.unique(t)
    remap = -np.ones(len(P), dtype=int); remap[used] = np.arange(len(used))
    mesh = MeshTri(P[used].T.copy(), remap[t].T.copy())
    return mesh


def _material_masks(geom: ParticleGeometry, x, y):
    rho = np.hypot(x, y)
    coat = rho > geom.si_radius
    pore_coat = np.zeros_like(coat)
    for p in geom.pores:
        if p.coating_thickness > 0:
            pore_coat |= np.hypot(x - p.r, y - p.z) < p.radius
    return ~(coat | pore_coat), coat, pore_coat


def _li_distance(geom: ParticleGeometry, x, y):
    d = geom.si_radius - np.hypot(x, y)
    if geom.pores_supply_li:
        for p in geom.pores:
            d = np.minimum(d, np.hypot(x - p.r, y - p.z) - p.radius)
    return np.maximum(d, 0.0)


@dataclass
class Discretisation:
    """Mesh, P2 vector basis and quadrature-point data of one particle, shared by the linear and plastic FEM."""

    mesh: object
    basis: object
    r: np.ndarray              # quadrature-point radius (m)
    z: np.ndarray
    w: np.ndarray              # r dA (volume per radian)
    si: np.ndarray             # material masks
    coat: np.ndarray
    pcoat: np.ndarray
    dist: np.ndarray           # distance to the nearest Li-supplying surface (m)
    E_other: np.ndarray        # coating moduli at the quadrature points (used where not Si)
    nu_other: np.ndarray
    fixed: np.ndarray          # u_r = 0 on the axis, u_z = 0 on the symmetry plane
    m_surface: np.ndarray      # reporting bands: Si within 0.1 µm of its surface / of a pore wall, the rest
    m_pore: np.ndarray
    m_matrix: np.ndarray


def discretise(geom: ParticleGeometry, h: float) -> Discretisation:
    """Mesh (:func:`build_mesh`), quadratic vector basis and per-quadrature-point data of a particle."""
    from skfem import Basis, ElementTriP2, ElementVector

    mesh = build_mesh(geom, h)
    basis = Basis(mesh, ElementVector(ElementTriP2()), intorder=4)
    X = basis.mapping.F(basis.X)
    r, z = X[0], X[1]
    si, coat, pcoat = _material_masks(geom, r, z)
    E_c, nu_c = coating_moduli(geom.coating_material) if geom.coating_thickness > 0 else (1.0, 0.2)
    has_pc = any(p.coating_thickness > 0 for p in geom.pores)
    E_p, nu_p = coating_moduli(geom.pore_coating_material) if has_pc else (1.0, 0.2)
    R = geom.outer_radius
    D = basis.get_dofs(lambda x: np.isclose(x[0], 0.0, atol=1e-9 * R))
    Z = basis.get_dofs(lambda x: np.isclose(x[1], 0.0, atol=1e-9 * R))
    band = 0.1 * UM
    near_pore = np.zeros_like(si)
    for p in geom.pores:
        dd = np.hypot(r - p.r, z - p.z) - p.radius
        near_pore |= (dd >= 0) & (dd < band)
    surf = si & (np.hypot(r, z) > geom.si_radius - band)
    return Discretisation(mesh=mesh, basis=basis, r=r, z=z, w=basis.dx * r, si=si, coat=coat, pcoat=pcoat,
                          dist=_li_distance(geom, r, z), E_other=np.where(coat, E_c, E_p),
                          nu_other=np.where(coat, nu_c, nu_p),
                          fixed=np.unique(np.concatenate([D.all("u^1"), Z.all("u^2")])),
                          m_surface=surf, m_pore=si & near_pore, m_matrix=si & ~surf & ~near_pore)


def lithiated_indicator(dist, delta, front_width):
    """Lithiated indicator (0-1) of Si at distance ``dist`` from a Li source when the front is at depth delta."""
    if front_width > 0:
        return 0.5 * (1 - np.tanh((dist - delta) / front_width))
    return (dist < delta).astype(float)  # sharp at the quadrature points


def front_depth_for(fraction_of, sol: float, lo: float, hi: float) -> float:
    """Front depth whose lithiated Si volume fraction ``fraction_of(delta)`` equals ``sol`` (bisection)."""
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if fraction_of(mid) < sol:
            lo = mid
        else:
            hi = mid
    return hi


def outward_volume_expansion(disc: Discretisation, u, outer_radius: float) -> float:
    """Volume change of the outer envelope from the mean radial displacement of the outer surface nodes
    (area-weighted, sin(theta), over the quarter meridian)."""
    pv = disc.mesh.p
    rv = np.hypot(pv[0], pv[1])
    on = rv > outer_radius * (1 - 1e-6)
    ur, uz = u[disc.basis.nodal_dofs[0]], u[disc.basis.nodal_dofs[1]]
    u_rad = (pv[0][on] * ur[on] + pv[1][on] * uz[on]) / rv[on]
    wv = pv[0][on] / rv[on]
    return float((1 + np.sum(u_rad * wv) / np.sum(wv) / outer_radius) ** 3 - 1)


def band_average(values, w, mask) -> float:
    """Weighted average of ``values`` over a mask of quadrature points (nan for an empty mask)."""
    ww = w * mask
    return float(np.sum(values * ww) / np.sum(ww)) if np.sum(ww) > 0 else float("nan")


@dataclass
class FEMResult:
    """Stress summary of one solve (Pa) and the fields at quadrature points."""

    name: str
    state_of_lithiation: float
    n_dof: int
    surface: float
    matrix: float
    pore_edge: float
    volume_average: float
    max_von_mises: float
    outward_volume_expansion: float
    von_mises: np.ndarray = field(repr=False)
    r: np.ndarray = field(repr=False)
    z: np.ndarray = field(repr=False)
    weight: np.ndarray = field(repr=False)
    hoop: np.ndarray = field(repr=False)
    radial_sph: np.ndarray = field(repr=False)


class ParticleFEM:
    """Assembled axisymmetric model of one particle; :meth:`solve` for any state of lithiation."""

    def __init__(self, geom: ParticleGeometry, h: float | None = None, name: str = "",
                 front_width: float = 0.05 * UM, modulus: str = "constant", x_lithiated: float = 3.75):
        geom.validate()
        if modulus not in ("constant", "lithiation"):
            raise InputError("modulus must be 'constant' (c-Si, as in linear-elastic papers) or 'lithiation' (E(x))",
                             field="modulus")
        self.geom, self.name, self.front_width, self.modulus = geom, name, front_width, modulus
        self.h = h if h is not None else geom.outer_radius / 40
        d = discretise(geom, self.h)
        self.disc, self.mesh, self.basis = d, d.mesh, d.basis
        self.xq, self.yq, self.wq = d.r, d.z, d.w
        self.si, self.coat, self.pcoat, self.dist = d.si, d.coat, d.pcoat, d.dist
        self.eps_l = float(lisi.linear_strain(x_lithiated))
        self.x_l = x_lithiated
        self.nu = np.where(self.si, LISI["nu_Si"].value, d.nu_other)
        self.E_other = d.E_other
        self.fixed = d.fixed
        self.n_dof = self.basis.N

    def lithiated_fraction(self, delta):
        s = lithiated_indicator(self.dist, delta, self.front_width)
        return np.sum(s * self.wq * self.si) / np.sum(self.wq * self.si), s

    def front_depth(self, sol):
        return front_depth_for(lambda d: self.lithiated_fraction(d)[0], sol, 0.0, self.geom.si_radius * 1.2)

    def solve(self, state_of_lithiation: float, eigenstrain=None) -> FEMResult:
        """Solve at a state of lithiation (0–1), or with ``eigenstrain(r, z)`` (callable, Si only) if given."""
        from skfem import BilinearForm, LinearForm, asm, condense, solve
        from skfem.helpers import grad

        sol = float(state_of_lithiation)
        if not 0.0 <= sol <= 1.0:
            raise InputError(f"state of lithiation must be in [0, 1], got {sol}", field="state_of_lithiation")
        if eigenstrain is None:
            delta = self.front_depth(sol) if sol > 0 else -10 * self.front_width
            _, s = self.lithiated_fraction(delta)
        else:
            s = np.asarray(eigenstrain(self.xq, self.yq), dtype=float) / self.eps_l
        x_field = s * self.x_l
        E_si = (lisi_young_modulus(x_field, host="crystalline") if self.modulus == "lithiation"
                else LISI["E_host_crystalline"].value * np.ones_like(s))
        E = np.where(self.si, E_si, self.E_other)
        lam = E * self.nu / ((1 + self.nu) * (1 - 2 * self.nu))
        mu = E / (2 * (1 + self.nu))
        eig = np.where(self.si, self.eps_l * s, 0.0)

        def strains(u, r):
            g = grad(u)
            return g[0][0], g[1][1], u[0] / r, g[0][1] + g[1][0]

        @BilinearForm
        def stiffness(u, v, w):
            r = w.x[0]
            a1, a2, a3, a4 = strains(u, r)
            b1, b2, b3, b4 = strains(v, r)
            tr_u, tr_v = a1 + a2 + a3, b1 + b2 + b3
            return (w.lam * tr_u * tr_v + 2 * w.mu * (a1 * b1 + a2 * b2 + a3 * b3 + 0.5 * a4 * b4)) * r

        @LinearForm
        def load(v, w):
            r = w.x[0]
            b1, b2, b3, _ = strains(v, r)
            return (3 * w.lam + 2 * w.mu) * w.eig * (b1 + b2 + b3) * r

        K = asm(stiffness, self.basis, lam=lam, mu=mu)
        f = asm(load, self.basis, lam=lam, mu=mu, eig=eig)
        try:
            u = solve(*condense(K, f, D=self.fixed))
        except Exception as exc:  # pragma: no cover - scipy raises various errors
            raise SolverError(f"FEM particle '{self.name}': linear solve failed ({exc})") from None
        if not np.all(np.isfinite(u)):
            raise SolverError(f"FEM particle '{self.name}': solution is not finite (singular stiffness?)")
        uf = self.basis.interpolate(u)
        g = uf.grad
        r = self.xq
        e_rr, e_zz, e_tt = g[0][0] - eig, g[1][1] - eig, uf.value[0] / r - eig
        g_rz = g[0][1] + g[1][0]
        tr = e_rr + e_zz + e_tt
        s_rr = lam * tr + 2 * mu * e_rr
        s_zz = lam * tr + 2 * mu * e_zz
        s_tt = lam * tr + 2 * mu * e_tt
        s_rz = mu * g_rz
        vm = np.sqrt(0.5 * ((s_rr - s_zz) ** 2 + (s_zz - s_tt) ** 2 + (s_tt - s_rr) ** 2) + 3 * s_rz ** 2)
        # spherical radial / hoop (meridian) components for reporting
        rho = np.hypot(self.xq, self.yq) + 1e-30
        c, sn = self.xq / rho, self.yq / rho
        s_rad = c * c * s_rr + sn * sn * s_zz + 2 * c * sn * s_rz
        w, d = self.wq, self.disc

        def avg(mask):
            return band_average(vm, w, mask)

        return FEMResult(name=self.name, state_of_lithiation=sol, n_dof=self.n_dof, surface=avg(d.m_surface),
                         matrix=avg(d.m_matrix), pore_edge=avg(d.m_pore) if self.geom.pores else float("nan"),
                         volume_average=avg(np.ones_like(self.si)), max_von_mises=float(np.max(vm)),
                         outward_volume_expansion=outward_volume_expansion(d, u, self.geom.outer_radius),
                         von_mises=vm, r=self.xq, z=self.yq, weight=w, hoop=s_tt, radial_sph=s_rad)


def compare_paper_002(h: float | None = None, states=(0.25, 0.5, 0.75), modulus: str = "constant"):
    """Run the four seeds/002 configurations; tidy DataFrame with ours beside the paper's averages."""
    import pandas as pd

    rows = []
    for name, geom in paper_002_configurations().items():
        model = ParticleFEM(geom, h=h, name=name, modulus=modulus)
        res = [model.solve(s) for s in states]
        rows.append({
            "configuration": name, "n_dof": model.n_dof,
            "surface_GPa": np.mean([r.surface for r in res]) / 1e9,
            "matrix_GPa": np.mean([r.matrix for r in res]) / 1e9,
            "pore_edge_GPa": np.mean([r.pore_edge for r in res]) / 1e9,
            "volume_average_GPa": np.mean([r.volume_average for r in res]) / 1e9,
            "max_von_mises_GPa": np.max([r.max_von_mises for r in res]) / 1e9,
            "paper_average_GPa": PAPER_002_AVERAGE_GPA[name],
            "paper_surface_full_GPa": PAPER_002_FULL_LITHIATION_GPA[name].get("surface"),
            "paper_matrix_full_GPa": PAPER_002_FULL_LITHIATION_GPA[name].get("matrix"),
            "paper_pore_edge_full_GPa": PAPER_002_FULL_LITHIATION_GPA[name].get("pore_edge", np.nan),
        })
    df = pd.DataFrame(rows)
    df["ratio_to_paper"] = df["volume_average_GPa"] / df["paper_average_GPa"]
    return df
