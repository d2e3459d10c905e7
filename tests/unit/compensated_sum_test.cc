// compensated_dot and compensated_sum against cases where the plain sum
// loses digits: their error must stay at the last bits of the result.
#include <kwfp/base/compensated_sum.h>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace kwfp;

// 1e6 terms 0.1 (the double nearest 0.1): the exact sum is 1e6 fl(0.1),
// whose correctly rounded value is the single product 1e6 * 0.1. The plain
// sum is off by 1.3e-6; the compensated one within one unit in the last
// place (1.5e-11 at 1e5). Lengths not multiples of the lanes included.
TEST(CompensatedSum, ManyEqualTermsToTheLastBit)
{
  for (const std::size_t n : {1000000u, 1000003u})
    {
      const std::vector<double> a(n, 0.1), ones(n, 1.);
      const double              exact = n * 0.1;
      const double              ulp = std::nextafter(exact, 2 * exact) - exact;
      EXPECT_LE(std::abs(compensated_sum(a.data(), n) - exact), ulp) << n;
      EXPECT_LE(std::abs(compensated_dot(a.data(), ones.data(), n) - exact),
                ulp)
        << n;
      double plain = 0;
      for (const double x : a)
        plain += x;
      EXPECT_GT(std::abs(plain - exact), 1000 * ulp); // the case is hard
    }
}

// One large term and 1e6 terms below its last bit: 1 + 1e6 * 1e-16. The
// plain sum returns 1; the compensated one 1 + 1e-10 to 4e-16.
TEST(CompensatedSum, SmallTermsBesideALargeOne)
{
  const std::size_t   n = 1000001;
  std::vector<double> a(n, 1e-16);
  a[0]               = 1;
  const double exact = 1 + 1e-16 * (n - 1);
  EXPECT_NEAR(compensated_sum(a.data(), n), exact, 4e-16);
  EXPECT_EQ(compensated_sum(a.data(), 0), 0.);
  EXPECT_EQ(compensated_sum(a.data(), 1), 1.);
}
