#ifndef kwfp_fokker_planck_owned_quadrature_points_h
#define kwfp_fokker_planck_owned_quadrature_points_h

#include <kwfp/base/dense_algebra.h>

#include <deal.II/base/quadrature.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/fe/fe_values.h>

namespace kwfp
{
  /**
   * The points of @p quadrature on the locally owned cells of
   * @p dof_handler, one row each, cell after cell in the order of
   * active_cell_iterators() (n_cells n_q x dim): the batch in which Phi_R
   * and grad Phi_R are evaluated once per mesh (one call of an external
   * forward model, doc/external_forward_model.md).
   */
  template <int dim>
  DenseMatrix
  owned_quadrature_points(const dealii::DoFHandler<dim> &dof_handler,
                          const dealii::Quadrature<dim> &quadrature)
  {
    unsigned int n_cells = 0;
    for (const auto &cell : dof_handler.active_cell_iterators())
      n_cells += cell->is_locally_owned();
    DenseMatrix           points(n_cells * quadrature.size(), dim);
    dealii::FEValues<dim> values(dof_handler.get_fe(),
                                 quadrature,
                                 dealii::update_quadrature_points);
    unsigned int          row = 0;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          values.reinit(cell);
          for (const unsigned int q : values.quadrature_point_indices())
            {
              for (unsigned int a = 0; a < dim; ++a)
                points(row, a) = values.quadrature_point(q)[a];
              ++row;
            }
        }
    return points;
  }
} // namespace kwfp

#endif
