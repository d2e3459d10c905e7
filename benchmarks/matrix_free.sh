#!/usr/bin/env bash
# Issue 23: the product with the BDF step matrix, assembled (Trilinos CSR, as
# kwfp evaluates it) against matrix-free (deal.II MatrixFree, sum
# factorization) for Q1-Q3 in 2-D and Q2 in 3-D, one rank. Builds the cmake
# target matrix_free_product in build/ (about a minute) and prints a markdown
# table: time per product of each (median of 5 batches) and their ratio.
# deal.II's SIMD width is fixed when deal.II is configured (Debian 12's
# build: DEAL_II_VECTORIZATION_WIDTH_IN_BITS 0, so 1 lane); the table's last
# column shows it. Usage: benchmarks/matrix_free.sh
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
cmake -S "$top" -B "$top/build" -DCMAKE_BUILD_TYPE=Release > /dev/null
cmake --build "$top/build" --target matrix_free_product -j "$(nproc)" > /dev/null
"$top/build/matrix_free_product"
