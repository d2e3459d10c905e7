#ifndef kwfp_particles_random_stream_h
#define kwfp_particles_random_stream_h

#include <Random123/philox.h>
#include <Random123/uniform.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace kwfp
{
  /// What a random stream is used for (part of its counter).
  enum class RandomPurpose : std::uint64_t
  {
    initial_ensemble = 1,
    dynamics_noise   = 2,
    metropolis       = 3,
    gaussian_closure = 4 ///< Monte Carlo nodes of the Gaussian closure
  };

  /**
   * @brief The random numbers of one particle at one step: a counter-based
   * Philox4x32-10 generator (Salmon et al. 2011, Random123) keyed by
   * (seed, particle index) with counter (draw, step, purpose). Each block
   * of four 32-bit words gives two 64-bit words.
   *
   * It has no state beyond the position in the stream, so particle j draws
   * the same numbers whichever MPI rank owns it and whatever happened to the
   * other particles: runs on 1, 2 or 4 ranks give the same ensemble.
   * standard_normals() (normal_batch.h) computes the same numbers for many
   * particles at a time.
   */
  class RandomStream
  {
  public:
    /// The stream of particle @p particle at step @p step for @p purpose;
    /// seed and particle index below 2^32.
    RandomStream(const std::uint64_t seed,
                 const std::uint64_t particle,
                 const RandomPurpose purpose,
                 const std::uint64_t step)
      : key{{static_cast<std::uint32_t>(seed),
             static_cast<std::uint32_t>(particle)}}
      , counter{{0,
                 static_cast<std::uint32_t>(step),
                 static_cast<std::uint32_t>(step >> 32),
                 static_cast<std::uint32_t>(purpose)}}
    {
      if ((seed >> 32) != 0 || (particle >> 32) != 0)
        throw std::invalid_argument(
          "RandomStream: the seed and the particle index must be below 2^32");
    }

    /**
     * A standard normal number: the ziggurat method (Marsaglia and Tsang
     * 2000) with 256 layers in Doornik's form (ZIGNOR, 2005), on 64-bit
     * words of the Philox stream. Each word gives the layer (its lowest 8
     * bits) and a uniform in [-1, 1) (its highest 52 bits); 98.5 % of the
     * numbers need that one word and no transcendental function.
     */
    double
    normal()
    {
      const ZigguratTables &z = ziggurat_tables();
      for (;;)
        {
          const std::uint64_t w = next_word();
          const unsigned int  i = w & (layers - 1);
          const double        u = to_symmetric(w);
          if (std::abs(u) < z.ratio[i])
            return u * z.x[i];
          if (i == 0)
            return tail(z.x[1], u < 0);
          // the wedge between the layer's edges: accept x with probability
          // (f(x) - f(x_{i+1})) / (f(x_i) - f(x_{i+1})), f(x) = exp(-x^2/2)
          const double x = u * z.x[i];
          if (z.height[i + 1] +
                to_unit(next_word()) * (z.height[i] - z.height[i + 1]) <
              std::exp(-0.5 * x * x))
            return x;
        }
    }

    /// A uniform number in (0, 1] (a new block).
    double
    uniform()
    {
      const auto bits = generator(counter, key);
      ++counter.v[0];
      return r123::u01<double>(word(bits, 0));
    }

    /// The 64-bit word @p k (0 or 1) of a Philox4x32 block: its 32-bit
    /// words 2k (low half) and 2k + 1 (high half).
    static std::uint64_t
    word(const r123::Philox4x32::ctr_type &bits, const unsigned int k)
    {
      return bits.v[2 * k] |
             (static_cast<std::uint64_t>(bits.v[2 * k + 1]) << 32);
    }

    /// Layers of the ziggurat.
    static constexpr unsigned int layers = 256;

    /// The layers of the ziggurat: x[0] = V / f(R), x[1] = R, x[i] from
    /// equal areas V, x[256] = 0; ratio[i] = x[i+1] / x[i] (f(x) =
    /// exp(-x^2/2); R = 3.6541528853610088, V = 4.92867323399e-3 from
    /// Marsaglia and Tsang 2000).
    struct ZigguratTables
    {
      double x[layers + 1];      ///< the layers' right edges
      double height[layers + 1]; ///< exp(-x[i]^2 / 2)
      double ratio[layers];      ///< x[i + 1] / x[i]
      ZigguratTables()
      {
        const double R = 3.6541528853610088, V = 4.92867323399e-3;
        double       f = std::exp(-0.5 * R * R);
        x[0]           = V / f;
        x[1]           = R;
        x[layers]      = 0;
        for (unsigned int i = 2; i < layers; ++i)
          {
            x[i] = std::sqrt(-2 * std::log(V / x[i - 1] + f));
            f    = std::exp(-0.5 * x[i] * x[i]);
          }
        for (unsigned int i = 0; i < layers; ++i)
          ratio[i] = x[i + 1] / x[i];
        for (unsigned int i = 0; i <= layers; ++i)
          height[i] = std::exp(-0.5 * x[i] * x[i]);
      }
    };

    /// The tables, computed once.
    static const ZigguratTables &
    ziggurat_tables()
    {
      static const ZigguratTables tables;
      return tables;
    }

    /// A uniform number in (0, 1) from the highest 53 bits of @p w.
    static double
    to_unit(const std::uint64_t w)
    {
      return ((w >> 11) + 0.5) * 0x1.0p-53;
    }

    /// A uniform number in [-1, 1) from the highest 52 bits of @p w: they
    /// are the mantissa of a number y in [1, 2), and 2 y - 3 is exact
    /// (integer operations only, so that loops over words vectorize).
    static double
    to_symmetric(const std::uint64_t w)
    {
      const std::uint64_t bits = 0x3FF0000000000000ull | (w >> 12);
      double              y;
      std::memcpy(&y, &bits, sizeof(y));
      return 2 * y - 3;
    }

  private:
    /// The next 64-bit word (a new Philox block every two words).
    std::uint64_t
    next_word()
    {
      if (n_words == 0)
        {
          bits = generator(counter, key);
          ++counter.v[0];
          n_words = 2;
        }
      return word(bits, 2 - n_words--);
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

    r123::Philox4x32           generator;
    r123::Philox4x32::key_type key;
    r123::Philox4x32::ctr_type counter;
    r123::Philox4x32::ctr_type bits;
    unsigned int               n_words = 0;
  };
} // namespace kwfp

#endif
