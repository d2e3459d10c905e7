// Benchmark G2 (issue 2) against its closed form: convergence in space and
// time, mass conservation, KL.
#include <kwfp/gaussian/closed_form.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// Print a lethe-style convergence table and return the rates.
  std::vector<double>
  table(const std::string         &title,
        const std::vector<double> &h_or_dt,
        const std::vector<double> &errors)
  {
    std::vector<double> rates;
    std::cout << title << "\n      h/dt        L2 error   rate\n";
    for (unsigned int i = 0; i < errors.size(); ++i)
      {
        std::printf("  %10.6f  %12.5e", h_or_dt[i], errors[i]);
        if (i > 0)
          {
            rates.push_back(rate(errors[i - 1], errors[i]));
            std::printf("  %5.2f", rates.back());
          }
        std::printf("\n");
      }
    return rates;
  }

  void
  expect_mass_conserved(const RunSummary &s)
  {
    // 1^T M rho is conserved by the scheme (zero column sums of A(C)); the
    // solver's mass defect is removed each step, so what is left is
    // round-off. Measured on these runs: up to 2.0e-13 (32^2 Q2, 800
    // steps), so 1e-12 is asserted; it does not tell compensated sums from
    // plain ones (doc/numerics.md: 2e-14 against 2.2e-13 at 128^2).
    for (const DiagnosticsRow &row : s.history)
      ASSERT_NEAR(row.mass, 1.0, 1e-12) << "step " << row.step;
  }
} // namespace

// Q2, BDF2 with dt = 0.0025: the time error at T (about 1e-6 in L2, from
// dt = 0.005 vs 0.0025 on 64 x 64) is below 1 % of the finest space error,
// so the observed order is the spatial one, 3 for Q2 in L2.
TEST(G2, SpaceConvergenceQ2)
{
  std::vector<double>              h, errors;
  std::vector<std::vector<double>> fisher_errors;
  RunSummary                       finest;
  const Gaussian                   posterior(to_dense_vector({1, -0.5}),
                           parse_matrix("0.5, 0.2; 0.2, 0.8", "B"));
  for (const unsigned int cells : {16u, 32u, 64u})
    {
      finest = run_parameters(g2_parameters(cells, 2, 0.0025));
      h.push_back(16. / cells);
      errors.push_back(finest.history.back().l2_error);
      expect_mass_conserved(finest);
      GaussianClosedForm exact(Gaussian(to_dense_vector({-1.5, 1.5}),
                                        parse_matrix("1.0, -0.3; -0.3, 0.6",
                                                     "C_0")),
                               posterior,
                               DiffusionMatrixType::kalman_wasserstein);
      fisher_errors.emplace_back();
      for (const DiagnosticsRow &row : finest.history)
        if (row.step % 200 == 0)
          fisher_errors.back().push_back(std::abs(
            row.kalman_fisher - kalman_fisher_information(exact.at(row.time),
                                                          posterior,
                                                          row.covariance)));
    }
  const auto rates = table("G2, Q2, BDF2, dt = 0.0025", h, errors);
  EXPECT_NEAR(rates[0], 3, 0.3);
  EXPECT_NEAR(rates[1], 3, 0.3);
  // KL(rho_h || rho_inf) against the exact KL of the Gaussians at T.
  const DiagnosticsRow &last = finest.history.back();
  EXPECT_NEAR(last.kl, last.kl_exact, 1e-3 * last.kl_exact);
  EXPECT_LT(last.l1_error, 6e-4); // FEniCSx reference at 64 x 64: 4.6e-4

  // The Kalman-Fisher information (4.6): its error against the closed form
  // of the exact Gaussian (with the computed C) converges with the mesh.
  // I_C = int |grad rho + rho grad Phi_R|_C^2 / rho is a weighted H^1
  // quantity, so its error is O(h^p) = O(h^2) for Q2 at least; assert an
  // observed order of 1.8 or more between 32^2 and 64^2, at every 0.5 in t.
  for (unsigned int k = 0; k < fisher_errors[1].size(); ++k)
    {
      const double r = rate(fisher_errors[1][k], fisher_errors[2][k]);
      std::cout << "t = " << 0.5 * k << ": |I_C,h - I_C| "
                << fisher_errors[1][k] << " -> " << fisher_errors[2][k]
                << ", rate " << r << std::endl;
      EXPECT_GT(r, 1.8) << "t = " << 0.5 * k;
    }
}

