// The coefficients of variable-step BDF2 and the step-size control of the
// finite-element time loop (doc/numerics.md, "Time").
#include <kwfp/fokker_planck/bdf_coefficients.h>
#include <kwfp/fokker_planck/time_step_control.h>

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

using namespace kwfp;

namespace
{
  // Steps h = t_{n+1} - t_n, k = t_n - t_{n-1}, k2 = t_{n-1} - t_{n-2} of
  // unequal sizes (ratios 0.3 to 2.4) and t_n = 0.7.
  struct Steps
  {
    double h, k, k2;
  };
  const Steps step_sets[] = {{0.1, 0.1, 0.1},
                             {0.03, 0.1, 0.05},
                             {0.24, 0.1, 0.2},
                             {0.01, 0.02, 0.005}};
} // namespace

// BDF2 with variable steps is exact for quadratics in time:
// alpha y(t_{n+1}) - beta_0 y(t_n) - beta_1 y(t_{n-1}) = h y'(t_{n+1}),
// and BDF1 (omega = 0) for linear functions. Round-off: the terms are O(1),
// so 1e-13 is some 500 ulps.
TEST(BdfCoefficients, VariableStepBdf2IsExactForQuadratics)
{
  const double t = 0.7;
  for (const Steps &s : step_sets)
    {
      const BdfCoefficients bdf2(s.h / s.k, s.k / s.k2);
      EXPECT_TRUE(bdf2.bdf2);
      const auto   y  = [](double x) { return 2 - 3 * x + 5 * x * x; };
      const auto   dy = [](double x) { return -3 + 10 * x; };
      const double lhs =
        bdf2.alpha * y(t + s.h) - bdf2.beta_0 * y(t) - bdf2.beta_1 * y(t - s.k);
      EXPECT_NEAR(lhs, s.h * dy(t + s.h), 1e-13) << s.h << ", " << s.k;
      // A cubic is not integrated exactly: the test can see a wrong beta.
      const auto   z      = [](double x) { return x * x * x; };
      const double defect = bdf2.alpha * z(t + s.h) - bdf2.beta_0 * z(t) -
                            bdf2.beta_1 * z(t - s.k) -
                            s.h * 3 * (t + s.h) * (t + s.h);
      EXPECT_GT(std::abs(defect), 1e-8);

      const BdfCoefficients bdf1(0, 0);
      EXPECT_FALSE(bdf1.bdf2);
      EXPECT_EQ(bdf1.alpha, 1.0);
    }
}

// The initial guess extrapolates rho^{n+1}: quadratically from three
// levels (exact for quadratics), linearly from two (exact for lines).
TEST(BdfCoefficients, InitialGuessExtrapolatesExactly)
{
  const double t = 0.7;
  const auto   q = [](double x) { return 1 + 4 * x - 6 * x * x; };
  const auto   l = [](double x) { return 1 + 4 * x; };
  for (const Steps &s : step_sets)
    {
      const BdfCoefficients quadratic(s.h / s.k, s.k / s.k2);
      ASSERT_TRUE(quadratic.quadratic_guess);
      EXPECT_NEAR(quadratic.guess[0] * q(t) + quadratic.guess[1] * q(t - s.k) +
                    quadratic.guess[2] * q(t - s.k - s.k2),
                  q(t + s.h),
                  1e-12);
      const BdfCoefficients linear(s.h / s.k, 0);
      ASSERT_FALSE(linear.quadratic_guess);
      EXPECT_NEAR(linear.guess[0] * l(t) + linear.guess[1] * l(t - s.k),
                  l(t + s.h),
                  1e-13);
    }
}

namespace
{
  TimeSteppingParameters
  adaptive_parameters()
  {
    TimeSteppingParameters p;
    p.final_time        = 1;
    p.time_step         = 0.01;
    p.adaptive          = true;
    p.error_tolerance   = 1e-4;
    p.minimum_time_step = 1e-6;
    p.maximum_time_step = 0.1;
    return p;
  }
} // namespace

// Fixed steps: T / n each, the last one decided by counting and at T.
TEST(TimeStepControl, FixedStepsEndAtTheFinalTime)
{
  TimeSteppingParameters p;
  p.final_time = 0.9;
  p.time_step  = 0.3;
  const TimeStepControl control(p);
  EXPECT_EQ(control.n_fixed_steps(), 3u);
  EXPECT_TRUE(control.more_steps(3, 0.6));
  EXPECT_FALSE(control.more_steps(4, 0.9));
  EXPECT_FALSE(control.is_last(2, 0.3, 0.3));
  EXPECT_TRUE(control.is_last(3, 0.6, 0.3));
  EXPECT_EQ(control.time_after(3, 0.6, 0.3, true), 0.9);
  EXPECT_EQ(control.next_step(3, 0.3, 1.), control.first_step());
}

