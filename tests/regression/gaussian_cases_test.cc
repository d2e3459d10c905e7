// Gaussian cases in 1-D and 3-D, Ornstein-Uhlenbeck, and time convergence
// against the closed form where the spatial error is negligible.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// The 1-D Kalman-Wasserstein case of prm/gaussian_1d.prm.
  std::string
  one_d(const unsigned int refinements,
        const double       dt,
        const std::string &scheme,
        const std::string &extra = "")
  {
    return gaussian_1d_parameters(refinements,
                                  dt,
                                  "subsection Time stepping\n set Scheme = " +
                                    scheme + "\nend\n" + extra);
  }
} // namespace

// With 2^11 Q2 cells on [-10, 10] the spatial L2 error is about 1e-9, so the
// error against the closed form is the time error. The start is stiff
// (C_0 / B = 4), so the steps are small enough to be in the asymptotic
// range (measured: BDF2 rates 1.78, 1.91, 1.96 for dt = 0.0125 ... 0.0016).
TEST(Gaussian1d, TimeConvergenceAgainstClosedForm)
{
  for (const auto &[scheme, dt, order] :
       {std::tuple<std::string, double, double>{"BDF2", 0.00625, 2},
        {"BDF1", 0.00625, 1}})
    {
      std::vector<double> errors;
      for (const double k : {1., 2., 4.})
        {
          const RunSummary s = run_parameters(one_d(11, dt / k, scheme));
          errors.push_back(s.history.back().l2_error);
        }
      const double r1 = rate(errors[0], errors[1]);
      const double r2 = rate(errors[1], errors[2]);
      std::cout << scheme << ": L2 errors " << errors[0] << ", " << errors[1]
                << ", " << errors[2] << "; rates " << r1 << ", " << r2
                << std::endl;
      EXPECT_NEAR(r2, order, 0.1 * order) << scheme;
      EXPECT_GT(r1, 0.85 * order) << scheme;
    }
}

// The shipped 1-D example's setting (256 Q2 cells, dt = 0.005): its L1 error
// at T = 3 is 1.4e-5, dominated by the time error (BDF2 constant times
// dt^2); the bound 5e-5 leaves room for round-off, while a wrong C, a wrong
// sign or a first-order scheme would give errors above 1e-3.
TEST(Gaussian1d, ExampleMatchesClosedForm)
{
  const RunSummary      s    = run_parameters(one_d(8, 0.005, "BDF2"));
  const DiagnosticsRow &last = s.history.back();
  EXPECT_LT(last.l1_error, 5e-5);
  EXPECT_NEAR(last.kl, last.kl_exact, 1e-3 * last.kl_exact);
  for (const auto &row : s.history)
    ASSERT_NEAR(row.mass, 1, 1e-12);
}

// The classical Fokker-Planck equation (C = I) from the G2 data: Q2 on 32^2
// and 64^2 cells, space order 3 in L2 (dt small enough that the time error
// is below 1 % of the finer space error).
TEST(OrnsteinUhlenbeck2d, SpaceConvergenceAgainstClosedForm)
{
  const std::string ou =
    "subsection Fokker-Planck equation\n set Diffusion matrix = Wasserstein\n"
    "end\n";
  const RunSummary coarse =
    run_parameters(g2_parameters(32, 2, 0.005, "BDF2", ou));
  const RunSummary fine =
    run_parameters(g2_parameters(64, 2, 0.005, "BDF2", ou));
  const double r =
    rate(coarse.history.back().l2_error, fine.history.back().l2_error);
  std::cout << "Ornstein-Uhlenbeck: L2 " << coarse.history.back().l2_error
            << " -> " << fine.history.back().l2_error << ", rate " << r
            << std::endl;
  EXPECT_NEAR(r, 3, 0.3);
  EXPECT_NEAR(fine.history.back().kl,
              fine.history.back().kl_exact,
              2e-3 * fine.history.back().kl_exact);
}

// A fixed, correlated C: the closed form with P = C_fixed.
TEST(FixedDiffusion2d, MatchesClosedForm)
{
  const std::string fixed =
    "subsection Fokker-Planck equation\n set Diffusion matrix = fixed\n"
    " set Fixed diffusion matrix = 0.8, 0.3; 0.3, 0.5\nend\n";
  const RunSummary coarse =
    run_parameters(g2_parameters(32, 2, 0.005, "BDF2", fixed));
  const RunSummary fine =
    run_parameters(g2_parameters(64, 2, 0.005, "BDF2", fixed));
  EXPECT_NEAR(
    rate(coarse.history.back().l2_error, fine.history.back().l2_error), 3, 0.3);
}

