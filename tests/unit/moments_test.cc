#include <kwfp/fokker_planck/moments.h>
#include <kwfp/gaussian/gaussian.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/shared_tria.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/numerics/vector_tools.h>

#include <gtest/gtest.h>

#include <memory>

using namespace dealii;
using namespace kwfp;

namespace
{
  template <int dim>
  class GaussianFunction : public Function<dim>
  {
  public:
    explicit GaussianFunction(const Gaussian &g)
      : g(g)
    {}
    double
    value(const Point<dim> &p, const unsigned int) const override
    {
      return g.density(make_array_view(p.begin_raw(), p.end_raw()));
    }
    const Gaussian g;
  };

  template <int dim>
  std::unique_ptr<parallel::TriangulationBase<dim>>
  make_cube(const double L, const unsigned int refinements)
  {
    std::unique_ptr<parallel::TriangulationBase<dim>> tria;
    if constexpr (dim == 1)
      tria =
        std::make_unique<parallel::shared::Triangulation<dim>>(MPI_COMM_WORLD);
    else
      tria = std::make_unique<parallel::distributed::Triangulation<dim>>(
        MPI_COMM_WORLD);
    GridGenerator::hyper_cube(*tria, -L, L);
    tria->refine_global(refinements);
    return tria;
  }

  /// Moments of the Q_degree interpolant of @p f on [-L, L]^dim.
  template <int dim>
  Moments
  interpolant_moments(const Function<dim> &f,
                      const unsigned int   degree,
                      const unsigned int   refinements,
                      const double         L)
  {
    const auto      tria = make_cube<dim>(L, refinements);
    FE_Q<dim>       fe(degree);
    DoFHandler<dim> dof_handler(*tria);
    dof_handler.distribute_dofs(fe);
    TrilinosWrappers::MPI::Vector rho(dof_handler.locally_owned_dofs(),
                                      MPI_COMM_WORLD);
    VectorTools::interpolate(dof_handler, f, rho);
    MomentFunctionals<dim> moments;
    // A center away from the mean checks the shift in C = E[..] - m m^T.
    Point<dim> center;
    center[0] = 0.7;
    moments.reinit(dof_handler,
                   QGauss<dim>(degree + 2),
                   center,
                   MPI_COMM_WORLD);
    return moments.compute(rho);
  }

  /// rho(u) = prod_i (1 - (u_i/L)^2 + c_i u_i/L): in Q2, moments known.
  template <int dim>
  class ProductQuadratic : public Function<dim>
  {
  public:
    ProductQuadratic(const double L)
      : L(L)
    {}
    double
    value(const Point<dim> &p, const unsigned int) const override
    {
      double v = 1;
      for (unsigned int a = 0; a < dim; ++a)
        v *= 1 - (p[a] / L) * (p[a] / L) + c(a) * p[a] / L;
      return v;
    }
    static double
    c(const unsigned int a)
    {
      return 0.3 + 0.2 * a;
    }
    const double L;
  };

  template <int dim>
  void
  check_exact_for_the_finite_element_space()
  {
    const double  L = 2;
    const Moments m =
      interpolant_moments<dim>(ProductQuadratic<dim>(L), 2, 2, L);
    // For p(x) = 1 - x^2/L^2 + c x/L on [-L, L]:
    //   int p = 4L/3, int x p = 2 c L^2/3, int x^2 p = 4 L^3/15.
    double mass = 1;
    for (unsigned int a = 0; a < dim; ++a)
      mass *= 4 * L / 3;
    EXPECT_NEAR(m.mass, mass, 1e-13 * mass);
    for (unsigned int a = 0; a < dim; ++a)
      {
        const double c      = ProductQuadratic<dim>::c(a);
        const double mean   = (2 * c * L * L / 3) / (4 * L / 3);
        const double second = (4 * L * L * L / 15) / (4 * L / 3);
        EXPECT_NEAR(m.mean[a], mean, 1e-13);
        EXPECT_NEAR(m.covariance(a, a), second - mean * mean, 1e-13);
        for (unsigned int b = 0; b < dim; ++b)
          if (b != a)
            {
              EXPECT_NEAR(m.covariance(a, b), 0, 1e-13);
            }
      }
  }

  /**
   * Moments of the interpolant I_h g of a resolved Gaussian g on [-8, 8]^d.
   * Mass and mean are tensor trapezoidal (Q1) or Simpson (Q2) sums of g and
   * u g, spectrally accurate for a Gaussian: error of order
   * exp(-2 pi^2 lambda_min(C) / h^2) < 1e-12 here (h = 0.5; for Q2 the
   * relevant spacing is the cell size h, not the node spacing h/2).
   * The tails beyond the box (7.5 standard deviations) carry a mass of
   * 3e-14 and so change the second moments by about 64 * 3e-14 = 2e-12:
   * the covariances are compared to 1e-10. The second moment is not:
   * for Q1, int u_a^2 phi_i = h u_{a,i}^2 + h^3/6 on a uniform mesh, so
   * C(I_h g) = C + (h^2/6) I exactly up to the same spectral error; for Q2
   * the weights int u_a u_b phi_i are those of Simpson's rule, exact for the
   * quadratic u_a u_b, so the covariance is spectrally accurate as well.
   */
  template <int dim>
  void
  check_gaussian(const Gaussian &g)
  {
    const double  L = 8;
    const auto    r = 5u; // 32 cells per axis, h = 0.5
    const double  h = 2 * L / 32;
    const Moments q1 =
      interpolant_moments<dim>(GaussianFunction<dim>(g), 1, r, L);
    EXPECT_NEAR(q1.mass, 1, 1e-12);
    for (unsigned int a = 0; a < dim; ++a)
      {
        EXPECT_NEAR(q1.mean[a], g.mean()[a], 1e-12);
        for (unsigned int b = 0; b < dim; ++b)
          EXPECT_NEAR(q1.covariance(a, b),
                      g.covariance()(a, b) + (a == b ? h * h / 6 : 0),
                      1e-10);
      }

    const Moments q2 =
      interpolant_moments<dim>(GaussianFunction<dim>(g), 2, r, L);
    EXPECT_NEAR(q2.mass, 1, 1e-12);
    for (unsigned int a = 0; a < dim; ++a)
      {
        EXPECT_NEAR(q2.mean[a], g.mean()[a], 1e-12);
        for (unsigned int b = 0; b < dim; ++b)
          EXPECT_NEAR(q2.covariance(a, b), g.covariance()(a, b), 1e-10);
      }
  }
} // namespace

TEST(Moments, ExactInTheFiniteElementSpace)
{
  check_exact_for_the_finite_element_space<1>();
  check_exact_for_the_finite_element_space<2>();
  check_exact_for_the_finite_element_space<3>();
}

TEST(Moments, InterpolatedGaussian1d)
{
  const Gaussian g(to_dense_vector({0.5}), parse_matrix("0.8", "C"));
  check_gaussian<1>(g);
}

TEST(Moments, InterpolatedGaussian2d)
{
  const Gaussian g(to_dense_vector({-0.5, 0.4}),
                   parse_matrix("1.0, -0.3; -0.3, 0.6", "C"));
  check_gaussian<2>(g);
}

TEST(Moments, InterpolatedGaussian3d)
{
  const Gaussian g(to_dense_vector({-0.5, 0.4, 0.2}),
                   parse_matrix("1.0, -0.3, 0.1; -0.3, 0.6, 0; 0.1, 0, 0.8",
                                "C"));
  check_gaussian<3>(g);
}
