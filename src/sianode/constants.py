"""Physical constants shared by every layer (foundation: imports nothing from sianode but provenance).

CODATA 2018 values (exact since the 2019 SI redefinition) and IUPAC atomic weights. Models import
them from here so that one number has one definition.
"""
from __future__ import annotations

FARADAY_C_MOL = 96485.33212  # CODATA 2018 (exact since SI 2019 redefinition: e * N_A)
AVOGADRO_MOL = 6.02214076e23  # CODATA 2018 (exact)
GAS_CONSTANT_J_MOL_K = 8.314462618  # CODATA 2018 (exact)
M_LI_G_MOL = 6.941  # IUPAC standard atomic weight of Li (conventional value 6.94; 6.941 used by Obrovac 2004)
M_SI_G_MOL = 28.0855  # IUPAC standard atomic weight of Si (conventional 28.085; 28.0855 CIAAW 2013)
M_C_G_MOL = 12.011  # IUPAC conventional atomic weight of C
M_O_G_MOL = 15.999  # IUPAC conventional atomic weight of O
MAH_PER_C = 1.0 / 3.6  # 1 mAh = 3.6 C

#: Li metal: 0.2590 mg per mAh (3.6 C / F x M_Li), density 0.534 g/cm3 (CRC Handbook of Chemistry and Physics).
MG_LI_PER_MAH = 3.6 / FARADAY_C_MOL * M_LI_G_MOL * 1000.0
LI_METAL_DENSITY_G_CM3 = 0.534
