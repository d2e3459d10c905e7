#include <kwfp/base/compensated_sum.h>
#include <kwfp/fokker_planck/moments.h>

#include <deal.II/base/mpi.h>
#include <deal.II/fe/fe_values.h>
#include <deal.II/lac/trilinos_vector.h>

namespace kwfp
{
  using namespace dealii;

  template <int dim>
  void
  MomentFunctionals<dim>::reinit(const DoFHandler<dim> &dof_handler,
                                 const Quadrature<dim> &quadrature,
                                 const Point<dim>      &center,
                                 const MPI_Comm         communicator)
  {
    this->center                     = center;
    this->communicator               = communicator;
    const unsigned int n_functionals = 1 + dim + dim * (dim + 1) / 2;
    const IndexSet     owned         = dof_handler.locally_owned_dofs();

    std::vector<TrilinosWrappers::MPI::Vector> w(n_functionals);
    for (auto &v : w)
      v.reinit(owned, communicator);

    FEValues<dim>      fe_values(dof_handler.get_fe(),
                            quadrature,
                            update_values | update_quadrature_points |
                              update_JxW_values);
    const unsigned int n_dofs = dof_handler.get_fe().n_dofs_per_cell();
    std::vector<types::global_dof_index> dof_indices(n_dofs);
    std::vector<Vector<double>> local(n_functionals, Vector<double>(n_dofs));
    std::vector<double>         f(n_functionals);

    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          fe_values.reinit(cell);
          for (auto &l : local)
            l = 0;
          for (const unsigned int q : fe_values.quadrature_point_indices())
            {
              const Tensor<1, dim> x = fe_values.quadrature_point(q) - center;
              unsigned int         k = 0;
              f[k++]                 = 1;
              for (unsigned int a = 0; a < dim; ++a)
                f[k++] = x[a];
              for (unsigned int a = 0; a < dim; ++a)
                for (unsigned int b = a; b < dim; ++b)
                  f[k++] = x[a] * x[b];
              for (unsigned int i = 0; i < n_dofs; ++i)
                {
                  const double phi_JxW =
                    fe_values.shape_value(i, q) * fe_values.JxW(q);
                  for (unsigned int k = 0; k < n_functionals; ++k)
                    local[k][i] += f[k] * phi_JxW;
                }
            }
          cell->get_dof_indices(dof_indices);
          for (unsigned int k = 0; k < n_functionals; ++k)
            w[k].add(dof_indices, local[k]);
        }

    weights.assign(n_functionals, {});
    for (unsigned int k = 0; k < n_functionals; ++k)
      {
        w[k].compress(VectorOperation::add);
        weights[k].assign(w[k].begin(), w[k].end());
      }
  }


  template <int dim>
  double
  MomentFunctionals<dim>::mass(
    const TrilinosWrappers::MPI::Vector &density) const
  {
    double            local = 0;
    const double     *rho   = density.begin();
    const std::size_t n     = weights[0].size();
    // the weights belong to the mesh of the density
    AssertDimension(density.locally_owned_size(), n);
    for (std::size_t i = 0; i < n; ++i)
      local += weights[0][i] * rho[i];
    return Utilities::MPI::sum(local, communicator);
  }


  template <int dim>
  Moments
  MomentFunctionals<dim>::compute(
    const TrilinosWrappers::MPI::Vector &density) const
  {
    const std::size_t n   = weights[0].size();
    const double     *rho = density.begin();
    AssertDimension(density.locally_owned_size(), n);
    std::vector<double> local(weights.size(), 0.0);
    for (unsigned int k = 0; k < weights.size(); ++k)
      {
        // compensated: the mass and moments hardly depend on the partition
        local[k] = compensated_dot(weights[k].data(), rho, n);
      }
    std::vector<double> global(local.size());
    Utilities::MPI::sum(local, communicator, global);

    Moments moments;
    moments.mass = global[0];
    moments.mean.reinit(dim);
    moments.covariance.reinit(dim, dim);
    unsigned int k = 1;
    for (unsigned int a = 0; a < dim; ++a)
      moments.mean[a] = global[k++] / moments.mass;
    for (unsigned int a = 0; a < dim; ++a)
      for (unsigned int b = a; b < dim; ++b)
        moments.covariance(a, b) = moments.covariance(b, a) =
          global[k++] / moments.mass - moments.mean[a] * moments.mean[b];
    for (unsigned int a = 0; a < dim; ++a)
      moments.mean[a] += center[a];
    return moments;
  }


  template class MomentFunctionals<1>;
  template class MomentFunctionals<2>;
  template class MomentFunctionals<3>;
} // namespace kwfp
