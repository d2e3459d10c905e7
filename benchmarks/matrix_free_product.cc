// Issue 23: does matrix-free evaluation of the step operator pay?
//
// The product with the BDF step matrix S = mass_factor M + A(C) of (4.1),
//   (S u, v) = int mass_factor u v + grad v . C (grad u + u grad Phi_R),
// once as kwfp evaluates it (a Trilinos CSR matrix assembled with the same
// quadrature, QGauss(degree + 2)) and once matrix-free (deal.II MatrixFree /
// FEEvaluation, sum factorization, grad Phi_R stored at the quadrature
// points), on the box [-8, 8]^d with n^d cells of Q_k, one rank. Prints the
// relative difference of the two products (round-off: the same bilinear
// form) and the time per product of each, the median of 5 batches of
// products.
//
// Build and run: bash benchmarks/matrix_free.sh (cmake target
// matrix_free_product, not built by default).
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/base/timer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/fe_q.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/lac/affine_constraints.h>
#include <deal.II/lac/la_parallel_vector.h>
#include <deal.II/lac/trilinos_sparse_matrix.h>
#include <deal.II/lac/trilinos_sparsity_pattern.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/matrix_free/fe_evaluation.h>
#include <deal.II/matrix_free/matrix_free.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <vector>

using namespace dealii;

namespace
{
  using VectorType = LinearAlgebra::distributed::Vector<double>;

  constexpr double mass_factor = 600; // 3/2 / dt at dt = 0.0025

  /// grad Phi_R of a banana-like potential (non-constant drift).
  template <int dim>
  Tensor<1, dim>
  potential_gradient(const Point<dim> &x)
  {
    Tensor<1, dim> g;
    for (int a = 0; a < dim; ++a)
      g[a] = (a + 1) * x[a] - 0.5;
    g[0] += 0.4 * x[0] * x[dim - 1];
    return g;
  }

  template <int dim>
  Tensor<2, dim>
  covariance()
  {
    Tensor<2, dim> C;
    for (int a = 0; a < dim; ++a)
      {
        C[a][a] = 0.5 + 0.1 * a;
        if (a + 1 < dim)
          C[a][a + 1] = C[a + 1][a] = 0.1;
      }
    return C;
  }

  /// Median over 5 batches of the time of one call of @p f, in ms.
  double
  median_ms(const std::function<void()> &f, const unsigned int per_batch)
  {
    std::vector<double> t;
    for (unsigned int batch = 0; batch < 5; ++batch)
      {
        Timer timer;
        for (unsigned int r = 0; r < per_batch; ++r)
          f();
        t.push_back(timer.wall_time() / per_batch * 1e3);
      }
    std::sort(t.begin(), t.end());
    return t[2];
  }

