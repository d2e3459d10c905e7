// The adaptive time step: variable-step BDF2 controlled by an estimate of
// its local error, from a stiff start, against the Gaussian closed form.
#include <gtest/gtest.h>

#include <cmath>
#include <iostream>

#include "../run_helpers.h"

using namespace kwfp;
using namespace kwfp::testing;

namespace
{
  /// The 1-D Kalman-Wasserstein case of prm/gaussian_1d.prm (C_0 / B = 4,
  /// a stiff start) on 2^10 Q2 cells, where the spatial L1 error is far
  /// below the time error, with the adaptive step from dt = 1e-6.
  std::string
  adaptive_1d(const double tolerance, const std::string &estimate = "density")
  {
    std::ostringstream s;
    s.precision(17);
    s << "subsection Time stepping\n set Adaptive time step = true\n"
      << " set Error tolerance = " << tolerance << "\n"
      << " set Error estimate = " << estimate << "\nend\n";
    return gaussian_1d_parameters(10, 1e-6, s.str());
  }
} // namespace

// The controller keeps the local error of each step at about the tolerance
// tol, so dt ~ tol^(1/3) (local error ~ dt^3), the number of steps grows as
// tol^(-1/3) and the global error (about the sum of the local errors of a
// contractive problem) as tol^(2/3). With tol divided by 8: 2 times the
// steps and a quarter of the error. A wrong error constant shifts both
// curves but not these exponents; a wrong estimate (e.g. of first order,
// ~ dt^2) gives error ~ tol and steps ~ tol^(-1/2), i.e. ratios 8 and 2.8,
// and a variable-step formula with wrong coefficients loses second order
// (error ~ tol^(1/3), ratio 2). Measured: L1 errors 7.9e-5 and 2.0e-5
// (ratio 4.0), 180 and 343 steps.
TEST(AdaptiveTimeStep, ErrorFollowsTheToleranceAsBdf2Predicts)
{
  // Either error measure (L1 of the density, or the moments relative to
  // the standard deviations) gives dt ~ tol^(1/3).
  for (const std::string estimate : {"density", "moments"})
    {
      std::vector<double> errors, steps;
      for (const double tolerance : {1e-5, 1.25e-6})
        {
          const RunSummary s = run_parameters(adaptive_1d(tolerance, estimate));
          errors.push_back(s.history.back().l1_error);
          steps.push_back(s.n_steps);
          EXPECT_EQ(s.rejected_steps, 0u);

          // The stiff start: the first step is the one given, later steps
          // grow by at most 2, and the steps end at T exactly.
          ASSERT_GT(s.history.size(), 3u);
          EXPECT_EQ(s.history[1].dt, 1e-6);
          for (std::size_t n = 2; n < s.history.size(); ++n)
            EXPECT_LE(s.history[n].dt, 2 * s.history[n - 1].dt * (1 + 1e-12));
          EXPECT_DOUBLE_EQ(s.history.back().time, 3.);
          double sum = 0;
          for (const auto &row : s.history)
            sum += row.dt;
          EXPECT_NEAR(sum, 3., 1e-12);
          // The steps reach the slow phase: dt grows by more than 1e4.
          EXPECT_GT(s.max_dt, 1e4 * s.min_dt);
          // Mass per step to round-off (variable coefficients keep zero
          // column sums).
          for (std::size_t n = 1; n < s.history.size(); ++n)
            EXPECT_NEAR(s.history[n].mass, s.history[n - 1].mass, 2e-13);
        }
      const double error_exponent =
        std::log(errors[0] / errors[1]) / std::log(8.);
      const double steps_exponent =
        std::log(steps[1] / steps[0]) / std::log(8.);
      std::cout << estimate << ": L1 errors " << errors[0] << ", " << errors[1]
                << " (exponent " << error_exponent
                << " of tol, expected 2/3); steps " << steps[0] << ", "
                << steps[1] << " (exponent " << steps_exponent
                << ", expected 1/3)" << std::endl;
      EXPECT_NEAR(error_exponent, 2. / 3., 0.1) << estimate;
      EXPECT_NEAR(steps_exponent, 1. / 3., 0.07) << estimate;
      // The L1 error is that of the tolerance, not more: at most the sum
      // of the allowed local errors.
      if (estimate == "density")
        {
          EXPECT_LT(errors[0], steps[0] * 1e-5);
        }
    }
}
