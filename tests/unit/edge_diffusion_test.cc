// The edge weights of the flux correction's low-order operator: on one cell
// sum_e gamma_e (e . g)^2 = V g^T C g for every gradient g (the identity
// sum_e gamma_e e e^T = V C), the weights are >= 0, and where a correlation
// is too strong for the cell's aspect ratio the weights carry more
// diffusion, never less.

#include <kwfp/fokker_planck/edge_diffusion.h>

#include <deal.II/base/geometry_info.h>

#include <gtest/gtest.h>

#include <random>

namespace
{
  using namespace dealii;
  using kwfp::DenseMatrix;

  /// u^T W u for the vertex values u = g . x of a linear function on the
  /// box [0, h].
  template <int dim>
  double
  energy_of_linear(const FullMatrix<double> &W,
                   const Tensor<1, dim>     &h,
                   const Tensor<1, dim>     &g)
  {
    const unsigned int n = GeometryInfo<dim>::vertices_per_cell;
    Vector<double>     u(n), Wu(n);
    for (unsigned int v = 0; v < n; ++v)
      for (unsigned int a = 0; a < dim; ++a)
        u[v] += ((v >> a) & 1) * h[a] * g[a];
    W.vmult(Wu, u);
    return u * Wu;
  }

  template <int dim>
  double
  volume_energy(const DenseMatrix    &C,
                const Tensor<1, dim> &h,
                const Tensor<1, dim> &g)
  {
    double V = 1, q = 0;
    for (unsigned int a = 0; a < dim; ++a)
      {
        V *= h[a];
        for (unsigned int b = 0; b < dim; ++b)
          q += g[a] * C(a, b) * g[b];
      }
    return V * q;
  }

  /// A random SPD matrix whose correlations the box h can represent
  /// (|C_ab| h_a / h_b summed over b <= C_aa) when @p representable.
  template <int dim>
  DenseMatrix
  random_covariance(std::mt19937         &rng,
                    const Tensor<1, dim> &h,
                    const bool            representable)
  {
    std::uniform_real_distribution<double> u(-1, 1);
    for (;;)
      {
        DenseMatrix C(dim, dim);
        for (unsigned int a = 0; a < dim; ++a)
          C(a, a) = std::exp(2 * u(rng));
        for (unsigned int a = 0; a < dim; ++a)
          for (unsigned int b = a + 1; b < dim; ++b)
            C(a, b) = C(b, a) = 0.95 * u(rng) * std::sqrt(C(a, a) * C(b, b));
        bool ok = true;
        for (unsigned int a = 0; a < dim; ++a)
          {
            double off = 0;
            for (unsigned int b = 0; b < dim; ++b)
              if (b != a)
                off += std::abs(C(a, b)) * h[a] / h[b];
            ok = ok && off <= C(a, a);
          }
        if (ok == representable)
          return C;
      }
  }

