#include <kwfp/base/batch_math.h>
#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/density_diagnostics.h>

#include <deal.II/base/mpi.h>
#include <deal.II/fe/fe_values.h>

#include <cmath>
#include <limits>
#include <sstream>

namespace kwfp
{
  using namespace dealii;

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
    points.clear();
    JxW.clear();
    Phi.clear();
    grad_Phi.clear();

    const FiniteElement<dim> &fe     = dof_handler.get_fe();
    const unsigned int        n_dofs = fe.n_dofs_per_cell();
    const unsigned int        n_q    = quadrature.size();
    shape_values.resize(n_q * n_dofs);
    reference_gradients.resize(n_q * n_dofs);
    for (unsigned int q = 0; q < n_q; ++q)
      for (unsigned int i = 0; i < n_dofs; ++i)
        {
          shape_values[q * n_dofs + i] = fe.shape_value(i, quadrature.point(q));
          reference_gradients[q * n_dofs + i] =
            fe.shape_grad(i, quadrature.point(q));
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
    std::vector<double>                  g(dim);
    std::vector<double>                  first_bad_point;
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
          for (const unsigned int q : fe_values.quadrature_point_indices())
            {
              const Point<dim> &u = fe_values.quadrature_point(q);
              const auto   view   = make_array_view(u.begin_raw(), u.end_raw());
              const double value  = potential.value(view);
              potential.gradient(view, make_array_view(g));
              Tensor<1, dim> grad;
              bool           finite = std::isfinite(value);
              for (unsigned int a = 0; a < dim; ++a)
                {
                  grad[a] = g[a];
                  finite  = finite && std::isfinite(g[a]);
                }
              if (!finite && first_bad_point.empty())
                first_bad_point.assign(u.begin_raw(), u.end_raw());
              points.push_back(u);
              JxW.push_back(fe_values.JxW(q));
              Phi.push_back(value);
              grad_Phi.push_back(grad);
            }
        }
    // Collective finiteness check: every rank throws the same error.
    const auto bad_points =
      Utilities::MPI::all_gather(communicator, first_bad_point);
    for (const auto &p : bad_points)
      if (!p.empty())
        {
          std::ostringstream where;
          for (unsigned int a = 0; a < p.size(); ++a)
            where << (a ? ", " : "") << p[a];
          throw InputError("Potential",
                           "Phi_R or its gradient is not finite at u = (" +
                             where.str() +
                             "); check the expression (e.g. a division by "
                             "zero) or the box");
        }

    double local_min = std::numeric_limits<double>::max();
    for (const double v : Phi)
      local_min = std::min(local_min, v);
    const double Phi_min = Utilities::MPI::min(local_min, communicator);
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
  template <typename CellFunction>
  void
  DensityDiagnostics<dim>::for_each_cell(
    const TrilinosWrappers::MPI::Vector &density,
    const bool                           gradients,
    const CellFunction                  &f) const
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
    const double *const values = density.trilinos_vector()[0];

