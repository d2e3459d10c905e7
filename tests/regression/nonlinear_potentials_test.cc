// Non-Gaussian stationary densities: the FE solution at equilibrium
// against rho_inf = exp(-Phi_R)/Z.

#include <gtest/gtest.h>

#include <cstdio>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// d = 1, Phi_R = -log(N(-1.2, 0.2)/2 + N(1.2, 0.2)/2), start N(0, 1) on
  /// [-5, 5], Q2, BDF2 with dt = 0.05 to T = 4 (equilibrium is reached by
  /// t = 2: l1_stationary changes by less than 1e-8 after it).
  std::string
  mixture_1d(const unsigned int cells)
  {
    return "set Dimension = 1\n"
           "subsection Potential\n  set Type = Gaussian mixture\n"
           "  subsection Gaussian mixture\n    set Weights = 0.5, 0.5\n"
           "    set Means = -1.2; 1.2\n    set Covariances = 0.2 | 0.2\n"
           "  end\nend\n"
           "subsection Initial density\n  set Type = Gaussian\n"
           "  set Mean m_0 = 0\n  set Covariance C_0 = 1\nend\n"
           "subsection Mesh\n  set Lower corner = -5\n  set Upper corner = 5\n"
           "  set Subdivisions = " +
           std::to_string(cells) +
           "\n  set Global refinements = 0\nend\n"
           "subsection Time stepping\n  set Final time = 4\n"
           "  set Time step = 0.05\nend\n";
  }
} // namespace

// The stationary FE density is the discrete kernel of the operator, an
// O(h^3) approximation of rho_inf in L1 for Q2: the L1 distance at
// equilibrium must fall at rate 3 under refinement (measured 3.10, 2.98).
TEST(GaussianMixture, StationaryDensityConvergesToRhoInf)
{
  std::vector<double> distances;
  for (const unsigned int cells : {16u, 32u, 64u})
    {
      const RunSummary s = run_parameters(mixture_1d(cells));
      const auto      &h = s.history;
      // At equilibrium: no change between t = 3 and t = 4 beyond 1e-6.
      const double at_3 = h[h.size() - 21].l1_stationary;
      EXPECT_NEAR(h.back().l1_stationary, at_3, 1e-6 * at_3 + 1e-12);
      distances.push_back(h.back().l1_stationary);
      std::printf("mixture, %u Q2 cells: L1(rho_h, rho_inf) = %.4e\n",
                  cells,
                  distances.back());
    }
  EXPECT_NEAR(rate(distances[0], distances[1]), 3, 0.3);
  EXPECT_NEAR(rate(distances[1], distances[2]), 3, 0.3);
  EXPECT_LT(distances[2], 1e-3);
}
