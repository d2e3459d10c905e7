// standard_normals() computes the particles' normal numbers several
// particles at a time; they must be those of the scalar RandomStream bit for
// bit (the ensemble may not depend on how the work is done), and its
// Philox4x32-10 must be Random123's at every vector width.
#include <kwfp/particles/normal_batch.h>
#include <kwfp/particles/random_stream.h>

#include <Random123/philox.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

using namespace kwfp;

TEST(NormalBatch, PhiloxLanesAreRandom123AtEveryWidth)
{
  constexpr unsigned int lanes = internal::normal_batch_lanes;
  r123::Philox4x32       philox;
  for (const unsigned int width : {1u, 8u, 16u})
    {
      std::uint32_t c[4][lanes], k[2][lanes];
      for (unsigned int l = 0; l < lanes; ++l)
        {
          c[0][l] = 3 * l + 1;
          c[1][l] = 0xFFFFFFFFu - l;
          c[2][l] = 77777 * l;
          c[3][l] = 2;
          k[0][l] = 12345;
          k[1][l] = 1000003 * l;
        }
      r123::Philox4x32::ctr_type expected[lanes];
      for (unsigned int l = 0; l < lanes; ++l)
        expected[l] =
          philox({{c[0][l], c[1][l], c[2][l], c[3][l]}}, {{k[0][l], k[1][l]}});
      if (!internal::philox4x32_10_lanes(
            width, c[0], c[1], c[2], c[3], k[0], k[1]))
        continue; // the processor lacks this width
      for (unsigned int l = 0; l < lanes; ++l)
        for (unsigned int w = 0; w < 4; ++w)
          EXPECT_EQ(c[w][l], expected[l].v[w])
            << "width " << width << ", lane " << l << ", word " << w;
    }
}

// Irregular particle indices (as on a rank after a redistribution), lengths
// that are not multiples of the batch, several dimensions, steps and seeds:
// every number equals RandomStream's, including the ones that needed more
// than one word (about 1.5 % of them, so a few hundred here).
TEST(NormalBatch, EqualsTheScalarStreamBitForBit)
{
  unsigned int n_checked = 0;
  for (const unsigned int d : {1u, 2u, 3u, 5u, 16u})
    for (const std::uint64_t step : {0ull, 1ull, 4000000000ull, 5000000000ull})
      for (const std::uint64_t seed : {1ull, 4294967295ull})
        {
          const std::size_t          n = 37 + 16 * d;
          std::vector<std::uint64_t> particle(n);
          for (std::size_t j = 0; j < n; ++j)
            particle[j] = 3 * j * j + 7 * j + (j % 5 == 0 ? 4000000000ull : 0);
          std::vector<double> Z(n * d, -99.);
          standard_normals(seed,
                           RandomPurpose::dynamics_noise,
                           step,
                           particle.data(),
                           n,
                           d,
                           Z.data());
          for (std::size_t j = 0; j < n; ++j)
            {
              RandomStream stream(seed,
                                  particle[j],
                                  RandomPurpose::dynamics_noise,
                                  step);
              for (unsigned int k = 0; k < d; ++k, ++n_checked)
                ASSERT_EQ(Z[j * d + k], stream.normal())
                  << "d " << d << ", step " << step << ", seed " << seed
                  << ", particle " << particle[j] << ", number " << k;
            }
        }
  EXPECT_GT(n_checked, 10000u);
}

// A seed or particle index beyond 32 bits would alias another stream:
// refused.
TEST(NormalBatch, RefusesIndicesBeyond32Bits)
{
  const std::uint64_t particle[1] = {1ull << 32};
  double              z[2];
  EXPECT_THROW(
    standard_normals(1, RandomPurpose::dynamics_noise, 0, particle, 1, 2, z),
    std::invalid_argument);
  const std::uint64_t ok[1] = {5};
  EXPECT_THROW(
    standard_normals(1ull << 32, RandomPurpose::dynamics_noise, 0, ok, 1, 2, z),
    std::invalid_argument);
}
