// FixedTimeGrid: n equal steps of [0, T] that end at T exactly.
#include <kwfp/base/time_grid.h>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>

using namespace kwfp;

// Over 10^5 random pairs (T, dt) and every pair (T, T / n) with n <= 200 for
// 50 values of T: the last step is at T exactly, every earlier step below
// it, the step is at most the requested one (relative 1e-9) and n is the
// smallest such count. The naive k * (T / n) misses T for a few per cent of
// the pairs, so the test sees the case the grid exists for.
TEST(FixedTimeGrid, EndsAtTheFinalTimeExactlyForManyPairs)
{
  std::mt19937_64                        generator(20261203);
  std::uniform_real_distribution<double> log_T(-3, 3), log_ratio(0, 3.5);
  std::uint64_t                          pairs = 0, naive_misses = 0;
  const auto check = [&](const double T, const double dt) {
    const FixedTimeGrid grid(T, dt);
    const std::uint64_t n = grid.n_steps();
    ASSERT_GE(n, 1u);
    EXPECT_EQ(grid.time(n), T) << "T = " << T << ", dt = " << dt;
    EXPECT_TRUE(grid.is_last(n));
    EXPECT_FALSE(grid.is_last(n - 1));
    EXPECT_LT(grid.time(n - 1), T);
    EXPECT_LE(grid.step(), dt * (1 + 1e-9));
    if (n > 1) // n - 1 steps would be longer than asked
      {
        EXPECT_GT(T / static_cast<double>(n - 1), dt * (1 + 1e-10));
      }
    ++pairs;
    naive_misses += static_cast<double>(n) * grid.step() != T;
  };
  for (int k = 0; k < 100000; ++k)
    {
      const double T = std::pow(10., log_T(generator));
      check(T, T / std::pow(10., log_ratio(generator)));
    }
  for (int k = 1; k <= 50; ++k)
    for (unsigned int n = 1; n <= 200; ++n)
      {
        const double T = 0.1 * k;
        check(T, T / n);
        // T / n written to 16 digits, as in a parameter file
        char text[40];
        std::snprintf(text, sizeof(text), "%.16g", T / n);
        check(T, std::stod(text));
      }
  check(0.9, 0.3);
  check(1, 0.02040816326530612);
  // The reproduction of issue 21: 3 * 0.3 = 0.8999999999999999.
  EXPECT_EQ(FixedTimeGrid(0.9, 0.3).n_steps(), 3u);
  EXPECT_NE(3 * FixedTimeGrid(0.9, 0.3).step(), 0.9);
  std::cout << naive_misses << " of " << pairs << " pairs miss T with k (T / n)"
            << std::endl;
  EXPECT_GT(naive_misses, pairs / 100);
}

TEST(FixedTimeGrid, RejectsNonPositiveInput)
{
  EXPECT_THROW(FixedTimeGrid(0, 0.1), std::invalid_argument);
  EXPECT_THROW(FixedTimeGrid(1, 0), std::invalid_argument);
  EXPECT_THROW(FixedTimeGrid(1, -0.1), std::invalid_argument);
  EXPECT_THROW(FixedTimeGrid(std::nan(""), 0.1), std::invalid_argument);
}
