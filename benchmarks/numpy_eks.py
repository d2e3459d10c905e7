#!/usr/bin/python3
"""Baseline for benchmarks/run.sh: a vectorized numpy ensemble Kalman sampler.

The same update as kwfp's eks-gradient with the finite-ensemble correction
and symmetric square-root noise (Euler-Maruyama, doc/numerics.md):

    u_j <- u_j - dt C(U) grad Phi_R(u_j) + dt (d + 1)/J (u_j - ubar)
               + sqrt(2 dt) C(U)^{1/2} xi_j,

for Phi_R(u) = 1/2 |u - u_0|^2_B, the whole ensemble as one J x d array
(BLAS-3 products, one eigendecomposition of C(U) per step).

Usage: /usr/bin/python3 benchmarks/numpy_eks.py d J STEPS
Prints: d J steps seconds particle_steps_per_second mean_error
(mean_error: |ubar - u_0| at the end, a check that the loop computed the
sampler and not something cheaper.)
"""
import sys
import time

import numpy as np


def problem(d):
    """G2's potential in d = 2, else tridiagonal B (as benchmarks/particles.sh)."""
    if d == 2:
        u0 = np.array([1.0, -0.5])
        B = np.array([[0.5, 0.2], [0.2, 0.8]])
        m0 = np.array([-1.5, 1.5])
        C0 = np.array([[1.0, -0.3], [-0.3, 0.6]])
    else:
        u0 = np.ones(d)
        B = np.eye(d) + 0.3 * (np.eye(d, k=1) + np.eye(d, k=-1))
        m0 = np.zeros(d)
        C0 = 2 * np.eye(d)
    return u0, B, m0, C0


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    d, J, steps = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    u0, B, m0, C0 = problem(d)
    B_inv = np.linalg.inv(B)
    rng = np.random.default_rng(1)
    U = m0 + rng.standard_normal((J, d)) @ np.linalg.cholesky(C0).T
    dt = 0.001
    start = time.perf_counter()
    for _ in range(steps):
        ubar = U.mean(axis=0)
        D = U - ubar
        C = D.T @ D / J
        w, V = np.linalg.eigh(C)
        sqrt_C = (V * np.sqrt(np.maximum(w, 0))) @ V.T
        gradient = (U - u0) @ B_inv
        U = (U - dt * gradient @ C + dt * (d + 1) / J * D
             + np.sqrt(2 * dt) * rng.standard_normal((J, d)) @ sqrt_C)
    seconds = time.perf_counter() - start
    print(f"{d} {J} {steps} {seconds:.4f} {J * steps / seconds:.4g} "
          f"{np.linalg.norm(U.mean(axis=0) - u0):.3g}")


if __name__ == "__main__":
    main()