// Adaptive steps: the first two keep 'Time step'; then the factor
// 0.9 (tol / e)^(1/3), bounded to [0.2, 2] and to [minimum, maximum].
TEST(TimeStepControl, AdaptiveStepFollowsTheErrorEstimate)
{
  const TimeStepControl control(adaptive_parameters());
  EXPECT_EQ(control.first_step(), 0.01);
  EXPECT_EQ(control.next_step(1, 0.01, 0), 0.01);
  EXPECT_EQ(control.next_step(2, 0.01, 0), 0.01);
  EXPECT_FALSE(control.needs_estimate(2));
  EXPECT_TRUE(control.needs_estimate(3));
  // e = tol: 0.9; e = tol / 1000: bounded by 2; e = 1000 tol: by 0.2.
  EXPECT_NEAR(control.next_step(3, 0.01, 1e-4), 0.009, 1e-15);
  EXPECT_NEAR(control.next_step(3, 0.01, 1e-7), 0.02, 1e-15);
  EXPECT_NEAR(control.next_step(3, 0.01, 1e-1), 0.002, 1e-15);
  EXPECT_EQ(control.next_step(3, 0.08, 1e-9), 0.1); // the maximum
  // Accepted up to twice the tolerance, or at the minimum step.
  EXPECT_TRUE(control.accepts(2e-4, 0.01));
  EXPECT_FALSE(control.accepts(2.01e-4, 0.01));
  EXPECT_TRUE(control.accepts(1, 1e-6));
  // A rejection with e = 8 tol: 0.9 / 2 of the step; a failed solve: / 4.
  EXPECT_NEAR(control.after_rejection(0.01, 0.5, 8e-4), 0.0045, 1e-15);
  EXPECT_NEAR(control.after_solve_failure(0.01, 0.5), 0.0025, 1e-15);
}

// The step is cut to land on T, also when a step slightly shorter than the
// time left would leave a last step below a tenth of it.
TEST(TimeStepControl, AdaptiveStepLandsOnTheFinalTime)
{
  const TimeStepControl control(adaptive_parameters());
  EXPECT_EQ(control.step_to_try(0.05, 0.5), 0.05);
  EXPECT_EQ(control.step_to_try(0.05, 0.97), 1 - 0.97);
  EXPECT_EQ(control.step_to_try(0.0299, 0.97), 1 - 0.97);
  const double dt = control.step_to_try(0.05, 0.97);
  EXPECT_TRUE(control.is_last(40, 0.97, dt));
  EXPECT_EQ(control.time_after(40, 0.97, dt, true), 1.0);
  EXPECT_FALSE(control.more_steps(41, 1.0));
}

// The local error estimate of the moments vanishes when they are quadratic
// in time and is h^2 (h + k)(1 + omega)/(1 + 2 omega) / sd for a cubic
// mean (third divided difference 1).
TEST(TimeStepControl, MomentErrorEstimateIsTheBdf2LocalError)
{
  for (const Steps &s : step_sets)
    {
      const double t[4]       = {0.7 + s.h, 0.7, 0.7 - s.k, 0.7 - s.k - s.k2};
      const auto   moments_at = [&](const std::function<double(double)> &f,
                                  const double                         x) {
        Moments m;
        m.mass             = 1;
        m.mean             = DenseVector(1);
        m.mean[0]          = f(x);
        m.covariance       = DenseMatrix(1, 1);
        m.covariance(0, 0) = 4; // sd 2
        return m;
      };
      const auto estimate = [&](const std::function<double(double)> &f) {
        const std::array<Moments, 3> history{
          {moments_at(f, t[1]), moments_at(f, t[2]), moments_at(f, t[3])}};
        return moment_error_estimate(
          moments_at(f, t[0]), history, s.h, s.k, s.k2);
      };
      EXPECT_NEAR(estimate([](double x) { return 3 * x * x - x; }), 0, 1e-12);
      const double omega = s.h / s.k;
      const double expected =
        s.h * s.h * (s.h + s.k) * (1 + omega) / (1 + 2 * omega) / 2;
      EXPECT_NEAR(estimate([](double x) { return x * x * x; }) / expected,
                  1,
                  1e-9);
    }
}
