#!/usr/bin/env bash
# Install the Debian 12 packages kwfp needs, if any is missing. Run as root.
set -euo pipefail
packages=(
  cmake make g++ pkg-config
  libdeal.ii-dev      # deal.II 9.4 with MPI, p4est, Trilinos, muparser
  libmuparser-dev
  libboost-dev        # Boost.Odeint
  libgtest-dev        # GoogleTest
  openmpi-bin         # mpirun
  librandom123-dev    # Philox counter-based random numbers (particles)
  libopenblas0-serial # fast single-threaded BLAS for the ensemble updates
  python3-matplotlib  # scripts/plot_results.py, scripts/verification.py
  python3-numpy       # benchmarks/numpy_eks.py (the particle baseline),
                      # examples/external_forward_model/elliptic.py
  paraview python3-paraview xvfb xauth # scripts/render_paraview.py, headless
  doxygen             # API documentation (cmake --build build --target doc)
)
missing=()
for p in "${packages[@]}"; do
  [[ $p == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "kwfp: all Debian packages present"
  exit 0
fi
echo "kwfp: installing ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "kwfp: installing packages needs root (apt-get); run as root or with sudo" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
