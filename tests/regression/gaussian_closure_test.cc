// The Gaussian closure through the application (issue 24): 'Solver =
// Gaussian' alone in d = 10 against the closed form (4.11), and beside the
// finite elements on G2, where the closure is exact, so that its
// comparison with the FE density must equal the FE errors against the
// closed form in diagnostics.csv.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <sstream>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// "a, b; c, d" for the d x d matrix with entries @p f(i, j).
  template <typename F>
  std::string
  matrix_text(const unsigned int d, const F &f)
  {
    std::ostringstream s;
    s.precision(17);
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int j = 0; j < d; ++j)
        s << f(i, j) << (j + 1 < d ? ", " : (i + 1 < d ? "; " : ""));
    return s.str();
  }
} // namespace


namespace
{
  /**
   * The closure alone in d = 10 with the closure settings @p closure (lines
   * of subsection 'Gaussian closure'): B = 0.5 (I + 0.3 tridiagonal),
   * C_0 = 2 I, adaptive ROS2 with tolerance 1e-6 to T = 3. Checks that the
   * free energy decreases and returns the accepted steps and the largest
   * error of m and C against (4.11) over the rows of gaussian.csv.
   */
  std::pair<double, double>
  ten_dimensional_run(const std::string &closure)
  {
    const unsigned int d = 10;
    std::ostringstream prm;
    std::string        u0;
    for (unsigned int i = 0; i < d; ++i)
      u0 += std::to_string(std::sin(1.0 + i)) + (i + 1 < d ? ", " : "");
    std::string m0;
    for (unsigned int i = 0; i < d; ++i)
      m0 += std::to_string(-1.0 + 0.2 * i) + (i + 1 < d ? ", " : "");
    prm << "set Dimension = 10\nset Solver = Gaussian\n"
        << "subsection Potential\n  set Type = quadratic\n"
        << "  subsection Quadratic\n    set Minimizer u_0 = " << u0 << "\n"
        << "    set Covariance B = "
        << matrix_text(d,
                       [](unsigned int i, unsigned int j) {
                         return i == j ?
                                  0.5 :
                                  (i + 1 == j || j + 1 == i ? 0.15 : 0.0);
                       })
        << "\n  end\nend\n"
        << "subsection Initial density\n  set Type = Gaussian\n"
        << "  set Mean m_0 = " << m0 << "\n  set Covariance C_0 = "
        << matrix_text(d,
                       [](unsigned int i, unsigned int j) {
                         return i == j ? 2.0 : 0.0;
                       })
        << "\nend\n"
        << "subsection Gaussian closure\n"
        << closure << "  set Tolerance = 1e-6\n  set Time step = 1e-3\nend\n"
        << "subsection Time stepping\n  set Final time = 3\nend\n";
    const std::string directory = run_kwfp(prm.str());
    const auto        csv       = read_csv(directory + "/out/gaussian.csv");
    EXPECT_TRUE(csv.count("mean_10") && csv.count("cov_10_10") &&
                csv.count("cov_1_2") && csv.count("free_energy") &&
                csv.count("mean_error") && csv.count("cov_error"));
    if (!csv.count("mean_error"))
      return {0, 1e300};
    const auto       &t = csv.at("time");
    const std::size_t n = t.size();
    EXPECT_GT(n, 10u);
    EXPECT_DOUBLE_EQ(t.back(), 3.0);
    const double steps = csv.at("step").back();
    double       worst = 0;
    for (std::size_t k = 0; k < n; ++k)
      {
        worst =
          std::max({worst, csv.at("mean_error")[k], csv.at("cov_error")[k]});
        if (k > 0) // the free energy decreases
          {
            EXPECT_LE(csv.at("free_energy")[k],
                      csv.at("free_energy")[k - 1] + 1e-12);
          }
      }
    std::cout << "    " << steps << " steps, largest error " << worst
              << std::endl;
    std::filesystem::remove_all(directory);
    return {steps, worst};
  }
} // namespace