// 3-D: G2 extended by an independent third coordinate, Q2 on 8^3 and 16^3
// cells to T = 0.5. The coarse mesh (h = 2) is pre-asymptotic, so only a
// rate above 2.5 is asserted (the Q2 order is 3).
TEST(Gaussian3d, ConvergesAgainstClosedForm)
{
  const auto three_d = [](const unsigned int cells) {
    std::ostringstream s;
    s << "set Dimension = 3\n"
      << "subsection Potential\n subsection Quadratic\n"
      << "  set Minimizer u_0 = 1, -0.5, 0\n"
      << "  set Covariance B = 0.5, 0.2, 0; 0.2, 0.8, 0; 0, 0, 0.6\n"
      << " end\nend\n"
      << "subsection Initial density\n set Mean m_0 = -1.5, 1.5, 0.5\n"
      << " set Covariance C_0 = 1.0, -0.3, 0; -0.3, 0.6, 0; 0, 0, 0.8\nend\n"
      << "subsection Mesh\n set Lower corner = -8, -8, -8\n"
      << " set Upper corner = 8, 8, 8\n set Subdivisions = " << cells
      << "\n set Global refinements = 0\nend\n"
      << "subsection Time stepping\n set Final time = 0.5\n"
      << " set Time step = 0.0125\nend\n";
    return s.str();
  };
  const RunSummary coarse = run_parameters(three_d(8));
  const RunSummary fine   = run_parameters(three_d(16));
  const double     r =
    rate(coarse.history.back().l2_error, fine.history.back().l2_error);
  std::cout << "3-D: L2 " << coarse.history.back().l2_error << " -> "
            << fine.history.back().l2_error << ", rate " << r << std::endl;
  EXPECT_GT(r, 2.5);
  for (const auto &row : fine.history)
    ASSERT_NEAR(row.mass, 1, 1e-12);
}

// The fully implicit step (C iterated to a fixed point) agrees with the
// extrapolated one up to the time error, O(dt^2).
TEST(G2, ImplicitCovarianceAgreesWithExtrapolation)
{
  const RunSummary explicit_c = run_parameters(g2_parameters(32, 2, 0.01));
  const RunSummary implicit_c = run_parameters(g2_parameters(
    32,
    2,
    0.01,
    "BDF2",
    "subsection Time stepping\n set Implicit covariance = true\nend\n"));
  const auto &a = explicit_c.history.back(), &b = implicit_c.history.back();
  EXPECT_LT(frobenius_distance(a.covariance, b.covariance), 1e-4);
  EXPECT_NEAR(a.l2_error, b.l2_error, 0.05 * a.l2_error);
}

// The expression paths: G2 with Phi_R and rho_0 written as muparser
// expressions (the same functions, rho_0 unnormalized) gives the same run as
// the built-in quadratic potential and Gaussian, to solver tolerance. This
// also checks the numerical normalization Z of rho_inf inside the KL.
TEST(G2, ExpressionsReproduceTheQuadraticCase)
{
  const std::string expressions =
    "subsection Potential\n set Type = expression\n"
    " subsection Expression\n"
    "  set Constants = a=2.2222222222222223, b=-0.55555555555555558, "
    "c=1.3888888888888888\n"
    "  set Phi_R = 0.5*(a*(x-1)^2 + 2*b*(x-1)*(y+0.5) + c*(y+0.5)^2)\n"
    "  set Gradient = a*(x-1) + b*(y+0.5); b*(x-1) + c*(y+0.5)\n"
    " end\nend\n"
    "subsection Initial density\n set Type = expression\n"
    " set Constants = p=1.1764705882352942, q=0.58823529411764708, "
    "r=1.9607843137254901\n"
    " set Expression = 7*exp(-0.5*(p*(x+1.5)^2 + 2*q*(x+1.5)*(y-1.5) + "
    "r*(y-1.5)^2))\nend\n";
  const RunSummary builtin = run_parameters(g2_parameters(32, 2, 0.01));
  const RunSummary parsed =
    run_parameters(g2_parameters(32, 2, 0.01, "BDF2", expressions));
  const auto &a = builtin.history.back(), &b = parsed.history.back();
  EXPECT_FALSE(b.has_exact);
  EXPECT_NEAR(a.kl, b.kl, 1e-9 * a.kl);
  EXPECT_NEAR(a.kalman_fisher, b.kalman_fisher, 1e-9 * a.kalman_fisher);
  EXPECT_LT(frobenius_distance(a.covariance, b.covariance), 1e-10);
  DenseVector dm(a.mean);
  dm -= b.mean;
  EXPECT_LT(dm.l2_norm(), 1e-10);
}

// 'Output/Diagnostics interval' thins the rows of diagnostics.csv and
// nothing else: the rows kept are those of the run with a row per step
// (the diagnostics do not feed back into the solution), at steps 0, 7, 14,
// ... and the last one (T = 0.25 with dt = 0.01: 25 steps).
TEST(G2, DiagnosticsIntervalThinsTheRowsOnly)
{
  const auto with_interval = [](const unsigned int n) {
    return run_parameters(
      g2_parameters(16,
                    2,
                    0.01,
                    "BDF2",
                    "subsection Time stepping\n set Final time = 0.25\nend\n"
                    "subsection Output\n set Diagnostics interval = " +
                      std::to_string(n) + "\nend\n"));
  };
  const RunSummary every = with_interval(1);
  const RunSummary thin  = with_interval(7);
  ASSERT_EQ(every.history.size(), 26u);
  const std::vector<unsigned int> steps{0, 7, 14, 21, 25};
  ASSERT_EQ(thin.history.size(), steps.size());
  for (unsigned int k = 0; k < steps.size(); ++k)
    {
      const auto &a = every.history[steps[k]], &b = thin.history[k];
      EXPECT_EQ(b.step, steps[k]);
      EXPECT_EQ(a.time, b.time);
      EXPECT_EQ(a.kl, b.kl);
      EXPECT_EQ(a.kalman_fisher, b.kalman_fisher);
      // The closed form integrates its moment ODEs from the last time asked
      // for, with tolerance 1e-12: other stops, other round-off.
      EXPECT_NEAR(a.l1_error, b.l1_error, 1e-10);
      EXPECT_EQ(a.min_density, b.min_density);
      EXPECT_EQ(frobenius_distance(a.covariance, b.covariance), 0);
    }
  EXPECT_EQ(every.min_relative_density, thin.min_relative_density);
}
