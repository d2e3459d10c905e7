#ifndef kwfp_particles_normal_batch_h
#define kwfp_particles_normal_batch_h

#include <kwfp/particles/random_stream.h>

#include <cstddef>
#include <cstdint>

namespace kwfp
{
  /**
   * @brief The first @p d standard normal numbers of the streams of many
   * particles: Z[j d + k] is the k-th normal() of RandomStream(seed,
   * particle[j], purpose, step), bit for bit, for j < n.
   *
   * Several particles at a time: their Philox4x32-10 blocks round by round
   * side by side (the products of the rounds in vector registers), then
   * the ziggurat's first try for each word. A particle one of whose numbers
   * needs more than its first word (about 1.5 % of the numbers: the
   * ziggurat's edges and tail) is drawn again by RandomStream itself, so the
   * numbers are those of the scalar stream whatever the order of the work.
   */
  void
  standard_normals(const std::uint64_t  seed,
                   const RandomPurpose  purpose,
                   const std::uint64_t  step,
                   const std::uint64_t *particle,
                   const std::size_t    n,
                   const unsigned int   d,
                   double              *Z);

  namespace internal
  {
    /// Particles per batch of standard_normals().
    constexpr unsigned int normal_batch_lanes = 16;

    /**
     * Philox4x32-10 of 16 counters in place (lane l: counter c0[l] .. c3[l],
     * key k0[l], k1[l]; the keys end bumped ten times), @p width lanes per
     * instruction: 1 (plain loops), 8 (AVX2) or 16 (AVX-512). False, and
     * nothing done, where the processor lacks that width. For the tests.
     */
    bool
    philox4x32_10_lanes(unsigned int   width,
                        std::uint32_t *c0,
                        std::uint32_t *c1,
                        std::uint32_t *c2,
                        std::uint32_t *c3,
                        std::uint32_t *k0,
                        std::uint32_t *k1);
  } // namespace internal
} // namespace kwfp

#endif