// Q1: order 2 in L2; dt = 0.005 gives a time error below 1 % of the finest
// space error (1e-3).
TEST(G2, SpaceConvergenceQ1)
{
  std::vector<double> h, errors;
  for (const unsigned int cells : {32u, 64u, 128u})
    {
      const RunSummary s = run_parameters(g2_parameters(cells, 1, 0.005));
      h.push_back(16. / cells);
      errors.push_back(s.history.back().l2_error);
      expect_mass_conserved(s);
    }
  const auto rates = table("G2, Q1, BDF2, dt = 0.005", h, errors);
  EXPECT_NEAR(rates[0], 2, 0.2);
  EXPECT_NEAR(rates[1], 2, 0.2);
}

// Time: on one mesh the spatial error is the same for every dt, so the
// differences of the solution's moments between dt, dt/2 and dt/4 show the
// order of the time discretization alone (self-convergence).
namespace
{
  double
  moment_distance(const DiagnosticsRow &a, const DiagnosticsRow &b)
  {
    DenseVector dm(a.mean);
    dm -= b.mean;
    return std::sqrt(
      dm.norm_sqr() +
      std::pow(frobenius_distance(a.covariance, b.covariance), 2));
  }

  /// The observed order between dt, dt/2 and dt/4, and the smallest
  /// fraction of the steps of a run that the flux correction changed.
  std::vector<double>
  time_rates(const std::string &scheme,
             const double       dt,
             const std::string &stabilization = "none",
             const std::string &mesh_settings = "")
  {
    std::vector<RunSummary> runs;
    for (const double k : {1., 2., 4.})
      runs.push_back(run_parameters(
        g2_parameters(32,
                      2,
                      dt / k,
                      scheme,
                      "subsection Mesh\n  set Stabilization = " +
                        stabilization + "\n" + mesh_settings + "end\n")));
    double corrected = 1;
    for (const RunSummary &r : runs)
      {
        std::cout << "  dt = " << r.history.back().dt << ": "
                  << r.corrected_steps << " of " << r.n_steps
                  << " steps corrected" << std::endl;
        corrected = std::min(corrected, double(r.corrected_steps) / r.n_steps);
      }
    const double d1 =
      moment_distance(runs[0].history.back(), runs[1].history.back());
    const double d2 =
      moment_distance(runs[1].history.back(), runs[2].history.back());
    std::cout << scheme << " (" << stabilization << ") dt = " << dt
              << ": |q(dt) - q(dt/2)| = " << d1
              << ", |q(dt/2) - q(dt/4)| = " << d2 << ", rate " << rate(d1, d2)
              << std::endl;
    return {rate(d1, d2), corrected};
  }
} // namespace

// The time discretization itself, on the Galerkin step.
TEST(G2, TimeConvergenceBdf2)
{
  EXPECT_NEAR(time_rates("BDF2", 0.01)[0], 2, 0.2);
}

// The flux-corrected step keeps the order of BDF2: measured 1.91, the same
// as the uncorrected Galerkin step's 1.90 (> 1.8 asserted, as for it); a
// limiter that broke the time order would show about 1. Without the
// cutoff ('Cutoff tolerance = 0'), which would otherwise take about 190 of
// the 200 steps at dt = 0.01, so that the limiter itself is what is
// measured; a guard that it runs: more than a quarter of the steps of
// every run corrected (measured 0.36 to 0.45; fewer at smaller dt).
TEST(G2, TimeConvergenceBdf2FluxCorrected)
{
  const auto r =
    time_rates("BDF2", 0.01, "flux-corrected", "  set Cutoff tolerance = 0\n");
  EXPECT_GT(r[0], 1.8);
  EXPECT_GT(r[1], 0.25);
}

TEST(G2, TimeConvergenceBdf1)
{
  EXPECT_NEAR(time_rates("BDF1", 0.01)[0], 1, 0.1);
}
