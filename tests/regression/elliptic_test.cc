// The paper's nonlinear test problem (Section 5, (5.2)-(5.3)) on a box
// around its posterior: the finite-element solution at equilibrium and
// random-walk Metropolis against the quadrature of rho_inf.

#include <kwfp/app/parameters.h>
#include <kwfp/app/problem.h>
#include <kwfp/mcmc/random_walk_metropolis.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

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
  // The tolerances: mean within 0.01, covariance within 5 %.
  for (unsigned int a = 0; a < 2; ++a)
    {
      EXPECT_NEAR(fe.mean[a], m[a], 0.01);
      for (unsigned int b = 0; b < 2; ++b)
        EXPECT_NEAR(fe.covariance(a, b), B(a, b), 0.05 * std::abs(B(a, b)));
    }
  EXPECT_GE(fe.min_density, 0.);

  // Random-walk Metropolis, 1e5 samples, started away from the mode with
  // a diagonal proposal: its mean within 3 standard errors of the
  // quadrature (the box's truncation, ~e^-32, is far below that).
  Parameters               parameters;
  dealii::ParameterHandler prm;
  Parameters::declare(prm);
  parameters.read_from_string(prm, elliptic);
  const auto         potential = create_potential(parameters);
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
