#ifndef kwfp_base_batch_math_h
#define kwfp_base_batch_math_h

#include <cmath>
#include <cstddef>

#if defined(__x86_64__) && defined(__GNUC__)
/// x86-64 vector instructions through intrinsics, chosen at run time.
#  define KWFP_X86_SIMD
#  include <immintrin.h>
#endif

#if defined(KWFP_X86_SIMD) && defined(__GLIBC__) && defined(KWFP_HAVE_LIBMVEC)
#  define KWFP_BATCH_MATH_LIBMVEC
extern "C"
{
  // glibc's vector math library (libmvec): two doubles per call in the
  // x86-64 base ABI (SSE2), four in the AVX2 one, eight in the AVX-512 one; the
  // library picks its fastest version for the processor at load time. At most 4
  // ulp from the correctly rounded value.
  __m128d _ZGVbN2v_exp(__m128d);
  __m128d _ZGVbN2v_log(__m128d);
  __m256d _ZGVdN4v_exp(__m256d);
  __m256d _ZGVdN4v_log(__m256d);
  __m512d _ZGVeN8v_exp(__m512d);
  __m512d _ZGVeN8v_log(__m512d);
}
#endif

/// Clone a hot loop for x86-64-v4 (AVX-512) and x86-64-v3 (AVX2, FMA)
/// beside the base x86-64 version, the processor choosing at load time
/// (GCC's target_clones).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
  defined(__GLIBC__)
#  define KWFP_VECTOR_CLONES \
    __attribute__((          \
      target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#  define KWFP_VECTOR_CLONES
#endif

namespace kwfp
{
  namespace internal
  {
#ifdef KWFP_X86_SIMD
    /// Whether the processor runs the AVX2 versions (checked once).
    inline bool
    has_avx2()
    {
      static const bool avx2 =
        __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
      return avx2;
    }

    /// Whether the processor runs the AVX-512 versions (checked once).
    inline bool
    has_avx512()
    {
      static const bool avx512 = __builtin_cpu_supports("avx512f");
      return avx512;
    }
#endif

#ifdef KWFP_BATCH_MATH_LIBMVEC
    /// x[i] = f(x[i]) two at a time (SSE2), the last one alone.
    template <__m128d (*f2)(__m128d)>
    inline void
    apply_sse2(double *x, const std::size_t n)
    {
      std::size_t i = 0;
      for (; i + 1 < n; i += 2)
        _mm_storeu_pd(x + i, f2(_mm_loadu_pd(x + i)));
      if (i < n)
        x[i] = _mm_cvtsd_f64(f2(_mm_set1_pd(x[i])));
    }

    /// x[i] = f(x[i]) four at a time (AVX2), the rest by apply_sse2().
    template <__m256d (*f4)(__m256d), __m128d (*f2)(__m128d)>
    __attribute__((target("avx2,fma"))) void
    apply_avx2(double *x, const std::size_t n)
    {
      std::size_t i = 0;
      for (; i + 3 < n; i += 4)
        _mm256_storeu_pd(x + i, f4(_mm256_loadu_pd(x + i)));
      apply_sse2<f2>(x + i, n - i);
    }

    /// x[i] = f(x[i]) eight at a time (AVX-512), the rest by apply_avx2().
    template <__m512d (*f8)(__m512d),
              __m256d (*f4)(__m256d),
              __m128d (*f2)(__m128d)>
    __attribute__((target("avx512f,avx2,fma"))) void
    apply_avx512(double *x, const std::size_t n)
    {
      std::size_t i = 0;
      for (; i + 7 < n; i += 8)
        _mm512_storeu_pd(x + i, f8(_mm512_loadu_pd(x + i)));
      apply_avx2<f4, f2>(x + i, n - i);
    }

    /// x[i] = f(x[i]) with the widest of the three versions the processor
    /// runs.
    template <__m512d (*f8)(__m512d),
              __m256d (*f4)(__m256d),
              __m128d (*f2)(__m128d)>
    inline void
    apply_widest(double *x, const std::size_t n)
    {
      if (has_avx512())
        apply_avx512<f8, f4, f2>(x, n);
      else if (has_avx2())
        apply_avx2<f4, f2>(x, n);
      else
        apply_sse2<f2>(x, n);
    }
#endif
  } // namespace internal

  /// x[i] = exp(x[i]) for i < n, eight, four or two at a time with libmvec
  /// where it is available (the diagnostics take one exp per quadrature point).
  inline void
  exp_in_place(double *x, const std::size_t n)
  {
#ifdef KWFP_BATCH_MATH_LIBMVEC
    internal::apply_widest<_ZGVeN8v_exp, _ZGVdN4v_exp, _ZGVbN2v_exp>(x, n);
#else
    for (std::size_t i = 0; i < n; ++i)
      x[i] = std::exp(x[i]);
#endif
  }

  /// x[i] = log(x[i]) for i < n (x[i] > 0), as exp_in_place().
  inline void
  log_in_place(double *x, const std::size_t n)
  {
#ifdef KWFP_BATCH_MATH_LIBMVEC
    internal::apply_widest<_ZGVeN8v_log, _ZGVdN4v_log, _ZGVbN2v_log>(x, n);
#else
    for (std::size_t i = 0; i < n; ++i)
      x[i] = std::log(x[i]);
#endif
  }
} // namespace kwfp

#endif
