#include <kwfp/base/batch_math.h>
#include <kwfp/particles/normal_batch.h>

#include <cmath>

namespace kwfp
{
  namespace
  {
    /// Particles per batch (the lanes of the vector loops).
    constexpr unsigned int lanes = internal::normal_batch_lanes;

    constexpr std::uint32_t M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    constexpr std::uint32_t W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// Philox4x32-10 (Salmon et al. 2011, as r123::Philox4x32) of the
    /// counters c0..c3 under the keys k0, k1, lane by lane, in place.
    void
    philox4x32_10_generic(std::uint32_t *c0,
                          std::uint32_t *c1,
                          std::uint32_t *c2,
                          std::uint32_t *c3,
                          std::uint32_t *k0,
                          std::uint32_t *k1)
    {
      for (unsigned int round = 0; round < 10; ++round)
        for (unsigned int l = 0; l < lanes; ++l)
          {
            const std::uint64_t p0  = std::uint64_t(M0) * c0[l];
            const std::uint64_t p1  = std::uint64_t(M1) * c2[l];
            const std::uint32_t hi0 = p0 >> 32, lo0 = p0;
            const std::uint32_t hi1 = p1 >> 32, lo1 = p1;
            c0[l] = hi1 ^ c1[l] ^ k0[l];
            c1[l] = lo1;
            c2[l] = hi0 ^ c3[l] ^ k1[l];
            c3[l] = lo0;
            k0[l] += W0;
            k1[l] += W1;
          }
    }

#ifdef KWFP_X86_SIMD
    // GCC 12's avx512fintrin.h warns of its own _mm512_undefined_epi32()
    // inside _mm512_mul_epu32 and the shifts (GCC bug 105593).
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wuninitialized"
#  pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
    /// hi and lo halves of the 32 x 32 -> 64-bit products x m, lane by lane:
    /// the products of the even and of the odd lanes (vpmuludq), their
    /// halves blended back.
    __attribute__((target("avx512f"), always_inline)) inline void
    multiply_avx512(const __m512i x, const __m512i m, __m512i &hi, __m512i &lo)
    {
      const __m512i even = _mm512_mul_epu32(x, m);
      const __m512i odd  = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);
      lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32));
      hi = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd);
    }

    /// The same with AVX2, eight lanes.
    __attribute__((target("avx2"), always_inline)) inline void
    multiply_avx2(const __m256i x, const __m256i m, __m256i &hi, __m256i &lo)
    {
      const __m256i even = _mm256_mul_epu32(x, m);
      const __m256i odd  = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
      lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
      hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    }

    /// Eight 32-bit lanes from and to memory.
    __attribute__((target("avx2"), always_inline)) inline __m256i
    load_avx2(const std::uint32_t *p)
    {
      return _mm256_loadu_si256(reinterpret_cast<const __m256i *>(p));
    }

    __attribute__((target("avx2"), always_inline)) inline void
    store_avx2(std::uint32_t *p, const __m256i v)
    {
      _mm256_storeu_si256(reinterpret_cast<__m256i *>(p), v);
    }

    /// philox4x32_10_generic() with AVX-512, sixteen lanes at a time.
    __attribute__((target("avx512f"))) void
    philox4x32_10_avx512(std::uint32_t *c0,
                         std::uint32_t *c1,
                         std::uint32_t *c2,
                         std::uint32_t *c3,
                         std::uint32_t *k0,
                         std::uint32_t *k1)
    {
      static_assert(lanes == 16, "one 512-bit register of 32-bit lanes");
      __m512i x0 = _mm512_loadu_si512(c0), x1 = _mm512_loadu_si512(c1),
              x2 = _mm512_loadu_si512(c2), x3 = _mm512_loadu_si512(c3),
              y0 = _mm512_loadu_si512(k0), y1 = _mm512_loadu_si512(k1);
      const __m512i m0 = _mm512_set1_epi64(M0), m1 = _mm512_set1_epi64(M1);
      const __m512i w0 = _mm512_set1_epi32(W0), w1 = _mm512_set1_epi32(W1);
      for (unsigned int round = 0; round < 10; ++round)
        {
          __m512i hi0, lo0, hi1, lo1;
          multiply_avx512(x0, m0, hi0, lo0);
          multiply_avx512(x2, m1, hi1, lo1);
          x0 = _mm512_xor_si512(_mm512_xor_si512(hi1, x1), y0);
          x1 = lo1;
          x2 = _mm512_xor_si512(_mm512_xor_si512(hi0, x3), y1);
          x3 = lo0;
          y0 = _mm512_add_epi32(y0, w0);
          y1 = _mm512_add_epi32(y1, w1);
        }
      _mm512_storeu_si512(c0, x0);
      _mm512_storeu_si512(c1, x1);
      _mm512_storeu_si512(c2, x2);
      _mm512_storeu_si512(c3, x3);
      _mm512_storeu_si512(k0, y0);
      _mm512_storeu_si512(k1, y1);
    }

    /// philox4x32_10_generic() with AVX2, eight lanes at a time.
    __attribute__((target("avx2"))) void
    philox4x32_10_avx2(std::uint32_t *c0,
                       std::uint32_t *c1,
                       std::uint32_t *c2,
                       std::uint32_t *c3,
                       std::uint32_t *k0,
                       std::uint32_t *k1)
    {
      const __m256i m0 = _mm256_set1_epi64x(M0), m1 = _mm256_set1_epi64x(M1);
      const __m256i w0 = _mm256_set1_epi32(W0), w1 = _mm256_set1_epi32(W1);
      for (unsigned int half = 0; half < lanes; half += 8)
        {
          __m256i x0 = load_avx2(c0 + half), x1 = load_avx2(c1 + half),
                  x2 = load_avx2(c2 + half), x3 = load_avx2(c3 + half),
                  y0 = load_avx2(k0 + half), y1 = load_avx2(k1 + half);
          for (unsigned int round = 0; round < 10; ++round)
            {
              __m256i hi0, lo0, hi1, lo1;
              multiply_avx2(x0, m0, hi0, lo0);
              multiply_avx2(x2, m1, hi1, lo1);
              x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1), y0);
              x1 = lo1;
              x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3), y1);
              x3 = lo0;
              y0 = _mm256_add_epi32(y0, w0);
              y1 = _mm256_add_epi32(y1, w1);
            }
          store_avx2(c0 + half, x0);
          store_avx2(c1 + half, x1);
          store_avx2(c2 + half, x2);
          store_avx2(c3 + half, x3);
          store_avx2(k0 + half, y0);
          store_avx2(k1 + half, y1);
        }
    }
