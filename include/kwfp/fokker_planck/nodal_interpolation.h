#ifndef kwfp_fokker_planck_nodal_interpolation_h
#define kwfp_fokker_planck_nodal_interpolation_h

#include <kwfp/base/dense_algebra.h>

#include <deal.II/base/array_view.h>
#include <deal.II/base/function.h>
#include <deal.II/base/point.h>
#include <deal.II/dofs/dof_handler.h>
#include <deal.II/lac/trilinos_vector.h>
#include <deal.II/numerics/vector_tools_interpolate.h>

#include <array>
#include <map>
#include <vector>

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


  /**
   * As interpolate_scalar(), for a function evaluated at many points at
   * once: @p batch(points, values) fills values[j] for row j of points
   * (n x dim); it is called once, for the support points of the rank's
   * cells (Potential::values(): one call of an external forward model).
   * The points are those VectorTools::interpolate() asks for (a first
   * pass records them), so the result is the same as interpolate_scalar()
   * of the function point by point.
   */
  template <int dim, typename Batch>
  void
  interpolate_scalar_batch(const dealii::DoFHandler<dim>         &dof_handler,
                           const Batch                           &batch,
                           dealii::TrilinosWrappers::MPI::Vector &v)
  {
    using Key = std::array<double, dim>;
    std::map<Key, unsigned int> index;
    std::vector<Key>            points;
    const auto key = [](const dealii::ArrayView<const double> &u) {
      Key k;
      for (int a = 0; a < dim; ++a)
        k[a] = u[a];
      return k;
    };
    interpolate_scalar(
      dof_handler,
      [&](const dealii::ArrayView<const double> &u) {
        const Key k = key(u);
        if (index.emplace(k, points.size()).second)
          points.push_back(k);
        return 0.0;
      },
      v);
    DenseMatrix all(points.size(), dim);
    for (unsigned int j = 0; j < points.size(); ++j)
      for (int a = 0; a < dim; ++a)
        all(j, a) = points[j][a];
    std::vector<double> values;
    batch(all, values);
    interpolate_scalar(
      dof_handler,
      [&](const dealii::ArrayView<const double> &u) {
        return values[index.at(key(u))];
      },
      v);
  }
} // namespace kwfp

#endif
