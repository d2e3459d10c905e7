#ifndef kwfp_particles_random_stream_h
#define kwfp_particles_random_stream_h

#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <cmath>
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

    /**
     * A standard normal number: the ziggurat method with 128 layers in
     * Doornik's form (ZIGNOR, 2005), on 64-bit words of the Philox stream.
     * Each word gives the layer (its lowest 7 bits) and a uniform in
     * (-1, 1) (its highest 53 bits); most numbers need that one word and
     * no transcendental function. It replaced Box-Muller, whose sin, cos
     * and log took 41 % of a d = 2 particle run.
     */
    double
    normal()
    {
      const ZigguratTables &z = ziggurat_tables();
      for (;;)
        {
          const std::uint64_t w = next_word();
          const unsigned int  i = w & 0x7F;
          const double        u = 2 * to_unit(w) - 1;
          if (std::abs(u) < z.ratio[i])
            return u * z.x[i];
          if (i == 0)
            return tail(z.x[1], u < 0);
          const double x  = u * z.x[i];
          const double f0 = std::exp(-0.5 * (z.x[i] * z.x[i] - x * x));
          const double f1 = std::exp(-0.5 * (z.x[i + 1] * z.x[i + 1] - x * x));
          if (f1 + to_unit(next_word()) * (f0 - f1) < 1)
            return x;
        }
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
    /// The layers of the ziggurat: x[0] = V / f(R), x[1] = R, x[i] from
    /// equal areas V, x[128] = 0; ratio[i] = x[i+1] / x[i] (f(x) =
    /// exp(-x^2/2), R = 3.442619855899, V = 9.91256303526217e-3).
    struct ZigguratTables
    {
      double x[129];
      double ratio[128];
      ZigguratTables()
      {
        const double R = 3.442619855899, V = 9.91256303526217e-3;
        double       f = std::exp(-0.5 * R * R);
        x[0]           = V / f;
        x[1]           = R;
        x[128]         = 0;
        for (unsigned int i = 2; i < 128; ++i)
          {
            x[i] = std::sqrt(-2 * std::log(V / x[i - 1] + f));
            f    = std::exp(-0.5 * x[i] * x[i]);
          }
        for (unsigned int i = 0; i < 128; ++i)
          ratio[i] = x[i + 1] / x[i];
      }
    };

    static const ZigguratTables &
    ziggurat_tables()
    {
      static const ZigguratTables tables;
      return tables;
    }

    /// The next 64-bit word (a new Philox block every four words).
    std::uint64_t
    next_word()
    {
      if (n_words == 0)
        {
          bits = generator(counter, key);
          ++counter.v[2];
          n_words = 4;
        }
      return bits.v[4 - n_words--];
    }

    /// A uniform number in (0, 1) from the highest 53 bits of @p w.
    static double
    to_unit(const std::uint64_t w)
    {
      return ((w >> 11) + 0.5) * 0x1.0p-53;
    }

    /// The tail |z| > R (Marsaglia 1964), with the sign of @p negative.
    double
    tail(const double R, const bool negative)
    {
      double x, y;
      do
        {
          x = std::log(to_unit(next_word())) / R;
          y = std::log(to_unit(next_word()));
      } while (-2 * y < x * x);
      return negative ? x - R : R - x;
    }

    r123::Philox4x64           generator;
    r123::Philox4x64::key_type key;
    r123::Philox4x64::ctr_type counter;
    r123::Philox4x64::ctr_type bits;
    unsigned int               n_words = 0;
  };
} // namespace kwfp

#endif
