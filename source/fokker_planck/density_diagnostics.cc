#include <kwfp/base/batch_math.h>
#include <kwfp/base/errors.h>
#include <kwfp/base/vector_extremes.h>
#include <kwfp/fokker_planck/density_diagnostics.h>
#include <kwfp/fokker_planck/owned_quadrature_points.h>

#include <deal.II/base/mpi.h>
#include <deal.II/fe/fe_values.h>

#include <array>
#include <cmath>
#include <limits>
#include <sstream>

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    /// n doubles of scratch: on the stack when n is known at compile time
    /// (N > 0), so that the compiler sees that nothing else aliases them.
    template <int N>
    struct Scratch
    {
      explicit Scratch(const unsigned int)
      {}
      double *
      get()
      {
        return data.data();
      }
      std::array<double, N> data = {};
    };

    template <>
    struct Scratch<0>
    {
      explicit Scratch(const unsigned int n)
        : data(n, 0.)
      {}
      double *
      get()
      {
        return data.data();
      }
      std::vector<double> data;
    };
  } // namespace

  template <int dim>
  void
  DensityDiagnostics<dim>::reinit(const DoFHandler<dim> &dof_handler,
                                  const Quadrature<dim> &quadrature,
                                  const Potential       &potential,
                                  const MPI_Comm         communicator)
  {
    this->dof_handler  = &dof_handler;
    this->quadrature   = quadrature;
    this->communicator = communicator;
    JxW.clear();
    Phi.clear();
    point_components.clear();
    grad_Phi_components.clear();

    const FiniteElement<dim> &fe     = dof_handler.get_fe();
    const unsigned int        n_dofs = fe.n_dofs_per_cell();
    const unsigned int        n_q    = quadrature.size();
    const unsigned int        rows   = (dim + 1) * n_q;
    interpolation_table.resize(n_dofs * rows);
    for (unsigned int i = 0; i < n_dofs; ++i)
      for (unsigned int q = 0; q < n_q; ++q)
        {
          interpolation_table[i * rows + q] =
            fe.shape_value(i, quadrature.point(q));
          const Tensor<1, dim> gradient = fe.shape_grad(i, quadrature.point(q));
          for (unsigned int b = 0; b < dim; ++b)
            interpolation_table[i * rows + (b + 1) * n_q + q] = gradient[b];
        }
    inverse_jacobians.clear();
    cell_dofs.clear();
    cell_lids.clear();
    lid_map.reset();
    // One inverse Jacobian per cell while every cell is a parallelogram;
    // at the first that is not, one per point for all cells.
    affine_cells = true;

    FEValues<dim>                        fe_values(fe,
                            quadrature,
                            update_quadrature_points | update_JxW_values |
                              update_inverse_jacobians);
    std::vector<types::global_dof_index> dofs(n_dofs);
    std::vector<double>                  first_bad_point;
    // Phi_R and grad Phi_R at all the quadrature points of the rank's
    // cells in one batch (one call of an external forward model per mesh)
    const DenseMatrix all_points =
      owned_quadrature_points(dof_handler, quadrature);
    DenseMatrix         all_gradients;
    std::vector<double> all_values;
    potential.values_and_gradients(all_points, all_values, all_gradients);
    unsigned int point_row = 0;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          cell->get_dof_indices(dofs);
          cell_dofs.insert(cell_dofs.end(), dofs.begin(), dofs.end());
          const Tensor<2, dim> first  = fe_values.inverse_jacobian(0);
          bool                 affine = true;
          for (const unsigned int q : fe_values.quadrature_point_indices())
            affine =
              affine &&
              (Tensor<2, dim>(fe_values.inverse_jacobian(q)) - first).norm() <=
                1e-12 * first.norm();
          if (affine_cells && !affine)
            {
              std::vector<Tensor<2, dim>> per_point;
              per_point.reserve(inverse_jacobians.size() * n_q);
              for (const auto &inverse : inverse_jacobians)
                per_point.insert(per_point.end(), n_q, inverse);
              inverse_jacobians = std::move(per_point);
              affine_cells      = false;
            }
          if (affine_cells)
            inverse_jacobians.push_back(first);
          else
            for (const unsigned int q : fe_values.quadrature_point_indices())
              inverse_jacobians.push_back(fe_values.inverse_jacobian(q));
          std::vector<double> cell_points(dim * n_q), cell_gradients(dim * n_q);
          for (const unsigned int q : fe_values.quadrature_point_indices())
            {
              const Point<dim> &u      = fe_values.quadrature_point(q);
              const double      value  = all_values[point_row];
              bool              finite = std::isfinite(value);
              for (unsigned int a = 0; a < dim; ++a)
                {
                  cell_points[a * n_q + q]    = u[a];
                  cell_gradients[a * n_q + q] = all_gradients(point_row, a);
                  finite = finite && std::isfinite(all_gradients(point_row, a));
                }
              ++point_row;
              if (!finite && first_bad_point.empty())
                first_bad_point.assign(u.begin_raw(), u.end_raw());
              JxW.push_back(fe_values.JxW(q));
              Phi.push_back(value);
            }
          point_components.insert(point_components.end(),
                                  cell_points.begin(),
                                  cell_points.end());
          grad_Phi_components.insert(grad_Phi_components.end(),
                                     cell_gradients.begin(),
                                     cell_gradients.end());
        }
    // Collective finiteness check: every rank throws the same error.
    const auto bad_points =
      Utilities::MPI::all_gather(communicator, first_bad_point);
    for (const auto &p : bad_points)
      if (!p.empty())
        throw InputError("Potential",
                         "Phi_R or its gradient is not finite at u = " +
                           format_point(p) +
                           "; check the expression (e.g. a division by "
                           "zero) or the box");

    const double Phi_min = Utilities::MPI::min(local_min(Phi), communicator);
    double       local_Z = 0;
    for (unsigned int k = 0; k < Phi.size(); ++k)
      local_Z += std::exp(-(Phi[k] - Phi_min)) * JxW[k];
    log_Z = -Phi_min + std::log(Utilities::MPI::sum(local_Z, communicator));
    stationary = stationary_values();
  }


  template <int dim>
  double
  DensityDiagnostics<dim>::log_normalization() const
  {
    return log_Z;
  }


  template <int dim>
  const double *
  DensityDiagnostics<dim>::local_values(
    const TrilinosWrappers::MPI::Vector &density) const
  {
    // Local indices into the ghosted vector, recomputed when its layout
    // changes (lid_map holds a reference to the old layout, so a new one
    // cannot reuse its address).
    const Epetra_BlockMap &map = density.trilinos_partitioner();
    if (!lid_map || lid_map->DataPtr() != map.DataPtr())
      {
        cell_lids.resize(cell_dofs.size());
        for (std::size_t j = 0; j < cell_dofs.size(); ++j)
          {
            cell_lids[j] = map.LID(
              static_cast<TrilinosWrappers::types::int_type>(cell_dofs[j]));
            AssertThrow(cell_lids[j] >= 0,
                        ExcMessage("DensityDiagnostics needs the density "
                                   "with the ghost entries of its cells"));
          }
        lid_map = std::make_unique<Epetra_BlockMap>(map);
      }
    return density.trilinos_vector()[0];
  }


  template <int dim>
  template <int n_q_static, int n_dofs_static>
  inline void
  DensityDiagnostics<dim>::interpolate(const std::size_t   c,
                                       const double *const values,
                                       const bool          gradients,
                                       double *const       reference,
                                       double *const       grad) const
  {
    const unsigned int n_q  = n_q_static > 0 ? n_q_static : quadrature.size();
    const unsigned int rows = (dim + 1) * n_q;
    const unsigned int n_dofs =
      n_dofs_static > 0 ? n_dofs_static : interpolation_table.size() / rows;
    const unsigned int n_rows = gradients ? rows : n_q;
    // rho and its reference gradient at every point: one pass over the
    // cell's dofs, each adding its column of the table (contiguous, so the
    // loop over the points vectorizes).
    const int *const lids = &cell_lids[c * n_dofs];
    for (unsigned int j = 0; j < n_rows; ++j)
      reference[j] = 0;
    for (unsigned int i = 0; i < n_dofs; ++i)
      {
        const double        v   = values[lids[i]];
        const double *const phi = &interpolation_table[i * rows];
        for (unsigned int j = 0; j < n_rows; ++j)
          reference[j] += v * phi[j];
      }
    if (!gradients)
      return;
    // grad_a = sum_b (d rho / d x_ref_b) (d x_ref_b / d x_a)
    for (unsigned int a = 0; a < dim; ++a)
      {
        double *const g = &grad[a * n_q];
        if (affine_cells)
          {
            const Tensor<2, dim> &inverse = inverse_jacobians[c];
            for (unsigned int q = 0; q < n_q; ++q)
              g[q] = 0;
            for (unsigned int b = 0; b < dim; ++b)
              {
                const double        factor = inverse[b][a];
                const double *const d      = &reference[(b + 1) * n_q];
                for (unsigned int q = 0; q < n_q; ++q)
                  g[q] += factor * d[q];
              }
          }
        else
          for (unsigned int q = 0; q < n_q; ++q)
            {
              const Tensor<2, dim> &inverse = inverse_jacobians[c * n_q + q];
              double                sum     = 0;
              for (unsigned int b = 0; b < dim; ++b)
                sum += reference[(b + 1) * n_q + q] * inverse[b][a];
              g[q] = sum;
            }
      }
  }


  template <int dim>
  template <int n_q_static, int n_dofs_static>
  KWFP_VECTOR_CLONES void
  DensityDiagnostics<dim>::sum_functionals(
    const TrilinosWrappers::MPI::Vector &density,
    const DenseMatrix                   &C,
    const double                         max_density,
    const std::optional<Gaussian>       &exact,
    double (&sums)[5]) const
  {
    const unsigned int n_q = n_q_static > 0 ? n_q_static : quadrature.size();
    double             C_ab[dim][dim];
    for (unsigned int a = 0; a < dim; ++a)
      for (unsigned int b = 0; b < dim; ++b)
        C_ab[a][b] = C(a, b);
    const double floor = fisher_floor * max_density;

    // The exact Gaussian N(m, S) inline: ln N = ln_N0 - 1/2 |u - m|^2_S.
    double exact_mean[dim] = {}, exact_precision[dim][dim] = {},
           exact_log_N0 = 0;
    if (exact)
      {
        for (unsigned int a = 0; a < dim; ++a)
          {
            exact_mean[a] = exact->mean()[a];
            for (unsigned int b = 0; b < dim; ++b)
              exact_precision[a][b] = exact->precision()(a, b);
          }
        exact_log_N0 = exact->log_normalization_constant();
      }

    // Per cell: the logarithms of the density and the exact density's
    // exponents in two batches (batch_math.h), then the integrands added to
    // one partial sum per point index q of the cell (kl, fisher, l1, l2^2,
    // l1 to rho_inf), summed over q at the end: every loop over q is
    // elementwise and vectorizes.
    constexpr int                 q_static = n_q_static;
    Scratch<5 * q_static>         partial_scratch(5 * n_q);
    Scratch<q_static>             log_r_scratch(n_q), e_scratch(n_q);
    Scratch<dim * q_static>       d_scratch(dim * n_q), grad_scratch(dim * n_q);
    Scratch<(dim + 1) * q_static> reference_scratch((dim + 1) * n_q);
    double *const                 partial = partial_scratch.get(),
                  *const          log_r   = log_r_scratch.get(),
                  *const e = e_scratch.get(), *const d = d_scratch.get(),
                  *const grad_r    = grad_scratch.get(),
                  *const reference = reference_scratch.get();
    double *const kl = &partial[0], *const fisher = &partial[n_q],
                  *const l1 = &partial[2 * n_q], *const l2 = &partial[3 * n_q],
                  *const l1_stationary = &partial[4 * n_q];
    const double *const  values        = local_values(density);
    const std::size_t    n_cells       = JxW.size() / n_q;
    const double *const  r             = reference;
    for (std::size_t c = 0; c < n_cells; ++c)
      {
        interpolate<n_q_static, n_dofs_static>(
          c, values, true, reference, grad_r);
        const std::size_t   k0       = c * n_q;
        const double *const w        = &JxW[k0];
        const double *const phi      = &Phi[k0];
        const double *const rho_inf  = &stationary[k0];
        const double *const grad_Phi = &grad_Phi_components[c * dim * n_q];
        for (unsigned int q = 0; q < n_q; ++q)
          log_r[q] = r[q] > 0 ? r[q] : 1.;
        log_in_place(log_r, n_q);
        for (unsigned int q = 0; q < n_q; ++q)
          {
            kl[q] +=
              (r[q] > 0 ? r[q] * (log_r[q] + phi[q] + log_Z) : 0.) * w[q];
            l1_stationary[q] += std::abs(r[q] - rho_inf[q]) * w[q];
          }
        // I_C: J^T C J / rho with J = grad rho + rho grad Phi_R.
        for (unsigned int a = 0; a < dim; ++a)
          for (unsigned int q = 0; q < n_q; ++q)
            d[a * n_q + q] = grad_r[a * n_q + q] + r[q] * grad_Phi[a * n_q + q];
        for (unsigned int q = 0; q < n_q; ++q)
          {
            double quadratic = 0;
            for (unsigned int a = 0; a < dim; ++a)
              for (unsigned int b = 0; b < dim; ++b)
                quadratic += d[a * n_q + q] * C_ab[a][b] * d[b * n_q + q];
            const bool   counted = r[q] > floor;
            const double divisor = counted ? r[q] : 1.;
            fisher[q] += (counted ? quadratic / divisor : 0.) * w[q];
          }
        if (exact)
          {
            const double *const u = &point_components[c * dim * n_q];
            for (unsigned int a = 0; a < dim; ++a)
              for (unsigned int q = 0; q < n_q; ++q)
                d[a * n_q + q] = u[a * n_q + q] - exact_mean[a];
            for (unsigned int q = 0; q < n_q; ++q)
              {
                double quadratic = 0;
                for (unsigned int a = 0; a < dim; ++a)
                  for (unsigned int b = 0; b < dim; ++b)
                    quadratic +=
                      d[a * n_q + q] * exact_precision[a][b] * d[b * n_q + q];
                e[q] = exact_log_N0 - 0.5 * quadratic;
              }
            exp_in_place(e, n_q);
            for (unsigned int q = 0; q < n_q; ++q)
              {
                const double difference = r[q] - e[q];
                l1[q] += std::abs(difference) * w[q];
                l2[q] += difference * difference * w[q];
              }
          }
      }
    for (unsigned int j = 0; j < 5; ++j)
      {
        sums[j] = 0;
        for (unsigned int q = 0; q < n_q; ++q)
          sums[j] += partial[j * n_q + q];
      }
  }


  template <int dim>
  DensityFunctionals
  DensityDiagnostics<dim>::evaluate(
    const TrilinosWrappers::MPI::Vector &density,
    const DenseMatrix                   &C,
    const double                         max_density,
    const std::optional<Gaussian>       &exact) const
  {
    AssertDimension(C.m(), dim);
    AssertDimension(C.n(), dim);
    // kl, fisher, l1, l2^2, l1 to rho_inf; the usual Gauss rules of degree
    // + 2 points per direction with the loops over the points unrolled.
    double             local[5];
    const unsigned int n_q    = quadrature.size();
    const unsigned int n_dofs = interpolation_table.size() / ((dim + 1) * n_q);
    constexpr int      q1 = Utilities::pow(3, dim), q2 = Utilities::pow(4, dim),
                  q3 = Utilities::pow(5, dim);
    constexpr int n1 = Utilities::pow(2, dim), n2 = q1, n3 = q2;
    if (n_q == q1 && n_dofs == n1)
      sum_functionals<q1, n1>(density, C, max_density, exact, local);
    else if (n_q == q2 && n_dofs == n2)
      sum_functionals<q2, n2>(density, C, max_density, exact, local);
    else if (n_q == q3 && n_dofs == n3)
      sum_functionals<q3, n3>(density, C, max_density, exact, local);
    else
      sum_functionals<0, 0>(density, C, max_density, exact, local);
    double global[5];
    Utilities::MPI::sum(local, communicator, global);
    DensityFunctionals f;
    f.kl            = global[0];
    f.kalman_fisher = global[1];
    f.l1_error      = global[2];
    f.l2_error      = std::sqrt(global[3]);
    f.l1_stationary = global[4];
    return f;
  }


  template <int dim>
  double
  DensityDiagnostics<dim>::coordinate(const std::size_t  k,
                                      const unsigned int a) const
  {
    const std::size_t n_q = quadrature.size();
    return point_components[(k / n_q * dim + a) * n_q + k % n_q];
  }


  template <int dim>
  std::vector<Point<dim>>
  DensityDiagnostics<dim>::quadrature_points() const
  {
    std::vector<Point<dim>> all(JxW.size());
    for (std::size_t k = 0; k < all.size(); ++k)
      for (unsigned int a = 0; a < dim; ++a)
        all[k][a] = coordinate(k, a);
    return all;
  }


  template <int dim>
  const std::vector<double> &
  DensityDiagnostics<dim>::quadrature_weights() const
  {
    return JxW;
  }


  template <int dim>
  std::vector<double>
  DensityDiagnostics<dim>::stationary_values() const
  {
    std::vector<double> values(Phi.size());
    for (std::size_t k = 0; k < Phi.size(); ++k)
      values[k] = std::exp(-Phi[k] - log_Z);
    return values;
  }


  template <int dim>
  void
  DensityDiagnostics<dim>::stationary_moments(double      &mass,
                                              DenseVector &mean,
                                              DenseMatrix &covariance) const
  {
    std::vector<double> local(dim + 1, 0.), global(dim + 1);
    for (std::size_t k = 0; k < JxW.size(); ++k)
      {
        local[0] += stationary[k] * JxW[k];
        for (unsigned int a = 0; a < dim; ++a)
          local[a + 1] += stationary[k] * coordinate(k, a) * JxW[k];
      }
    Utilities::MPI::sum(local, communicator, global);
    mass = global[0];
    mean.reinit(dim);
    for (unsigned int a = 0; a < dim; ++a)
      mean[a] = global[a + 1] / mass;
    std::vector<double> second(dim * dim, 0.), all(dim * dim);
    for (std::size_t k = 0; k < JxW.size(); ++k)
      for (unsigned int a = 0; a < dim; ++a)
        for (unsigned int b = 0; b < dim; ++b)
          second[a * dim + b] += stationary[k] * (coordinate(k, a) - mean[a]) *
                                 (coordinate(k, b) - mean[b]) * JxW[k];
    Utilities::MPI::sum(second, communicator, all);
    covariance.reinit(dim, dim);
    for (unsigned int a = 0; a < dim; ++a)
      for (unsigned int b = 0; b < dim; ++b)
        covariance(a, b) = all[a * dim + b] / mass;
  }


  template <int dim>
  std::vector<double>
  DensityDiagnostics<dim>::values(
    const TrilinosWrappers::MPI::Vector &density) const
  {
    const unsigned int  n_q    = quadrature.size();
    const double *const values = local_values(density);
    std::vector<double> all(JxW.size());
    for (std::size_t c = 0; c < JxW.size() / n_q; ++c)
      interpolate<0, 0>(c, values, false, &all[c * n_q], nullptr);
    return all;
  }


  template class DensityDiagnostics<1>;
  template class DensityDiagnostics<2>;
  template class DensityDiagnostics<3>;
} // namespace kwfp
