#ifndef kwfp_base_compensated_sum_h
#define kwfp_base_compensated_sum_h

#include <cstddef>

namespace kwfp
{
  /**
   * sum_i a[i] b[i] with Kahan's compensated summation (Higham, Accuracy
   * and Stability of Numerical Algorithms, 2002, section 4.3) in eight
   * interleaved lanes, their results added with Neumaier's variant: the
   * error is a few units in the last place of the result instead of growing
   * with n, so a sum over a rank's entries, hence the sum over the ranks,
   * hardly depends on how the entries are split (the mass and the moments
   * on 1 and on 2 ranks).
   */
  double
  compensated_dot(const double *a, const double *b, std::size_t n);

  /// sum_i a[i] in the same way.
  double
  compensated_sum(const double *a, std::size_t n);
} // namespace kwfp

#endif
