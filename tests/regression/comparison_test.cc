// The KL decay of the finite-element solution (Section 4.1) and its
// comparison with the particles on benchmark G2.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// The relative dissipation defect of the step that ends at time @p t:
  /// |(KL_{n-1} - KL_n) - dt (I_{n-1} + I_n) / 2| / (KL_{n-1} - KL_n).
  double
  relative_defect_at(const RunSummary &summary, const double t)
  {
    for (std::size_t n = 1; n < summary.history.size(); ++n)
      if (std::abs(summary.history[n].time - t) < 1e-9)
        {
          const auto  &a = summary.history[n - 1], &b = summary.history[n];
          const double drop = a.kl - b.kl;
          return std::abs(drop - 0.5 * (b.time - a.time) *
                                   (a.kalman_fisher + b.kalman_fisher)) /
                 drop;
        }
    ADD_FAILURE() << "no step ends at t = " << t;
    return 0;
  }
} // namespace


// The defect of d/dt KL = -I_C (4.6) has a part from the time stepping and
// a part from the Galerkin discretization in space (log(rho_h / rho_inf)
// is not a test function of the discrete space), which does not depend on
// dt: on G2 at 64 x 64 Q2 it is about 4e-5 at t = 0.5. The time part is
// O(dt^p) relative to the KL drop. For BDF2 it falls below the space part
// at dt ~ 0.005, so its order is measured by the differences of successive
// defects (which cancel the space part): log2(|e(dt) - e(dt/2)| /
// |e(dt/2) - e(dt/4)|) -> 2. BDF1's time part (first order, 1e-2 at
// dt = 0.02) dominates, so its defect itself halves with dt.
TEST(DissipationIdentity, DefectConvergesAtTheTimeSteppingOrder)
{
  std::vector<double> bdf2;
  for (const double dt : {0.01, 0.005, 0.0025})
    {
      const RunSummary s = run_parameters(g2_parameters(
        64,
        2,
        dt,
        "BDF2",
        "subsection Time stepping\n  set Final time = 0.5\nend\n"));
      bdf2.push_back(relative_defect_at(s, 0.5));
      // the largest relative defect of the run is small
      EXPECT_LT(s.kl_decay.max_relative_defect, 0.01);
    }
  const double rate2 =
    rate(std::abs(bdf2[0] - bdf2[1]), std::abs(bdf2[1] - bdf2[2]));
  std::cout << "BDF2 relative defects at t = 0.5: " << bdf2[0] << ", "
            << bdf2[1] << ", " << bdf2[2] << "; rate " << rate2 << std::endl;
  EXPECT_NEAR(rate2, 2, 0.25);
  EXPECT_LT(bdf2[2], 1e-4);

  std::vector<double> bdf1;
  for (const double dt : {0.02, 0.01})
    bdf1.push_back(relative_defect_at(
      run_parameters(g2_parameters(
        64,
        2,
        dt,
        "BDF1",
        "subsection Time stepping\n  set Final time = 0.5\nend\n")),
      0.5));
  const double rate1 = rate(bdf1[0], bdf1[1]);
  std::cout << "BDF1 relative defects at t = 0.5: " << bdf1[0] << ", "
            << bdf1[1] << "; rate " << rate1 << std::endl;
  EXPECT_NEAR(rate1, 1, 0.2);
}


// On G2 the KL decay rate fitted over t in [1, 2] agrees with the same fit
// of the exact KL (of the closed form), and the bound of Proposition 2,
// 2 alpha lambda, is below it. The tolerance: the KL of Q2 on 64^2 is
// within eps = 1e-3 relative of the exact KL (asserted below at every row
// of the fit, as G2.SpaceConvergenceQ2 does at T), so log KL is within
// eps; a least-squares slope over a window of length L moves by at most
// eps sum|t_i - tbar| / sum (t_i - tbar)^2 = 3 eps / L for equally spaced
// samples: 3e-3 here.
TEST(KlDecay, FittedRateMatchesTheExactRate)
{
  const RunSummary s = run_parameters(g2_parameters(64, 2, 0.005));
  const auto      &k = s.kl_decay;
  std::cout << "fitted rate " << k.fitted_rate << ", exact " << k.exact_rate
            << ", bound " << k.bound_rate << std::endl;
  const double eps = 1e-3, window = 1;
  double       worst = 0;
  for (const DiagnosticsRow &row : s.history)
    if (row.time >= 1 - 1e-12 && row.time <= 2 + 1e-12)
      worst = std::max(worst, std::abs(row.kl / row.kl_exact - 1));
  std::cout << "largest relative KL error in the window " << worst << std::endl;
  EXPECT_LT(worst, eps);
  EXPECT_NEAR(k.fitted_rate, k.exact_rate, 3 * eps / window);
  EXPECT_LT(k.bound_rate, k.fitted_rate);
  // KL ~ e^{-2t} for the Kalman-Wasserstein flow of a linear problem; on
  // [1, 2] the fitted exact rate is already within 5 % of 2
  EXPECT_NEAR(k.exact_rate, 2, 0.1);
}


// Solver = both on G2, J = 1e4 particles (eks-gradient + ALDI): at T the L1
// distance between the FE density and the particles' kernel density
// estimate is below the estimate's own error bound (kde_l1_bound, for a
// Gaussian target: the particles sample N(m(T), C(T)) up to the Monte Carlo
// and time-stepping error) plus the FE error (fe_exact_l1).
TEST(ParticleComparison, FeAndParticlesAgreeWithinTheKdeBound)
{
  const std::string directory = run_kwfp(
    "set Solver = both\n" + g2_parameters(64, 2, 0.005) +
    "subsection Particles\n  set Method = eks-gradient\n"
    "  set Ensemble size = 10000\n  set Finite-ensemble correction = true\n"
    "  set Time step = 0.001\n  set Output interval = 0\nend\n"
    "subsection Output\n  set Interval = 200\nend\n");
  const auto c = read_csv(directory + "/out/comparison.csv");
  std::filesystem::remove_all(directory);
  ASSERT_EQ(c.at("time").size(), 3u);
  EXPECT_NEAR(c.at("time").back(), 2, 1e-12);
  const double l1    = c.at("fe_particles_l1").back();
  const double bound = c.at("kde_l1_bound").back() + c.at("fe_exact_l1").back();
  std::cout << "L1(FE, particle KDE) at T = " << l1 << ", bound " << bound
            << "; SymKL(FE, exact) " << c.at("fe_exact_symkl").back()
            << ", SymKL(particles, exact) "
            << c.at("particles_exact_symkl").back() << std::endl;
  EXPECT_LT(l1, bound);
  for (const auto &[name, values] : c)
    for (const double x : values)
      EXPECT_TRUE(std::isfinite(x)) << name;
}