TEST(GaussianClosureRun, AloneInTenDimensionsFollowsTheClosedForm)
{
  // Every row of gaussian.csv within 3 n_steps tol of (4.11): the sum of
  // the local error estimates (the flow contracts), which are in the norms
  // of N(m, C), times at most lambda_max(C) <= 2 for the absolute errors of
  // m and C; measured far below (the global error is about tol).
  const auto [steps, worst] =
    ten_dimensional_run("  set Cubature = unscented\n");
  EXPECT_LT(worst, steps * 1e-6 * 3);
}


TEST(GaussianClosureRun, SmolyakInTenDimensionsFollowsTheClosedForm)
{
  // The Smolyak rule (weights of both signs) on the same problem, with
  // the bound of AloneInTenDimensionsFollowsTheClosedForm: level 2 (21
  // nodes, degree 3) in the gradient form (exact for a quadratic Phi_R
  // with degree 2), level 3 (221 nodes, degree 5) in the derivative-free
  // form (needs degree 4; the tensor Gauss-Hermite rule would take 3^10 =
  // 59049 nodes). That level 2 is not enough for the derivative-free form
  // is SmolyakCubature.DerivativeFreeFormOnAQuadraticNeedsLevelThree.
  const auto [steps_2, worst_2] =
    ten_dimensional_run("  set Cubature = Smolyak\n  set Smolyak level = 2\n");
  EXPECT_LT(worst_2, steps_2 * 1e-6 * 3);
  const auto [steps_3, worst_3] =
    ten_dimensional_run("  set Cubature = Smolyak\n  set Smolyak level = 3\n"
                        "  set Expectation form = derivative-free\n");
  EXPECT_LT(worst_3, steps_3 * 1e-6 * 3);
}


TEST(GaussianClosureRun, BesideTheFiniteElementsOnG2ItIsTheExactSolution)
{
  // On G2 the closure is (4.11); so at each output time its comparison with
  // the FE density is the FE error: l1_fe_closure = l1_error and
  // mean_difference = mean_error of diagnostics.csv, up to the closure's
  // own error (tolerance 1e-9 per step) and the closed form's 1e-12.
  const std::string directory = run_kwfp(
    g2_parameters(32,
                  2,
                  0.01,
                  "BDF2",
                  "set Solver = finite element, Gaussian\n"
                  "subsection Gaussian closure\n  set Tolerance = 1e-9\n"
                  "end\nsubsection Output\n  set Interval = 20\nend\n"));
  const auto comparison  = read_csv(directory + "/out/closure_comparison.csv");
  const auto diagnostics = read_csv(directory + "/out/diagnostics.csv");
  const auto gaussian    = read_csv(directory + "/out/gaussian.csv");
  ASSERT_GE(comparison.at("time").size(), 10u);
  EXPECT_DOUBLE_EQ(comparison.at("time").back(), 2.0);
  EXPECT_DOUBLE_EQ(gaussian.at("time").back(), 2.0);
  std::size_t matched = 0;
  for (std::size_t r = 0; r < comparison.at("time").size(); ++r)
    for (std::size_t k = 0; k < diagnostics.at("time").size(); ++k)
      if (diagnostics.at("time")[k] == comparison.at("time")[r])
        {
          ++matched;
          EXPECT_NEAR(comparison.at("l1_fe_closure")[r],
                      diagnostics.at("l1_error")[k],
                      1e-6);
          EXPECT_NEAR(comparison.at("mean_difference")[r],
                      diagnostics.at("mean_error")[k],
                      1e-6);
          EXPECT_NEAR(comparison.at("cov_difference")[r],
                      diagnostics.at("cov_error")[k],
                      1e-6);
          EXPECT_GE(comparison.at("kl_fe_closure")[r], 0);
          EXPECT_LT(comparison.at("kl_fe_closure")[r], 1e-4);
        }
  EXPECT_EQ(matched, comparison.at("time").size());
  for (const double e : gaussian.at("mean_error"))
    EXPECT_LT(e, 1e-6);
  std::filesystem::remove_all(directory);
}
