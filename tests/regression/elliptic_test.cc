// The paper's nonlinear test problem (Section 5, (5.2)-(5.3)) on a box
// around its posterior: the finite-element solution at equilibrium and
// random-walk Metropolis against the quadrature of rho_inf.

#include <kwfp/app/parameters.h>
#include <kwfp/mcmc/random_walk_metropolis.h>
#include <kwfp/potential/potential_factory.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// Posterior mean about (-2.71, 104.35), standard deviations 0.11 and
  /// 0.28, correlation 0.89; the box spans about +-8 standard deviations.
  /// Start: an uncorrelated Gaussian, off the posterior and wider.
  const std::string elliptic =
    "set Dimension = 2\n"
    "subsection Potential\n  set Type = inverse problem\n"
    "  subsection Inverse problem\n    set Forward model = elliptic-1d\n"
    "    set Observation points = 0.25, 0.75\n"
    "    set Data y = 27.5, 79.7\n"
    "    set Noise covariance Gamma = 0.01, 0; 0, 0.01\n"
    "    set Prior covariance Gamma_0 = 100, 0; 0, 100\n"
    "    set Prior mean = 0, 0\n  end\nend\n"
    "subsection Initial density\n  set Type = Gaussian\n"
    "  set Mean m_0 = -2.7, 104.4\n"
    "  set Covariance C_0 = 0.02, 0; 0, 0.12\nend\n"
    "subsection Mesh\n  set Lower corner = -3.65, 102.1\n"
    "  set Upper corner = -1.8, 106.6\n  set Subdivisions = 48\n"
    "  set Global refinements = 0\nend\n"
    "subsection Time stepping\n  set Final time = 8\n"
    "  set Time step = 0.05\nend\n";
} // namespace

TEST(Elliptic, EquilibriumAndMetropolisAgreeWithQuadrature)
{
  const RunSummary   s  = run_parameters(elliptic);
  const DenseVector &m  = s.posterior_mean;
  const DenseMatrix &B  = s.posterior_covariance;
  const auto        &fe = s.history.back();
  std::printf("quadrature: mean (%.5f, %.5f), cov (%.5f, %.5f, %.5f)\n"
              "FE at T = 8: mean (%.5f, %.5f), cov (%.5f, %.5f, %.5f), "
              "min density %.2e\n",
              m[0],
              m[1],
              B(0, 0),
              B(0, 1),
              B(1, 1),
              fe.mean[0],
              fe.mean[1],
              fe.covariance(0, 0),
              fe.covariance(0, 1),
              fe.covariance(1, 1),
              fe.min_density);
  // What is left at T = 8 is the transient, not the mesh: the distance
  // of the mean to the quadrature's falls like e^{-0.9 t} (measured
  // between t = 4 and 8; 1 for a Gaussian target), and (1.8e-5, 4.0e-5)
  // remain at T = 8 (5.9e-4 and 1.5e-3 at t = 4), and with T = 16 the
  // moments agree to 1e-7 (mean) and 1e-6 (covariance), the error of Q2
  // at h/sd = 0.34. Asserted: the mean within 2e-4 (issue 23's accuracy
  // target for this problem, 5 times the transient left) and the
  // covariance within 1e-3 relative (the transient leaves 1.8e-4); an
  // equilibrium of exp(-1.04 Phi_R) would be 4 % off in the covariance.
  for (unsigned int a = 0; a < 2; ++a)
    {
      EXPECT_NEAR(fe.mean[a], m[a], 2e-4);
      for (unsigned int b = 0; b < 2; ++b)
        EXPECT_NEAR(fe.covariance(a, b), B(a, b), 1e-3 * std::abs(B(a, b)));
    }
  EXPECT_GE(fe.min_density, 0.);

  // Random-walk Metropolis, 1e5 samples, started away from the mode with
  // a diagonal proposal: its mean within 3 standard errors of the
  // quadrature (the box's truncation, ~e^-32, is far below that).
  Parameters               parameters;
  dealii::ParameterHandler prm;
  Parameters::declare(prm);
  parameters.read_from_string(prm, elliptic);
  const auto potential =
    create_potential(parameters.potential, parameters.dimension);
  MetropolisSettings settings;
  settings.n_samples           = 100000;
  settings.burn_in             = 20000;
  settings.start               = to_dense_vector({0, 100});
  settings.proposal_covariance = parse_matrix("1, 0; 0, 1", "Sigma");
  settings.seed                = 11;
  const MetropolisResult r     = random_walk_metropolis(*potential, settings);
  std::printf("RWMH: mean (%.5f, %.5f) +- (%.5f, %.5f), acceptance %.3f\n",
              r.mean[0],
              r.mean[1],
              r.standard_error[0],
              r.standard_error[1],
              r.acceptance_rate);
  for (unsigned int a = 0; a < 2; ++a)
    EXPECT_NEAR(r.mean[a], m[a], 3 * r.standard_error[a]);
}


