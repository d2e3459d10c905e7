#ifndef kwfp_base_vector_extremes_h
#define kwfp_base_vector_extremes_h

#include <algorithm>
#include <limits>

namespace kwfp
{
  /// The smallest locally stored entry of @p v (the largest double if none):
  /// one rank's part, for reductions that combine several of them.
  template <class VectorType>
  double
  local_min(const VectorType &v)
  {
    double m = std::numeric_limits<double>::max();
    for (const double x : v)
      m = std::min(m, x);
    return m;
  }

  /// The largest locally stored entry of @p v (minus the largest double if
  /// none).
  template <class VectorType>
  double
  local_max(const VectorType &v)
  {
    double m = -std::numeric_limits<double>::max();
    for (const double x : v)
      m = std::max(m, x);
    return m;
  }
} // namespace kwfp

#endif
