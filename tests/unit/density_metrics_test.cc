// Distances between densities by quadrature against the closed forms for
// Gaussians, and the kernel density estimate against its error bound.

#include <kwfp/comparison/density_metrics.h>
#include <kwfp/comparison/kernel_density_estimate.h>
#include <kwfp/particles/random_stream.h>

#include <deal.II/base/quadrature_lib.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace kwfp;

namespace
{
  /// Gauss points and weights of a uniform grid of n x n cells on
  /// [x0, x0 + n h] x [y0, y0 + n h], @p q points per direction.
  struct Grid
  {
    std::vector<std::array<double, 2>> points;
    std::vector<double>                weights;

    Grid(const double       x0,
         const double       y0,
         const double       h,
         const unsigned int n,
         const unsigned int q)
    {
      const dealii::QGauss<2> gauss(q);
      for (unsigned int i = 0; i < n; ++i)
        for (unsigned int j = 0; j < n; ++j)
          for (unsigned int k = 0; k < gauss.size(); ++k)
            {
              points.push_back({{x0 + (i + gauss.point(k)[0]) * h,
                                 y0 + (j + gauss.point(k)[1]) * h}});
              weights.push_back(gauss.weight(k) * h * h);
            }
    }

    std::vector<double>
    values(const Gaussian &g) const
    {
      std::vector<double> v;
      for (const auto &p : points)
        v.push_back(g.density(dealii::ArrayView<const double>(p.data(), 2)));
      return v;
    }
  };

  double
  standard_normal_cdf(const double x)
  {
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
  }

  /// Hellinger distance between Gaussians: H^2 = 1 - BC,
  /// BC = |P|^{1/4} |Q|^{1/4} / |(P+Q)/2|^{1/2}
  ///      exp(-1/8 dm^T ((P+Q)/2)^{-1} dm).
  double
  gaussian_hellinger(const Gaussian &p, const Gaussian &q)
  {
    DenseMatrix M(p.covariance());
    M.add(1.0, q.covariance());
    M *= 0.5;
    const DenseMatrix M_inv = spd_inverse(M);
    DenseVector       dm(p.mean());
    dm -= q.mean();
    const double bc = std::exp(0.25 * spd_log_determinant(p.covariance()) +
                               0.25 * spd_log_determinant(q.covariance()) -
                               0.5 * spd_log_determinant(M) -
                               0.125 * M_inv.matrix_norm_square(dm));
    return std::sqrt(1 - bc);
  }
} // namespace


// Equal diagonal covariances, means apart along x: |p - q| has its kink on
// the line x = 0.3, which the grid puts on cell faces, so that 4-point Gauss
// quadrature on cells of width 0.1 is accurate far beyond 1e-6:
//   L1 = 2 (2 Phi(delta / 2) - 1), H = (1 - exp(-delta^2 / 8))^{1/2},
//   KL = delta^2 / 2, delta = |m_p - m_q|_Sigma.
TEST(DensityMetrics, GaussiansWithEqualCovariance)
{
  const Grid     grid(-9.7, -10, 0.1, 200, 4);
  const Gaussian p(to_dense_vector({0, 0}),
                   parse_matrix("0.8, 0; 0, 0.5", "S"));
  const Gaussian q(to_dense_vector({0.6, 0}),
                   parse_matrix("0.8, 0; 0, 0.5", "S"));
  const auto     m     = density_metrics(grid.values(p),
                                 grid.values(q),
                                 grid.weights,
                                 MPI_COMM_WORLD);
  const double   delta = 0.6 / std::sqrt(0.8);
  const double   l1    = 2 * (2 * standard_normal_cdf(delta / 2) - 1);
  EXPECT_NEAR(m.l1, l1, 1e-6 * l1);
  const double h = std::sqrt(1 - std::exp(-delta * delta / 8));
  EXPECT_NEAR(m.hellinger, h, 1e-6 * h);
  EXPECT_NEAR(m.kl_pq, delta * delta / 2, 1e-6 * delta * delta / 2);
  EXPECT_NEAR(m.kl_qp, delta * delta / 2, 1e-6 * delta * delta / 2);
  EXPECT_NEAR(m.symkl, delta * delta, 1e-6 * delta * delta);
}