  template <int dim, int degree>
  void
  run(const unsigned int n)
  {
    constexpr int                             n_q_1d = degree + 2;
    parallel::distributed::Triangulation<dim> tria(MPI_COMM_WORLD);
    Point<dim>                                lower, upper;
    for (int a = 0; a < dim; ++a)
      {
        lower[a] = -8;
        upper[a] = 8;
      }
    GridGenerator::subdivided_hyper_rectangle(tria,
                                              std::vector<unsigned int>(dim, n),
                                              lower,
                                              upper);
    const FE_Q<dim> fe(degree);
    DoFHandler<dim> dof_handler(tria);
    dof_handler.distribute_dofs(fe);
    AffineConstraints<double> constraints;
    constraints.close();
    const Tensor<2, dim> C = covariance<dim>();

    // The assembled matrix, as kwfp's step matrix.
    TrilinosWrappers::SparsityPattern pattern(dof_handler.locally_owned_dofs(),
                                              MPI_COMM_WORLD);
    DoFTools::make_sparsity_pattern(dof_handler, pattern, constraints, false);
    pattern.compress();
    TrilinosWrappers::SparseMatrix matrix;
    matrix.reinit(pattern);
    const QGauss<dim>  quadrature(n_q_1d);
    FEValues<dim>      fe_values(fe,
                            quadrature,
                            update_values | update_gradients |
                              update_quadrature_points | update_JxW_values);
    FullMatrix<double> cell_matrix(fe.n_dofs_per_cell(), fe.n_dofs_per_cell());
    std::vector<types::global_dof_index> dofs(fe.n_dofs_per_cell());
    for (const auto &cell : dof_handler.active_cell_iterators())
      {
        fe_values.reinit(cell);
        cell_matrix = 0;
        for (const unsigned int q : fe_values.quadrature_point_indices())
          {
            const Tensor<1, dim> g =
              potential_gradient(fe_values.quadrature_point(q));
            for (const unsigned int i : fe_values.dof_indices())
              for (const unsigned int j : fe_values.dof_indices())
                cell_matrix(i, j) +=
                  (mass_factor * fe_values.shape_value(i, q) *
                     fe_values.shape_value(j, q) +
                   fe_values.shape_grad(i, q) *
                     (C * (fe_values.shape_grad(j, q) +
                           fe_values.shape_value(j, q) * g))) *
                  fe_values.JxW(q);
          }
        cell->get_dof_indices(dofs);
        constraints.distribute_local_to_global(cell_matrix, dofs, matrix);
      }
    matrix.compress(VectorOperation::add);

    // The same operator matrix-free.
    using Number = VectorizedArray<double>;
    MatrixFree<dim, double>                          matrix_free;
    typename MatrixFree<dim, double>::AdditionalData data;
    data.tasks_parallel_scheme = MatrixFree<dim, double>::AdditionalData::none;
    data.mapping_update_flags  = update_values | update_gradients |
                                update_JxW_values | update_quadrature_points;
    matrix_free.reinit(
      MappingQ1<dim>(), dof_handler, constraints, QGauss<1>(n_q_1d), data);
    FEEvaluation<dim, degree, n_q_1d>   phi(matrix_free);
    const unsigned int                  n_q = phi.n_q_points;
    std::vector<Tensor<1, dim, Number>> drift(matrix_free.n_cell_batches() *
                                              n_q);
    for (unsigned int batch = 0; batch < matrix_free.n_cell_batches(); ++batch)
      {
        phi.reinit(batch);
        for (unsigned int q = 0; q < n_q; ++q)
          {
            const Point<dim, Number> x = phi.quadrature_point(q);
            for (unsigned int lane = 0; lane < Number::size(); ++lane)
              {
                Point<dim> y;
                for (int a = 0; a < dim; ++a)
                  y[a] = x[a][lane];
                const Tensor<1, dim> g = potential_gradient(y);
                for (int a = 0; a < dim; ++a)
                  drift[batch * n_q + q][a][lane] = g[a];
              }
          }
      }
    Tensor<2, dim, Number> C_lanes;
    for (int a = 0; a < dim; ++a)
      for (int b = 0; b < dim; ++b)
        C_lanes[a][b] = C[a][b];
    const std::function<void(const MatrixFree<dim, double> &,
                             VectorType &,
                             const VectorType &,
                             const std::pair<unsigned int, unsigned int> &)>
      cell_operation = [&](const MatrixFree<dim, double>               &mf,
                           VectorType                                  &dst,
                           const VectorType                            &src,
                           const std::pair<unsigned int, unsigned int> &range) {
        FEEvaluation<dim, degree, n_q_1d> u(mf);
        for (unsigned int batch = range.first; batch < range.second; ++batch)
          {
            u.reinit(batch);
            u.gather_evaluate(src,
                              EvaluationFlags::values |
                                EvaluationFlags::gradients);
            for (unsigned int q = 0; q < n_q; ++q)
              {
                const Number value = u.get_value(q);
                u.submit_gradient(C_lanes * (u.get_gradient(q) +
                                             value * drift[batch * n_q + q]),
                                  q);
                u.submit_value(mass_factor * value, q);
              }
            u.integrate_scatter(EvaluationFlags::values |
                                  EvaluationFlags::gradients,
                                dst);
          }
      };

    VectorType src, dst;
    matrix_free.initialize_dof_vector(src);
    matrix_free.initialize_dof_vector(dst);
    TrilinosWrappers::MPI::Vector x(dof_handler.locally_owned_dofs(),
                                    MPI_COMM_WORLD);
    TrilinosWrappers::MPI::Vector y(x);
    for (unsigned int i = 0; i < src.locally_owned_size(); ++i)
      {
        src.local_element(i)      = std::sin(0.37 * i);
        x.trilinos_vector()[0][i] = src.local_element(i);
      }
    matrix_free.cell_loop(cell_operation, dst, src, true);
    matrix.vmult(y, x);
    double difference = 0, size = 0;
    for (unsigned int i = 0; i < src.locally_owned_size(); ++i)
      {
        difference =
          std::max(difference,
                   std::abs(dst.local_element(i) - y.trilinos_vector()[0][i]));
        size = std::max(size, std::abs(y.trilinos_vector()[0][i]));
      }
    AssertThrow(difference <= 1e-12 * size,
                ExcMessage("the two products differ beyond round-off"));

    const unsigned int per_batch =
      std::max(5u,
               static_cast<unsigned int>(2e7 / matrix.n_nonzero_elements()));
    const double sparse_ms = median_ms([&] { matrix.vmult(y, x); }, per_batch);
    const double free_ms =
      median_ms([&] { matrix_free.cell_loop(cell_operation, dst, src, true); },
                per_batch);
    std::cout << "| " << dim << "-D Q" << degree << ", " << n << "^" << dim
              << " cells | " << dof_handler.n_dofs() << " | "
              << matrix.n_nonzero_elements() << " | " << difference / size
              << " | " << sparse_ms << " | " << free_ms << " | "
              << free_ms / sparse_ms << " | " << Number::size() << " |"
              << std::endl;
  }
} // namespace


int
main(int argc, char **argv)
{
  Utilities::MPI::MPI_InitFinalize mpi(argc, argv, 1);
  std::cout << "| case | unknowns | nonzeros | relative difference | CSR ms | "
               "matrix-free ms | matrix-free / CSR | SIMD lanes |\n"
               "|---|---:|---:|---:|---:|---:|---:|---:|"
            << std::endl;
  run<2, 1>(256);
  run<2, 2>(64);
  run<2, 2>(128);
  run<2, 3>(86);
  run<3, 2>(32);
  return EXIT_SUCCESS;
}