    const unsigned int          n_q     = quadrature.size();
    const unsigned int          n_dofs  = shape_values.size() / n_q;
    const std::size_t           n_cells = cell_dofs.size() / n_dofs;
    std::vector<double>         local(n_dofs);
    std::vector<double>         r_q(n_q);
    std::vector<Tensor<1, dim>> grad_q(n_q);
    std::size_t                 k = 0;
    for (std::size_t c = 0; c < n_cells; ++c)
      {
        const std::size_t k0 = k;
        for (unsigned int i = 0; i < n_dofs; ++i)
          local[i] = values[cell_lids[c * n_dofs + i]];
        for (unsigned int q = 0; q < n_q; ++q, ++k)
          {
            const double *phi = &shape_values[q * n_dofs];
            double        r   = 0;
            for (unsigned int i = 0; i < n_dofs; ++i)
              r += phi[i] * local[i];
            r_q[q] = r;
            if (gradients)
              {
                const Tensor<1, dim> *dphi = &reference_gradients[q * n_dofs];
                Tensor<1, dim>        reference;
                for (unsigned int i = 0; i < n_dofs; ++i)
                  reference += local[i] * dphi[i];
                // grad_a = sum_b (d rho / d x_ref_b) (d x_ref_b / d x_a)
                grad_q[q] = reference * inverse_jacobians[affine_cells ? c : k];
              }
          }
        f(k0, r_q, grad_q);
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
    Tensor<2, dim> C_tensor;
    for (unsigned int a = 0; a < dim; ++a)
      for (unsigned int b = 0; b < dim; ++b)
        C_tensor[a][b] = C(a, b);
    const double floor = fisher_floor * max_density;

    // The exact Gaussian N(m, S) inline: ln N = ln_N0 - 1/2 |u - m|^2_S.
    Point<dim>     exact_mean;
    Tensor<2, dim> exact_precision;
    double         exact_log_N0 = 0;
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

    // kl, fisher, l1, l2^2, l1 to rho_inf. Per cell: the logarithms of the
    // density and the exact density's exponents in two batches
    // (batch_math.h), then the sums point by point in order.
    double              local[5] = {0, 0, 0, 0, 0};
    std::vector<double> log_r(quadrature.size()), e(quadrature.size());
    for_each_cell(
      density,
      true,
      [&](const std::size_t                  k0,
          const std::vector<double>         &r,
          const std::vector<Tensor<1, dim>> &grad_r) {
        const unsigned int n_q = r.size();
        for (unsigned int q = 0; q < n_q; ++q)
          log_r[q] = r[q] > 0 ? r[q] : 1.;
        log_in_place(log_r.data(), n_q);
        if (exact)
          {
            for (unsigned int q = 0; q < n_q; ++q)
              {
                const Tensor<1, dim> d = points[k0 + q] - exact_mean;
                e[q] = exact_log_N0 - 0.5 * (d * (exact_precision * d));
              }
            exp_in_place(e.data(), n_q);
          }
        for (unsigned int q = 0; q < n_q; ++q)
          {
            const std::size_t k = k0 + q;
            if (r[q] > 0)
              local[0] += r[q] * (log_r[q] + Phi[k] + log_Z) * JxW[k];
            local[4] += std::abs(r[q] - stationary[k]) * JxW[k];
            if (r[q] > floor)
              {
                const Tensor<1, dim> J = grad_r[q] + r[q] * grad_Phi[k];
                local[1] += (J * (C_tensor * J)) / r[q] * JxW[k];
              }
            if (exact)
              {
                local[2] += std::abs(r[q] - e[q]) * JxW[k];
                local[3] += (r[q] - e[q]) * (r[q] - e[q]) * JxW[k];
              }
          }
      });
    double global[5];
    Utilities::MPI::sum(local, communicator, global);
    DensityFunctionals f;
    f.kl            = global[0];
    f.kalman_fisher = global[1];
    f.l1_stationary = global[4];
    f.l1_error      = global[2];
    f.l2_error      = std::sqrt(global[3]);
    return f;
  }


  template <int dim>
  const std::vector<Point<dim>> &
  DensityDiagnostics<dim>::quadrature_points() const
  {
    return points;
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
    for (std::size_t k = 0; k < points.size(); ++k)
      {
        local[0] += stationary[k] * JxW[k];
        for (unsigned int a = 0; a < dim; ++a)
          local[a + 1] += stationary[k] * points[k][a] * JxW[k];
      }
    Utilities::MPI::sum(local, communicator, global);
    mass = global[0];
    mean.reinit(dim);
    for (unsigned int a = 0; a < dim; ++a)
      mean[a] = global[a + 1] / mass;
    std::vector<double> second(dim * dim, 0.), all(dim * dim);
    for (std::size_t k = 0; k < points.size(); ++k)
      for (unsigned int a = 0; a < dim; ++a)
        for (unsigned int b = 0; b < dim; ++b)
          second[a * dim + b] += stationary[k] * (points[k][a] - mean[a]) *
                                 (points[k][b] - mean[b]) * JxW[k];
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
    std::vector<double> all(points.size());
    for_each_cell(density,
                  false,
                  [&](const std::size_t          k0,
                      const std::vector<double> &r,
                      const std::vector<Tensor<1, dim>> &) {
                    std::copy(r.begin(), r.end(), all.begin() + k0);
                  });
    return all;
  }


  template class DensityDiagnostics<1>;
  template class DensityDiagnostics<2>;
  template class DensityDiagnostics<3>;
} // namespace kwfp