// Different, correlated covariances: KL both ways and Hellinger against
// their closed forms (smooth integrands).
TEST(DensityMetrics, GaussiansWithDifferentCovariances)
{
  const Grid              grid(-10, -10, 0.1, 200, 4);
  const Gaussian          p(to_dense_vector({-0.5, 0.3}),
                   parse_matrix("1.0, -0.3; -0.3, 0.6", "P"));
  const Gaussian          q(to_dense_vector({1, -0.5}),
                   parse_matrix("0.5, 0.2; 0.2, 0.8", "Q"));
  const auto              m = density_metrics(grid.values(p),
                                 grid.values(q),
                                 grid.weights,
                                 MPI_COMM_WORLD);
  const GaussianDistances g = gaussian_distances(p, q);
  EXPECT_NEAR(m.kl_pq, g.kl_pq, 1e-6 * g.kl_pq);
  EXPECT_NEAR(m.kl_qp, g.kl_qp, 1e-6 * g.kl_qp);
  const double h = gaussian_hellinger(p, q);
  EXPECT_NEAR(m.hellinger, h, 1e-6 * h);
  // a density against itself: every distance is 0
  const auto self = density_metrics(grid.values(p),
                                    grid.values(p),
                                    grid.weights,
                                    MPI_COMM_WORLD);
  EXPECT_EQ(self.symkl, 0);
  EXPECT_EQ(self.l1, 0);
  EXPECT_EQ(self.hellinger, 0);
}


// W2 between Gaussians: for commuting covariances
// W2^2 = |dm|^2 + sum (sqrt(a_i) - sqrt(b_i))^2; rotating both Gaussians
// by the same angle leaves it unchanged.
TEST(DensityMetrics, GaussianWasserstein)
{
  const Gaussian p(to_dense_vector({0, 1}), parse_matrix("4, 0; 0, 1", "P"));
  const Gaussian q(to_dense_vector({3, 1}), parse_matrix("1, 0; 0, 9", "Q"));
  const double   w2 = std::sqrt(9 + 1 + 4);
  EXPECT_NEAR(wasserstein2_distance(p, q), w2, 1e-12 * w2);
  const double c = std::cos(0.7), s = std::sin(0.7);
  DenseMatrix  R(2, 2);
  R(0, 0)           = c;
  R(0, 1)           = -s;
  R(1, 0)           = s;
  R(1, 1)           = c;
  const auto rotate = [&](const Gaussian &g) {
    DenseMatrix RC(2, 2), RCR(2, 2);
    R.mmult(RC, g.covariance());
    RC.mTmult(RCR, R);
    DenseVector m(2);
    R.vmult(m, g.mean());
    return Gaussian(m, RCR);
  };
  EXPECT_NEAR(wasserstein2_distance(rotate(p), rotate(q)), w2, 1e-12 * w2);
  EXPECT_NEAR(wasserstein2_distance(p, p), 0, 1e-7);
}


// The kernel density estimate of J = 1e5 draws from a correlated 2-D
// Gaussian (Scott's rule, h = J^{-1/6} = 0.147): its L1 error is below the
// bound of KernelDensityEstimate::gaussian_l1_error_bound (bias of the
// smoothing, exact, plus the Jensen bound of the variance term); for
// h = 0.147 that is 0.0157 + 0.0306 = 0.0463. It integrates to 1 (to the
// quadrature error of the grid, cells of width 0.1 with 3 x 3 Gauss points:
// 1e-6).
TEST(KernelDensityEstimate, L1ErrorBelowTheBound)
{
  const unsigned int J = 100000;
  const Gaussian     f(to_dense_vector({0.5, -1}),
                   parse_matrix("1.0, 0.4; 0.4, 0.6", "S"));
  const DenseMatrix  L = cholesky_factor(f.covariance());
  DenseMatrix        U(J, 2);
  for (unsigned int j = 0; j < J; ++j)
    {
      RandomStream s(2024, j, RandomPurpose::initial_ensemble, 0);
      const double z0 = s.normal(), z1 = s.normal();
      U(j, 0) = 0.5 + L(0, 0) * z0;
      U(j, 1) = -1 + L(1, 0) * z0 + L(1, 1) * z1;
    }
  const KernelDensityEstimate kde(U, BandwidthRule::scott);
  EXPECT_NEAR(kde.bandwidth(), std::pow(J, -1.0 / 6), 1e-15);
  const Grid          grid(-6, -7, 0.1, 120, 3);
  std::vector<double> estimate;
  double              mass = 0;
  for (std::size_t k = 0; k < grid.points.size(); ++k)
    {
      estimate.push_back(kde.value(grid.points[k].data()));
      mass += estimate.back() * grid.weights[k];
    }
  const auto m =
    density_metrics(estimate, grid.values(f), grid.weights, MPI_COMM_WORLD);
  const double bound =
    KernelDensityEstimate::gaussian_l1_error_bound(2, J, kde.bandwidth());
  std::cout << "KDE L1 error " << m.l1 << ", bound " << bound << ", mass "
            << mass << std::endl;
  EXPECT_LT(m.l1, bound);
  EXPECT_NEAR(mass, 1, 1e-5);
  // the bias alone (the bound for J -> infinity) is below the error
  EXPECT_LT(KernelDensityEstimate::gaussian_l1_error_bound(2,
                                                           1e30,
                                                           kde.bandwidth()),
            m.l1);
}