// The shipped Figure 1 example, prm/elliptic_2d.prm, end to end (about 5 s):
// the paper's qualitative result and kwfp's exact references.
// - finite elements at T = 8 against the quadrature of exp(-Phi_R)/Z: mean
//   within 5e-3, covariance entries within 2.5 % (three times the error
//   of this adaptive Q1 mesh, up to 1.6e-3 and 0.84 % measured, so that
//   an equilibrium of exp(-1.04 Phi_R), 3.8 % off in the covariance,
//   fails); every nodal density >= 0;
// - Metropolis (1e5 samples) against the quadrature: 3 standard errors of
//   its mean;
// - eki-opt (no noise) collapses: covariance trace < 1 % of the
//   posterior's (it decays like 1/t, t = 3.4e4 after 30 adaptive steps);
// - herty-visconti (C replaced by I in the prior and noise terms)
//   over-disperses: covariance trace > 2 times the posterior's (measured
//   3.9);
// - eks (derivative-free, J = 1000, 30 steps, not yet at equilibrium: the
//   paper's 'close to the gold standard'): mean within 0.05 of the
//   posterior's (measured 0.045 in u_2), covariance trace within a factor
//   1.5 (measured 1.45; fixed seed, so the figure is reproducible).
TEST(Elliptic, FigureOneExampleReproducesThePaper)
{
  std::ifstream prm(KWFP_PRM_DIR "/elliptic_2d.prm");
  ASSERT_TRUE(prm.good());
  std::stringstream text;
  text << prm.rdbuf();
  const std::string        directory = run_kwfp(text.str());
  std::vector<std::string> order;
  const auto               t =
    read_posterior_table(directory + "/out/posterior_table.csv", order);
  const auto metropolis = read_csv(directory + "/out/metropolis.csv");
  const bool figure =
    std::filesystem::exists(directory + "/out/posterior_comparison.png");
  const auto diagnostics = read_csv(directory + "/out/diagnostics.csv");
  std::filesystem::remove_all(directory);
  EXPECT_TRUE(figure);
  ASSERT_EQ(order.size(), 6u);
  const auto &q     = t.at("quadrature of exp(-Phi_R)/Z");
  const auto  trace = [](const std::vector<double> &r) { return r[2] + r[4]; };
  for (const auto &method : order)
    {
      std::cout << method << ":";
      for (const double v : t.at(method))
        std::cout << " " << v;
      std::cout << std::endl;
    }
  // three times this Q1 mesh's error (see above)
  const auto &fe = t.at("finite elements");
  for (unsigned int a = 0; a < 2; ++a)
    EXPECT_NEAR(fe[a], q[a], 5e-3) << a;
  for (unsigned int k = 2; k < 5; ++k)
    EXPECT_NEAR(fe[k], q[k], 0.025 * std::abs(q[k])) << k;
  for (const double m : diagnostics.at("min_density"))
    EXPECT_GE(m, 0.);
  const auto &m = t.at("random-walk Metropolis");
  for (unsigned int a = 0; a < 2; ++a)
    EXPECT_NEAR(m[a],
                q[a],
                3 * metropolis.at("se_mean_" + std::to_string(a + 1))[0]);
  EXPECT_LT(trace(t.at("particles eki-opt")), 0.01 * trace(q));
  EXPECT_GT(trace(t.at("particles herty-visconti")), 2 * trace(q));
  const auto &eks = t.at("particles eks");
  for (unsigned int a = 0; a < 2; ++a)
    EXPECT_NEAR(eks[a], q[a], 0.05) << a;
  EXPECT_LT(trace(eks), 1.5 * trace(q));
  EXPECT_GT(trace(eks), trace(q) / 1.5);
}
