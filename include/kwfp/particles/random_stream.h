#ifndef kwfp_particles_random_stream_h
#define kwfp_particles_random_stream_h

#include <Random123/boxmuller.hpp>
#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <cstdint>

namespace kwfp
{
  /// What a random stream is used for (part of its counter).
  enum class RandomPurpose : std::uint64_t
  {
    initial_ensemble = 1,
    dynamics_noise   = 2,
    metropolis       = 3
  };

  /**
   * @brief The random numbers of one particle at one step: a counter-based
   * Philox4x64-10 generator (Salmon et al. 2011, Random123) keyed by
   * (seed, particle index) with counter (purpose, step, draw).
   *
   * It has no state beyond the position in the stream, so particle j draws
   * the same numbers whichever MPI rank owns it and whatever happened to the
   * other particles: runs on 1, 2 or 4 ranks give the same ensemble.
   */
  class RandomStream
  {
  public:
    /// The stream of particle @p particle at step @p step for @p purpose.
    RandomStream(const std::uint64_t seed,
                 const std::uint64_t particle,
                 const RandomPurpose purpose,
                 const std::uint64_t step)
      : key{{seed, particle}}
      , counter{{static_cast<std::uint64_t>(purpose), step, 0, 0}}
    {}

    /// A standard normal number (Box-Muller on two 64-bit uniforms: one
    /// Philox call gives four normal numbers).
    double
    normal()
    {
      if (n_buffered == 0)
        refill();
      return buffer[--n_buffered];
    }

    /// A uniform number in (0, 1].
    double
    uniform()
    {
      const auto bits = generator(counter, key);
      ++counter.v[2];
      return r123::u01<double>(bits.v[0]);
    }

  private:
    /// Two normal numbers from the next two words (a new Philox block
    /// when the four words of the last one are used up).
    void
    refill()
    {
      if (n_words == 0)
        {
          bits = generator(counter, key);
          ++counter.v[2];
          n_words = 4;
        }
      const r123::double2 pair =
        r123::boxmuller(bits.v[4 - n_words], bits.v[5 - n_words]);
      n_words -= 2;
      buffer[0]  = pair.y;
      buffer[1]  = pair.x;
      n_buffered = 2;
    }

    r123::Philox4x64           generator;
    r123::Philox4x64::key_type key;
    r123::Philox4x64::ctr_type counter;
    r123::Philox4x64::ctr_type bits;
    unsigned int               n_words = 0;
    double                     buffer[2];
    unsigned int               n_buffered = 0;
  };
} // namespace kwfp

#endif
