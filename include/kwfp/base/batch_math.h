#ifndef kwfp_base_batch_math_h
#define kwfp_base_batch_math_h

#include <cmath>
#include <cstddef>

#if defined(__x86_64__) && defined(__GLIBC__) && defined(KWFP_HAVE_LIBMVEC)
#  include <emmintrin.h>
extern "C"
{
  // glibc's vector math library (libmvec), two doubles per call in the
  // x86-64 base ABI (SSE2); the library picks its fastest version for the
  // processor at load time. At most 4 ulp from the correctly rounded value.
  __m128d _ZGVbN2v_exp(__m128d);
  __m128d _ZGVbN2v_log(__m128d);
}
#endif

namespace kwfp
{
  /// x[i] = exp(x[i]) for i < n, two at a time with libmvec where it is
  /// available (the diagnostics take one exp per quadrature point).
  inline void
  exp_in_place(double *x, const std::size_t n)
  {
    std::size_t i = 0;
#if defined(__x86_64__) && defined(__GLIBC__) && defined(KWFP_HAVE_LIBMVEC)
    for (; i + 1 < n; i += 2)
      _mm_storeu_pd(x + i, _ZGVbN2v_exp(_mm_loadu_pd(x + i)));
#endif
    for (; i < n; ++i)
      x[i] = std::exp(x[i]);
  }

  /// x[i] = log(x[i]) for i < n (x[i] > 0), as exp_in_place().
  inline void
  log_in_place(double *x, const std::size_t n)
  {
    std::size_t i = 0;
#if defined(__x86_64__) && defined(__GLIBC__) && defined(KWFP_HAVE_LIBMVEC)
    for (; i + 1 < n; i += 2)
      _mm_storeu_pd(x + i, _ZGVbN2v_log(_mm_loadu_pd(x + i)));
#endif
    for (; i < n; ++i)
      x[i] = std::log(x[i]);
  }
} // namespace kwfp

#endif
