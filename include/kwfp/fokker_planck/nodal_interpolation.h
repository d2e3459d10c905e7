#ifndef kwfp_fokker_planck_nodal_interpolation_h
#define kwfp_fokker_planck_nodal_interpolation_h

#include <deal.II/base/array_view.h>
#include <deal.II/base/function.h>
#include <deal.II/base/point.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/numerics/vector_tools_interpolate.h>

namespace kwfp
{
  /**
   * Interpolate the dimension-free scalar function @p f (called with u as
   * an ArrayView of d numbers: potentials, densities) at the support
   * points of @p dof_handler into @p v (deal.II's VectorTools::interpolate
   * of a ScalarFunctionFromFunctionObject).
   */
  template <int dim, typename F>
  void
  interpolate_scalar(const dealii::DoFHandler<dim>         &dof_handler,
                     const F                               &f,
                     dealii::TrilinosWrappers::MPI::Vector &v)
  {
    const dealii::ScalarFunctionFromFunctionObject<dim> function(
      [&f](const dealii::Point<dim> &p) {
        return f(dealii::make_array_view(p.begin_raw(), p.end_raw()));
      });
    dealii::VectorTools::interpolate(dof_handler, function, v);
  }
} // namespace kwfp

#endif
