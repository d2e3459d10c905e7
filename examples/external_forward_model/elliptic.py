#!/usr/bin/python3
"""The elliptic forward model (5.2)-(5.3) of Garbuno-Inigo et al. (2020) as
an external command for kwfp ('Forward model = external').

    -d/dx ( exp(u_1) dp/dx ) = 1 on (0, 1),  p(0) = 0,  p(1) = u_2,   (5.2)
    G(u) = (p(x_1), .., p(x_K)),                                       (5.3)

whose solution is p(x) = u_2 x + exp(-u_1) (x - x^2) / 2, the same map as
kwfp's built-in 'elliptic-1d'.

Usage (kwfp appends INPUT and OUTPUT):

    elliptic.py [--jacobian] [x_1,..,x_K] INPUT OUTPUT

INPUT is a CSV file with the header u1,u2 and one row per point; OUTPUT gets
one row per point with G_1..G_K, and with --jacobian ('External Jacobian =
command') then dG_k/du_1, dG_k/du_2 for k = 1..K:
dp(x)/du_1 = -exp(-u_1) (x - x^2) / 2, dp(x)/du_2 = x. The observation
points default to
0.25,0.75. All the rows of a call are computed at once (numpy), which is
what makes the batched protocol cheap: a call of 300,000 rows takes about a
second, most of it reading and writing the files.
"""

import sys

import numpy as np


def forward_map(u, x):
    """G for the rows of u (n x 2) at the observation points x (K)."""
    return np.outer(u[:, 1], x) + np.outer(np.exp(-u[:, 0]), (x - x * x) / 2)


def jacobian_columns(u, x):
    """DG for the rows of u, row by row: dG_k/du_1, dG_k/du_2, k = 1..K."""
    d1 = -np.outer(np.exp(-u[:, 0]), (x - x * x) / 2)
    d2 = np.outer(np.ones(len(u)), x)
    return np.stack([d1, d2], axis=2).reshape(len(u), 2 * len(x))


def main(argv):
    with_jacobian = "--jacobian" in argv
    argv = [a for a in argv if a != "--jacobian"]
    if len(argv) not in (3, 4):
        sys.exit("usage: elliptic.py [--jacobian] [x_1,..,x_K] INPUT OUTPUT")
    x = np.array([0.25, 0.75])
    if len(argv) == 4:
        x = np.array([float(v) for v in argv[1].split(",")])
    u = np.loadtxt(argv[-2], delimiter=",", skiprows=1, ndmin=2)
    if u.shape[1] != 2:
        sys.exit("elliptic.py: INPUT has %d columns, expected u1,u2" % u.shape[1])
    # %.17g: the numbers read back exactly
    G = forward_map(u, x)
    if with_jacobian:
        G = np.hstack([G, jacobian_columns(u, x)])
    np.savetxt(argv[-1], G, delimiter=",", fmt="%.17g")


if __name__ == "__main__":
    main(sys.argv)
