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

    FEValues<dim>       fe_values(dof_handler.get_fe(),
                            quadrature,
                            update_quadrature_points | update_JxW_values);
    std::vector<double> g(dim);
    std::vector<double> first_bad_point;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
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
  DensityFunctionals
  DensityDiagnostics<dim>::evaluate(
    const TrilinosWrappers::MPI::Vector &density,
    const DenseMatrix                   &C,
    const double                         max_density,
    const std::optional<Gaussian>       &exact) const
  {
    FEValues<dim>               fe_values(dof_handler->get_fe(),
                            quadrature,
                            update_values | update_gradients);
    const unsigned int          n_q = quadrature.size();
    std::vector<double>         rho(n_q);
    std::vector<Tensor<1, dim>> grad_rho(n_q);
    Tensor<2, dim>              C_tensor;
    for (unsigned int a = 0; a < dim; ++a)
      for (unsigned int b = 0; b < dim; ++b)
        C_tensor[a][b] = C(a, b);
    const double floor = fisher_floor * max_density;

    // kl, fisher, l1, l2^2, l1 to rho_inf
    std::vector<double> local(5, 0.0);
    std::size_t         k = 0;
    for (const auto &cell : dof_handler->active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(density, rho);
          fe_values.get_function_gradients(density, grad_rho);
          for (unsigned int q = 0; q < n_q; ++q, ++k)
            {
              const double r = rho[q];
              if (r > 0)
                local[0] += r * (std::log(r) + Phi[k] + log_Z) * JxW[k];
              local[4] += std::abs(r - stationary[k]) * JxW[k];
              if (r > floor)
                {
                  const Tensor<1, dim> J = grad_rho[q] + r * grad_Phi[k];
                  local[1] += (J * (C_tensor * J)) / r * JxW[k];
                }
              if (exact)
                {
                  const double e =
                    exact->density(make_array_view(points[k].begin_raw(),
                                                   points[k].end_raw()));
                  local[2] += std::abs(r - e) * JxW[k];
                  local[3] += (r - e) * (r - e) * JxW[k];
                }
            }
        }
    std::vector<double> global(5);
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
    FEValues<dim> fe_values(dof_handler->get_fe(), quadrature, update_values);
    std::vector<double> rho(quadrature.size()), all;
    all.reserve(points.size());
    for (const auto &cell : dof_handler->active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          fe_values.get_function_values(density, rho);
          all.insert(all.end(), rho.begin(), rho.end());
        }
    return all;
  }


  template class DensityDiagnostics<1>;
  template class DensityDiagnostics<2>;
  template class DensityDiagnostics<3>;
} // namespace kwfp
