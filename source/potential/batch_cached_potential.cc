#include <kwfp/potential/batch_cached_potential.h>

#include <algorithm>

namespace kwfp
{
  BatchCachedPotential::BatchCachedPotential(const Potential &potential)
    : potential(potential)
  {}


  bool
  BatchCachedPotential::is_cached(const DenseMatrix &points) const
  {
    return cached && points.m() == cached_points.m() &&
           points.n() == cached_points.n() &&
           (points.m() == 0 ||
            std::equal(&points(0, 0),
                       &points(0, 0) + points.m() * points.n(),
                       &cached_points(0, 0)));
  }


  void
  BatchCachedPotential::gradients(const DenseMatrix &points,
                                  DenseMatrix       &gradients) const
  {
    if (is_cached(points))
      gradients = cached_gradients;
    else
      potential.gradients(points, gradients);
  }


  void
  BatchCachedPotential::values(const DenseMatrix   &points,
                               std::vector<double> &values) const
  {
    if (is_cached(points))
      values = cached_values;
    else
      potential.values(points, values);
  }


  void
  BatchCachedPotential::values_and_gradients(const DenseMatrix   &points,
                                             std::vector<double> &values,
                                             DenseMatrix &gradients) const
  {
    if (!is_cached(points))
      {
        potential.values_and_gradients(points, cached_values, cached_gradients);
        cached_points = points;
        cached        = true;
      }
    values    = cached_values;
    gradients = cached_gradients;
  }
} // namespace kwfp
