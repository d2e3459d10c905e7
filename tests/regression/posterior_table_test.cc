// One run, every estimate of the posterior: finite elements, quadrature,
// particle runs of several methods (Particles/Also run methods) and
// Metropolis, collected in posterior_table.csv; checked on a linear
// Gaussian inverse problem whose posterior N(u_0, B) is known.
#include <kwfp/base/dense_algebra.h>

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;


// A = (1 0.5; 0.2 1; 1 -1), Gamma = diag(0.3, 0.3, 0.5), Gamma_0 = 4 I:
// B = (A^T Gamma^-1 A + Gamma_0^-1)^-1, u_0 = B A^T Gamma^-1 y. Expected:
// - finite elements at T = 6: the row is the last row of diagnostics.csv,
//   within 2e-4 of the closed form (4.15) at T (not of the posterior: the
//   mean is still 7.7e-4 from it);
// - quadrature of exp(-Phi_R)/Z: to 1e-6;
// - eks, J = 4000: the mean within 4 Monte Carlo standard errors of the
//   mean field at T (the finite elements), the variances within 4 SE
//   (B_aa sqrt(2 / J)) plus 1 % for the Euler-Maruyama bias;
// - eki-opt (no noise, no prior term): its covariance is that of its
//   exact discrete map from the ensemble's own C_0 (particles.csv);
// - Metropolis (4e4 samples): within 4 of its standard errors.
TEST(PosteriorTable, EveryMethodEstimatesTheGaussianPosterior)
{
  const std::string        directory = run_kwfp(R"(
set Dimension = 2
subsection Potential
  set Type = inverse problem
  subsection Inverse problem
    set Forward model            = linear
    set Forward matrix A         = 1, 0.5; 0.2, 1; 1, -1
    set Data y                   = 1.2, 0.4, 0.9
    set Noise covariance Gamma   = 0.3, 0, 0; 0, 0.3, 0; 0, 0, 0.5
    set Prior covariance Gamma_0 = 4, 0; 0, 4
    set Prior mean               = 0, 0
  end
end
subsection Initial density
  set Type           = Gaussian
  set Mean m_0       = 0, 0
  set Covariance C_0 = 2, 0; 0, 2
end
subsection Mesh
  set Lower corner = -8, -8
  set Upper corner = 8, 8
  set Subdivisions = 40
  set Global refinements = 0
end
subsection Time stepping
  set Final time = 6
  set Time step  = 0.05
end
subsection Particles
  set Also run methods = eks; eki-opt
  set Ensemble size    = 4000
  set Time step        = 0.005
  set Output interval  = 0
  set Statistics interval = 100
end
subsection Metropolis
  set Samples = 40000
  set Burn-in = 5000
end
subsection Output
  set Interval = 0
end
)");
  std::vector<std::string> order;
  const auto               table =
    read_posterior_table(directory + "/out/posterior_table.csv", order);
  const bool eks_written = std::filesystem::exists(
    directory + "/out/particles_eks/ensemble_final.csv");
  const bool eki_written =
    std::filesystem::exists(directory + "/out/particles_eki-opt/particles.csv");
  const auto metropolis  = read_csv(directory + "/out/metropolis.csv");
  const auto diagnostics = read_csv(directory + "/out/diagnostics.csv");
  const auto eki_rows =
    read_csv(directory + "/out/particles_eki-opt/particles.csv");
  std::filesystem::remove_all(directory);
  EXPECT_TRUE(eks_written);
  EXPECT_TRUE(eki_written);
  ASSERT_EQ(order,
            (std::vector<std::string>{"finite elements",
                                      "quadrature of exp(-Phi_R)/Z",
                                      "particles eks",
                                      "particles eki-opt",
                                      "random-walk Metropolis"}));

  // The exact posterior.
  DenseMatrix  precision(2, 2);
  DenseVector  rhs(2);
  const double A[3][2] = {{1, 0.5}, {0.2, 1}, {1, -1}};
  const double g[3] = {0.3, 0.3, 0.5}, y[3] = {1.2, 0.4, 0.9};
  for (unsigned int a = 0; a < 2; ++a)
    {
      precision(a, a) += 0.25;
      for (unsigned int k = 0; k < 3; ++k)
        {
          rhs[a] += A[k][a] * y[k] / g[k];
          for (unsigned int b = 0; b < 2; ++b)
            precision(a, b) += A[k][a] * A[k][b] / g[k];
        }
    }
  const double det =
    precision(0, 0) * precision(1, 1) - precision(0, 1) * precision(1, 0);
  const double B[3]     = {precision(1, 1) / det,
                           -precision(0, 1) / det,
                           precision(0, 0) / det};
  const double u0[2]    = {B[0] * rhs[0] + B[1] * rhs[1],
                           B[1] * rhs[0] + B[2] * rhs[1]};
  const double exact[5] = {u0[0], u0[1], B[0], B[1], B[2]};
  std::cout << "exact posterior mean (" << u0[0] << ", " << u0[1]
            << "), covariance (" << B[0] << ", " << B[1] << ", " << B[2] << ")"
            << std::endl;
  for (const auto &method : order)
    {
      std::cout << method << ":";
      for (const double v : table.at(method))
        std::cout << " " << v;
      std::cout << std::endl;
    }

  // The finite elements at T = 6 are not at the posterior yet (the mean
  // approaches it like e^{-t}: m(6) - u_0 = (-7.7e-4, -1.1e-4) in the
  // closed form (4.15)), so the table's row is checked against the closed
  // form at T: diagnostics.csv's mean_error and cov_error, within 2e-4
  // (issue 23's accuracy target; measured 7.1e-5 and 3.9e-5 on these 40^2
  // Q2 cells), and the row equals the last row of diagnostics.csv.
  const auto &fe = table.at("finite elements");
  const auto &q  = table.at("quadrature of exp(-Phi_R)/Z");
  for (unsigned int k = 0; k < 5; ++k)
    EXPECT_NEAR(q[k], exact[k], 1e-6) << k;
  const char *columns[5] = {
    "mean_1", "mean_2", "cov_1_1", "cov_1_2", "cov_2_2"};
  for (unsigned int k = 0; k < 5; ++k)
    EXPECT_NEAR(fe[k],
                diagnostics.at(columns[k]).back(),
                1e-12 * std::abs(diagnostics.at(columns[k]).back()))
      << columns[k];
  std::cout << "finite elements against the closed form at T: mean "
            << diagnostics.at("mean_error").back() << ", covariance "
            << diagnostics.at("cov_error").back() << std::endl;
  EXPECT_LT(diagnostics.at("mean_error").back(), 2e-4);
  EXPECT_LT(diagnostics.at("cov_error").back(), 2e-4);
  const auto  &eks = table.at("particles eks");
  const double J   = 4000;
  for (unsigned int a = 0; a < 2; ++a)
    {
      const double var = B[2 * a];
      // The mean field at T (the finite elements, within 2e-4 of the
      // closed form) is still 7.7e-4 from the posterior's mean; the
      // Euler-Maruyama mean lags it by O(T dt) |m - u_0|, about 1e-5, so 4
      // SE and the finite elements' 2e-4 are the tolerance.
      EXPECT_NEAR(eks[a], fe[a], 4 * std::sqrt(var / J) + 2e-4) << a;
      EXPECT_NEAR(eks[2 + 2 * a], var, 4 * var * std::sqrt(2 / J) + 0.01 * var)
        << a;
    }
  // eki-opt has no noise and no prior term: for linear G every particle
  // moves by the same affine map, and its covariance follows
  //   C <- (I - dt C H) C (I - dt H C),  H = A^T Gamma^{-1} A,
  // exactly: 1200 steps of dt = 0.005 from the ensemble's own C_0 (the first
  // row of its particles.csv, written with 17 digits) give its C_T up to
  // round-off (1e-9 relative; the map contracts, and the same check in
  // ParticlesEki.OptCovarianceCollapsesLinearly measures 3e-15).
  DenseMatrix H(2, 2);
  for (unsigned int a = 0; a < 2; ++a)
    for (unsigned int b = 0; b < 2; ++b)
      for (unsigned int k = 0; k < 3; ++k)
        H(a, b) += A[k][a] * A[k][b] / g[k];
  DenseMatrix C_eki(2, 2);
  C_eki(0, 0) = eki_rows.at("cov_1_1").front();
  C_eki(0, 1) = C_eki(1, 0) = eki_rows.at("cov_1_2").front();
  C_eki(1, 1)               = eki_rows.at("cov_2_2").front();
  for (unsigned int n = 0; n < 1200; ++n)
    {
      DenseMatrix CH(2, 2), M(2, 2), MC(2, 2), next(2, 2);
      C_eki.mmult(CH, H);
      for (unsigned int i = 0; i < 2; ++i)
        for (unsigned int j = 0; j < 2; ++j)
          M(i, j) = (i == j ? 1. : 0.) - 0.005 * CH(i, j);
      M.mmult(MC, C_eki);
      MC.mTmult(next, M);
      C_eki = next;
    }
  const auto  &eki       = table.at("particles eki-opt");
  const double eki_error = std::sqrt(std::pow(eki[2] - C_eki(0, 0), 2) +
                                     2 * std::pow(eki[3] - C_eki(0, 1), 2) +
                                     std::pow(eki[4] - C_eki(1, 1), 2)) /
                           C_eki.frobenius_norm();
  std::cout << "eki-opt covariance against its map from C_0: " << eki_error
            << " relative" << std::endl;
  EXPECT_EQ(eki_rows.at("step").front(), 0.);
  EXPECT_LT(eki_error, 1e-9);
  const auto &m = table.at("random-walk Metropolis");
  for (unsigned int a = 0; a < 2; ++a)
    EXPECT_NEAR(m[a],
                exact[a],
                4 * metropolis.at("se_mean_" + std::to_string(a + 1))[0])
      << a;
}
