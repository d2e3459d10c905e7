#include <kwfp/gaussian/gaussian.h>

#include <deal.II/base/quadrature_lib.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace kwfp;

namespace
{
  /// Composite 2-D Gauss-Legendre rule on [-L, L]^2 with n x n cells.
  double
  integrate_2d(const std::function<double(double, double)> &f,
               const double                                 L,
               const unsigned int                           n)
  {
    const dealii::QGauss<1> rule(8);
    const double            h = 2 * L / n;
    double                  s = 0;
    for (unsigned int i = 0; i < n; ++i)
      for (unsigned int j = 0; j < n; ++j)
        for (unsigned int p = 0; p < rule.size(); ++p)
          for (unsigned int q = 0; q < rule.size(); ++q)
            s += f(-L + h * (i + rule.point(p)[0]),
                   -L + h * (j + rule.point(q)[0])) *
                 rule.weight(p) * rule.weight(q) * h * h;
    return s;
  }
} // namespace

TEST(Gaussian, KlDivergenceAgreesWithQuadrature)
{
  const Gaussian p(to_dense_vector({-1.5, 1.5}),
                   parse_matrix("1.0, -0.3; -0.3, 0.6", "C"));
  const Gaussian q(to_dense_vector({1, -0.5}),
                   parse_matrix("0.5, 0.2; 0.2, 0.8", "B"));
  const double   by_quadrature = integrate_2d(
    [&](const double x, const double y) {
      const double u[2] = {x, y};
      const auto   view = dealii::make_array_view(u, u + 2);
      return p.density(view) * (p.log_density(view) - q.log_density(view));
    },
    12,
    96);
  // The 8-point rule on cells of width 0.25 is exact to far below 1e-10
  // for these smooth integrands; the tails beyond |u| = 12 are < 1e-20.
  EXPECT_NEAR(kl_divergence(p, q), by_quadrature, 1e-10 * by_quadrature);
  EXPECT_NEAR(kl_divergence(p, p), 0, 1e-14);
}

TEST(Gaussian, DensityIsNormalized)
{
  const Gaussian p(to_dense_vector({0.3, -0.2}),
                   parse_matrix("0.7, 0.25; 0.25, 0.4", "C"));
  const double   mass = integrate_2d(
    [&](const double x, const double y) {
      const double u[2] = {x, y};
      return p.density(dealii::make_array_view(u, u + 2));
    },
    10,
    80);
  EXPECT_NEAR(mass, 1, 1e-12);
}

TEST(Gaussian, MassOutsideBoxIsTheMarginalTail)
{
  const Gaussian p(to_dense_vector({1}), parse_matrix("4", "C"));
  const auto     outside = p.mass_outside_box({-3}, {5});
  // 2 standard deviations on each side.
  EXPECT_NEAR(outside[0], 0.5 * std::erfc(2 / std::sqrt(2.)), 1e-15);
  EXPECT_NEAR(outside[1], 0.5 * std::erfc(2 / std::sqrt(2.)), 1e-15);
}