#  pragma GCC diagnostic pop
#endif

    /// Philox4x32-10 of #lanes counters, with the widest vectors the
    /// processor has.
    void
    philox4x32_10(std::uint32_t *c0,
                  std::uint32_t *c1,
                  std::uint32_t *c2,
                  std::uint32_t *c3,
                  std::uint32_t *k0,
                  std::uint32_t *k1)
    {
#ifdef KWFP_X86_SIMD
      if (internal::has_avx512())
        return philox4x32_10_avx512(c0, c1, c2, c3, k0, k1);
      if (internal::has_avx2())
        return philox4x32_10_avx2(c0, c1, c2, c3, k0, k1);
#endif
      philox4x32_10_generic(c0, c1, c2, c3, k0, k1);
    }

    /// One batch of #lanes particles starting at particle[0]; rejected[l]
    /// is set where a number of particle l needs more than its first word.
    KWFP_VECTOR_CLONES void
    batch(const std::uint32_t  seed,
          const std::uint32_t  purpose,
          const std::uint64_t  step,
          const std::uint64_t *particle,
          const unsigned int   d,
          double              *Z,
          int (&rejected)[lanes])
    {
      const RandomStream::ZigguratTables &z = RandomStream::ziggurat_tables();
      for (unsigned int l = 0; l < lanes; ++l)
        rejected[l] = 0;
      for (unsigned int block = 0; 2 * block < d; ++block)
        {
          std::uint32_t c0[lanes], c1[lanes], c2[lanes], c3[lanes], k0[lanes],
            k1[lanes];
          for (unsigned int l = 0; l < lanes; ++l)
            {
              c0[l] = block;
              c1[l] = static_cast<std::uint32_t>(step);
              c2[l] = static_cast<std::uint32_t>(step >> 32);
              c3[l] = purpose;
              k0[l] = seed;
              k1[l] = static_cast<std::uint32_t>(particle[l]);
            }
          philox4x32_10(c0, c1, c2, c3, k0, k1);
          for (unsigned int half = 0; half < 2 && 2 * block + half < d; ++half)
            {
              const std::uint32_t *low  = half == 0 ? c0 : c2;
              const std::uint32_t *high = half == 0 ? c1 : c3;
              double               normal[lanes];
              for (unsigned int l = 0; l < lanes; ++l)
                {
                  const std::uint64_t w =
                    low[l] | (static_cast<std::uint64_t>(high[l]) << 32);
                  const unsigned int i = w & (RandomStream::layers - 1);
                  const double       u = RandomStream::to_symmetric(w);
                  rejected[l] |= !(std::abs(u) < z.ratio[i]);
                  normal[l] = u * z.x[i];
                }
              for (unsigned int l = 0; l < lanes; ++l)
                Z[l * d + 2 * block + half] = normal[l];
            }
        }
    }
  } // namespace


  namespace internal
  {
    bool
    philox4x32_10_lanes(const unsigned int width,
                        std::uint32_t     *c0,
                        std::uint32_t     *c1,
                        std::uint32_t     *c2,
                        std::uint32_t     *c3,
                        std::uint32_t     *k0,
                        std::uint32_t     *k1)
    {
      if (width == 1)
        philox4x32_10_generic(c0, c1, c2, c3, k0, k1);
#ifdef KWFP_X86_SIMD
      else if (width == 8 && has_avx2())
        philox4x32_10_avx2(c0, c1, c2, c3, k0, k1);
      else if (width == 16 && has_avx512())
        philox4x32_10_avx512(c0, c1, c2, c3, k0, k1);
#endif
      else
        return false;
      return true;
    }
  } // namespace internal


  void
  standard_normals(const std::uint64_t  seed,
                   const RandomPurpose  purpose,
                   const std::uint64_t  step,
                   const std::uint64_t *particle,
                   const std::size_t    n,
                   const unsigned int   d,
                   double              *Z)
  {
    const auto scalar = [&](const std::size_t j) {
      RandomStream stream(seed, particle[j], purpose, step);
      for (unsigned int k = 0; k < d; ++k)
        Z[j * d + k] = stream.normal();
    };
    std::size_t j = 0;
    if (seed >> 32 == 0)
      for (; j + lanes <= n; j += lanes)
        {
          bool in_range = true;
          for (unsigned int l = 0; l < lanes; ++l)
            in_range = in_range && (particle[j + l] >> 32) == 0;
          if (!in_range)
            break; // RandomStream reports it below
          int rejected[lanes];
          batch(static_cast<std::uint32_t>(seed),
                static_cast<std::uint32_t>(purpose),
                step,
                particle + j,
                d,
                Z + j * d,
                rejected);
          for (unsigned int l = 0; l < lanes; ++l)
            if (rejected[l])
              scalar(j + l);
        }
    for (; j < n; ++j)
      scalar(j);
  }
} // namespace kwfp
