// DensityDiagnostics evaluates rho_h and grad rho_h from tabulated shape
// functions and inverse Jacobians instead of FEValues. These tests compute
// the same functionals with FEValues on meshes with hanging nodes, with
// parallelogram cells (one inverse Jacobian per cell) and with partly
// distorted cells (one per point), and require agreement to round-off.
#include <kwfp/fokker_planck/density_diagnostics.h>
#include <kwfp/gaussian/gaussian.h>
#include <kwfp/potential/quadratic_potential.h>

#include <deal.II/base/quadrature_lib.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/grid/grid_tools.h>
#include <deal.II/grid/tria.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/numerics/vector_tools.h>

#include <gtest/gtest.h>

#include <cmath>

using namespace dealii;
using namespace kwfp;

namespace
{
  /// A smooth positive non-Gaussian density (not in Q2).
  class Bump : public Function<2>
  {
  public:
    double
    value(const Point<2> &p, const unsigned int) const override
    {
      return std::exp(-0.5 * (p[0] * p[0] + 2 * p[1] * p[1]) + 0.3 * p[0]) *
             (1.2 + std::sin(p[0] + 0.5 * p[1]));
    }
  };

  DenseVector
  vector_of(const std::vector<double> &v)
  {
    DenseVector out(v.size());
    for (unsigned int i = 0; i < v.size(); ++i)
      out[i] = v[i];
    return out;
  }

  DenseMatrix
  matrix_of(const double a, const double b, const double c)
  {
    DenseMatrix m(2, 2);
    m(0, 0) = a;
    m(0, 1) = m(1, 0) = b;
    m(1, 1)           = c;
    return m;
  }

  /// The functionals of DensityDiagnostics (its documented formulas)
  /// computed with FEValues.
  DensityFunctionals
  reference_functionals(const DoFHandler<2>                 &dof_handler,
                        const QGauss<2>                     &quadrature,
                        const QuadraticPotential            &potential,
                        const double                         log_Z,
                        const TrilinosWrappers::MPI::Vector &rho_h,
                        const DenseMatrix                   &C,
                        const double                         floor,
                        const Gaussian                      &exact,
                        std::vector<double>                 &values)
  {
    FEValues<2>               fe_values(dof_handler.get_fe(),
                          quadrature,
                          update_values | update_gradients |
                            update_quadrature_points | update_JxW_values);
    std::vector<double>       r(quadrature.size());
    std::vector<Tensor<1, 2>> g(quadrature.size());
    std::vector<double>       grad_Phi(2);
    DensityFunctionals        f;
    double                    l2 = 0;
    values.clear();
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        fe_values.reinit(cell);
        fe_values.get_function_values(rho_h, r);
        fe_values.get_function_gradients(rho_h, g);
        for (unsigned int q = 0; q < quadrature.size(); ++q)
          {
            const Point<2> &u    = fe_values.quadrature_point(q);
            const auto      view = make_array_view(u.begin_raw(), u.end_raw());
            const double    Phi  = potential.value(view);
            potential.gradient(view, make_array_view(grad_Phi));
            const double w = fe_values.JxW(q);
            values.push_back(r[q]);
            if (r[q] > 0)
              f.kl += r[q] * (std::log(r[q]) + Phi + log_Z) * w;
            f.l1_stationary += std::abs(r[q] - std::exp(-Phi - log_Z)) * w;
            if (r[q] > floor)
              {
                const double J0 = g[q][0] + r[q] * grad_Phi[0];
                const double J1 = g[q][1] + r[q] * grad_Phi[1];
                f.kalman_fisher += (J0 * (C(0, 0) * J0 + C(0, 1) * J1) +
                                    J1 * (C(1, 0) * J0 + C(1, 1) * J1)) /
                                   r[q] * w;
              }
            const double e = exact.density(view);
            f.l1_error += std::abs(r[q] - e) * w;
            l2 += (r[q] - e) * (r[q] - e) * w;
          }
      }
    f.l2_error = std::sqrt(l2);
    return f;
  }

  void
  check_against_fe_values(const bool distort)
  {
    Triangulation<2> tria;
    GridGenerator::hyper_cube(tria, -5, 5);
    tria.refine_global(3);
    // Refine the cells near the origin once more: hanging nodes.
    for (const auto &cell : tria.active_cell_iterators())
      if (cell->center().norm() < 2.5)
        cell->set_refine_flag();
    tria.execute_coarsening_and_refinement();
    // Bend the half x > 0: its cells are no longer parallelograms, those
    // of x < 0 (which come first) still are, so the evaluation switches
    // from one inverse Jacobian per cell to one per point mid-way.
    if (distort)
      GridTools::transform(
        [](const Point<2> &p) {
          return p[0] > 0 ? Point<2>(p[0], p[1] + 0.04 * p[0] * p[0]) : p;
        },
        tria);

    FE_Q<2>       fe(2);
    DoFHandler<2> dof_handler(tria);
    dof_handler.distribute_dofs(fe);
    AffineConstraints<double> constraints;
    DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    constraints.close();
    TrilinosWrappers::MPI::Vector rho_h(dof_handler.locally_owned_dofs(),
                                        MPI_COMM_WORLD);
    VectorTools::interpolate(dof_handler, Bump(), rho_h);
    constraints.distribute(rho_h);
    // A negative nodal value: the KL and I_C guards must act alike.
    rho_h[0] = -1e-3;

    const QuadraticPotential potential(vector_of({0.3, -0.2}),
                                       matrix_of(0.8, 0.2, 0.6));
    const QGauss<2>          quadrature(4);
    DensityDiagnostics<2>    diagnostics;
    diagnostics.reinit(dof_handler, quadrature, potential, MPI_COMM_WORLD);

    const DenseMatrix C = matrix_of(1.1, -0.3, 0.7);
    const Gaussian    exact(vector_of({0.2, 0.1}), matrix_of(1.0, 0.1, 0.5));
    const double      max_density = rho_h.linfty_norm();
    const auto        f = diagnostics.evaluate(rho_h, C, max_density, exact);

    std::vector<double>      values;
    const DensityFunctionals g =
      reference_functionals(dof_handler,
                            quadrature,
                            potential,
                            diagnostics.log_normalization(),
                            rho_h,
                            C,
                            DensityDiagnostics<2>::fisher_floor * max_density,
                            exact,
                            values);
    EXPECT_NEAR(f.kl, g.kl, 1e-12 * std::abs(g.kl));
    EXPECT_NEAR(f.kalman_fisher, g.kalman_fisher, 1e-12 * g.kalman_fisher);
    EXPECT_NEAR(f.l1_stationary, g.l1_stationary, 1e-12 * g.l1_stationary);
    EXPECT_NEAR(f.l1_error, g.l1_error, 1e-12 * g.l1_error);
    EXPECT_NEAR(f.l2_error, g.l2_error, 1e-12 * g.l2_error);
    // The functionals are not trivially small.
    EXPECT_GT(g.kalman_fisher, 0.1);
    EXPECT_GT(g.l1_error, 0.1);

    const std::vector<double> at_points = diagnostics.values(rho_h);
    ASSERT_EQ(at_points.size(), values.size());
    for (std::size_t k = 0; k < values.size(); ++k)
      EXPECT_NEAR(at_points[k], values[k], 1e-13 * max_density) << k;
  }
} // namespace


TEST(DensityDiagnostics, MatchesFEValuesOnParallelogramCells)
{
  check_against_fe_values(false);
}


TEST(DensityDiagnostics, MatchesFEValuesOnDistortedCells)
{
  check_against_fe_values(true);
}
