#include <kwfp/base/batch_math.h>
#include <kwfp/base/compensated_sum.h>

#include <cmath>
#include <initializer_list>

namespace kwfp
{
  namespace
  {
    constexpr unsigned int lanes = 8;

    /// Neumaier's compensated sum of the lanes' sums and corrections.
    double
    add_lanes(const double (&sum)[lanes], const double (&correction)[lanes])
    {
      double s = 0, c = 0;
      for (unsigned int l = 0; l < lanes; ++l)
        for (const double x : {sum[l], -correction[l]})
          {
            const double t = s + x;
            c += std::abs(s) >= std::abs(x) ? (s - t) + x : (x - t) + s;
            s = t;
          }
      return s + c;
    }

    /// Kahan's summation of f(i), lane i mod #lanes.
    template <typename Term>
    KWFP_VECTOR_CLONES double
    kahan(const std::size_t n, const Term &term)
    {
      double      sum[lanes] = {}, correction[lanes] = {};
      std::size_t i = 0;
      for (; i + lanes <= n; i += lanes)
        for (unsigned int l = 0; l < lanes; ++l)
          {
            const double y = term(i + l) - correction[l];
            const double t = sum[l] + y;
            correction[l]  = (t - sum[l]) - y;
            sum[l]         = t;
          }
      for (unsigned int l = 0; i < n; ++i, ++l)
        {
          const double y = term(i) - correction[l];
          const double t = sum[l] + y;
          correction[l]  = (t - sum[l]) - y;
          sum[l]         = t;
        }
      return add_lanes(sum, correction);
    }
  } // namespace


  double
  compensated_dot(const double *a, const double *b, const std::size_t n)
  {
    return kahan(n, [a, b](const std::size_t i) { return a[i] * b[i]; });
  }


  double
  compensated_sum(const double *a, const std::size_t n)
  {
    return kahan(n, [a](const std::size_t i) { return a[i]; });
  }
} // namespace kwfp
