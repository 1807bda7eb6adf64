// The floor of a compiled fade loop (docs/sweep.md, Speed): `gcc -O2 -o /tmp/fade benchmarks/fade_opmix_floor.c -lm && /tmp/fade`.
// Exponents are read from arrays (as the model's are per design), so the compiler cannot fold pow(x, 2) to x*x.
// Op-mix floor of one fade-model cycle per design, compiled (gcc -O2, no fast-math): the transcendental calls of
// life/fade.py simulate (cube root of the window strain, (1+eps)^2, fracture ratio^exponent, binder ratio^exponent,
// exp(-(L/L0)^shape), two sqrt of grown_thickness) and ~100 flops/selects. Not the model: its cost.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int main(void) {
    int n = 2048, cycles = 500;
    double *C = malloc(n * 8), *A = malloc(n * 8), *Lp = malloc(n * 8), *Lt = malloc(n * 8), *act = malloc(n * 8),
           *mech = malloc(n * 8), *out = malloc((size_t)n * cycles * 8), *E = malloc(n * 8), *fx = malloc(n * 8), *bx = malloc(n * 8), *sh = malloc(n * 8);
    for (int i = 0; i < n; i++) { C[i] = 1000 + i; A[i] = 50; Lp[i] = 1e-9; Lt[i] = 1e-9; act[i] = 1; mech[i] = 1; E[i] = 2.0 + 1e-4 * i; fx[i] = 2.0; bx[i] = 3.0; sh[i] = 2.0; }
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    for (int k = 0; k < cycles; k++) {
        for (int i = 0; i < n; i++) {
            double qa = 1500 * act[i], Q = fmax(fmin(C[i], 0.98 * qa - A[i]), 0.0);
            double slo = A[i] / qa, shi = fmin(1.0, (A[i] + Q) / qa + 0.01);
            double lin = pow((1 + E[i] * shi) / (1 + E[i] * slo), 1.0 / 3.0) - 1.0;
            double eps = 0.3 * fmax(lin / 0.4, 0.0);
            double f = fmax(0.0, 1.0 - 1.05 / ((1 + eps) * (1 + eps)));
            double dt = 2 * 3600 * Q / 1500 / 0.5;
            double b = 1e-9, tka = 1e-20 * dt;
            double r1 = sqrt((b + Lp[i]) * (b + Lp[i]) + tka), Lp1 = Lp[i] + tka / (r1 + b + Lp[i]);
            double nrf = 1.0 / (1e3 + (Lt[i] - Lp[i]) / 1e-12);
            double b2 = 1e-12 / nrf, r2 = sqrt(b2 * b2 + tka), Lf1 = tka / (r2 + b2);
            double dL = (1 - f) * (Lp1 - Lp[i]) + f * Lf1;
            double S = fmin(dL / 1e-5 * 20 * 96485 / 3.6 * act[i], A[i] + Q);
            Lp[i] = (1 - f) * Lp1 + f * Lf1; Lt[i] += dL;
            double fr = fmin(fmax(2e-3 * pow(eps / 0.3, fx[i]), 0), 1), bi = fmin(fmax(1e-5 * pow(eps / 0.15, bx[i]), 0), 1);
            mech[i] *= (1 - fr) * (1 - bi);
            double iso = 1 - exp(-pow(fmax(Lt[i], 0) / 1e-7, sh[i]));
            double an = fmin(act[i], mech[i] * (1 - iso));
            double T = fmin((1 - an / act[i]) * (A[i] + 0.5 * Q), A[i] + Q - S);
            double after = A[i] + Q - S - T, ret = fmax(fmin(after, 1200 - C[i] + Q), 0);
            C[i] = C[i] - Q + ret; A[i] = after - ret; act[i] = an;
            out[(size_t)k * n + i] = ret;
        }
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double s = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec), chk = 0;
    for (int i = 0; i < n; i++) chk += out[(size_t)(cycles - 1) * n + i];
    printf("compiled op-mix floor: %.1f us/design for %d cycles (checksum %g)\n", 1e6 * s / n, cycles, chk);
    return 0;
}