  template <int dim>
  void
  check_cell(const unsigned int seed)
  {
    std::mt19937                           rng(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    for (unsigned int trial = 0; trial < 200; ++trial)
      {
        Tensor<1, dim> h;
        for (unsigned int a = 0; a < dim; ++a)
          h[a] = std::exp(u(rng));
        // In 1-D every C is representable.
        const bool        representable = dim == 1 || trial % 2 == 0;
        const DenseMatrix C = random_covariance<dim>(rng, h, representable);
        const FullMatrix<double> W =
          kwfp::EdgeDiffusion<dim>::cell_matrix(C, h);
        // Non-negative weights: off-diagonal entries <= 0, zero row sums.
        for (unsigned int i = 0; i < W.m(); ++i)
          {
            double row = 0;
            for (unsigned int j = 0; j < W.n(); ++j)
              {
                row += W(i, j);
                if (i != j)
                  {
                    EXPECT_LE(W(i, j), 0.);
                  }
              }
            EXPECT_NEAR(row, 0., 1e-13 * W(i, i));
          }
        for (unsigned int k = 0; k < 5; ++k)
          {
            Tensor<1, dim> g;
            for (unsigned int a = 0; a < dim; ++a)
              g[a] = u(rng);
            const double exact = volume_energy<dim>(C, h, g);
            const double edges = energy_of_linear<dim>(W, h, g);
            if (representable)
              EXPECT_NEAR(edges, exact, 1e-12 * (exact + 1e-300))
                << "dim " << dim << " trial " << trial;
            else
              EXPECT_GE(edges, exact * (1 - 1e-12));
          }
      }
  }
} // namespace

TEST(EdgeDiffusion, WeightsReproduceTheTensorOnOneCell1D)
{
  check_cell<1>(1);
}

TEST(EdgeDiffusion, WeightsReproduceTheTensorOnOneCell2D)
{
  check_cell<2>(2);
}

TEST(EdgeDiffusion, WeightsReproduceTheTensorOnOneCell3D)
{
  check_cell<3>(3);
}

TEST(EdgeDiffusion, AnisotropicDiagonalTensorKeepsItsHorizontalCouplings)
{
  // C = diag(1, 33) on a square: the Q1 stiffness couples horizontal
  // neighbours with -1/3 + 33/6 > 0; the edge weights keep 1/2 per cell.
  DenseMatrix C(2, 2);
  C(0, 0) = 1;
  C(1, 1) = 33;
  Tensor<1, 2> h;
  h[0] = h[1]                = 1;
  const FullMatrix<double> W = kwfp::EdgeDiffusion<2>::cell_matrix(C, h);
  EXPECT_DOUBLE_EQ(W(0, 1), -0.5);
  EXPECT_DOUBLE_EQ(W(0, 2), -16.5);
  EXPECT_DOUBLE_EQ(W(0, 3), 0.);
}


// Issue 21.7: on square cells with equal variances the weights reproduce C
// for every correlation c in (-1, 1) in 2-D (the axis weight is V (1 -
// |c|) / (2 h^2) >= 0: nothing is clipped); in 3-D with all three
// correlations equal to c the axis weight is V (1 - 2|c|) / (4 h^2), so
// the identity holds for |c| <= 1/2 and the clipped weights carry more
// diffusion above it, never less.
TEST(EdgeDiffusion, SquareCellsReproduceCorrelatedTensors)
{
  for (int k = -99; k <= 99; ++k)
    {
      const double c = k / 100.;
      {
        DenseMatrix C(2, 2);
        C(0, 0) = C(1, 1) = 1;
        C(0, 1) = C(1, 0) = c;
        const Tensor<1, 2>       h({0.5, 0.5});
        const FullMatrix<double> W = kwfp::EdgeDiffusion<2>::cell_matrix(C, h);
        for (const auto &g : {Tensor<1, 2>({1, 0}),
                              Tensor<1, 2>({0, 1}),
                              Tensor<1, 2>({1, 1}),
                              Tensor<1, 2>({1, -1})})
          EXPECT_NEAR(energy_of_linear<2>(W, h, g),
                      volume_energy<2>(C, h, g),
                      1e-13)
            << "c = " << c;
      }
      if (c > -0.5) // SPD in 3-D
        {
          DenseMatrix C(3, 3);
          for (unsigned int a = 0; a < 3; ++a)
            for (unsigned int b = 0; b < 3; ++b)
              C(a, b) = a == b ? 1 : c;
          const Tensor<1, 3>       h({0.5, 0.5, 0.5});
          const FullMatrix<double> W =
            kwfp::EdgeDiffusion<3>::cell_matrix(C, h);
          for (const auto &g : {Tensor<1, 3>({1, 0, 0}),
                                Tensor<1, 3>({1, 1, 0}),
                                Tensor<1, 3>({1, -1, 1})})
            {
              const double edges = energy_of_linear<3>(W, h, g);
              const double exact = volume_energy<3>(C, h, g);
              if (std::abs(c) <= 0.5)
                {
                  EXPECT_NEAR(edges, exact, 1e-13) << "c = " << c;
                }
              else
                {
                  EXPECT_GE(edges, exact * (1 - 1e-12)) << "c = " << c;
                }
            }
          // Above 1/2 the clipping is active: for g = (1, 0, 0) the
          // weights carry V (2|c| - 1) too much.
          if (c > 0.5)
            {
              EXPECT_NEAR(energy_of_linear<3>(W, h, Tensor<1, 3>({1, 0, 0})) -
                            volume_energy<3>(C, h, Tensor<1, 3>({1, 0, 0})),
                          0.125 * (2 * c - 1),
                          1e-13)
                << "c = " << c;
            }
        }
    }
}
