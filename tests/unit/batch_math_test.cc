// exp_in_place and log_in_place (libmvec where it is linked) against the
// scalar std::exp and std::log: libmvec promises at most 4 ulp.
#include <kwfp/base/batch_math.h>

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace kwfp;

TEST(BatchMath, ExpAndLogAgreeWithTheScalarFunctionsToFourUlp)
{
  // Odd length: the last element takes the scalar path.
  std::vector<double> x;
  for (double t = -700; t <= 700; t += 0.7317)
    x.push_back(t);
  x.push_back(-1e-300);
  x.push_back(0);
  if (x.size() % 2 == 0)
    x.push_back(1);
  ASSERT_EQ(x.size() % 2, 1u);
  std::vector<double> e = x;
  exp_in_place(e.data(), e.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    {
      const double exact = std::exp(x[i]);
      EXPECT_LE(std::abs(e[i] - exact), 4 * 2.3e-16 * exact)
        << "exp(" << x[i] << ")";
    }

  std::vector<double> y;
  for (double t = -300; t <= 300; t += 0.377)
    y.push_back(std::pow(10., t));
  y.push_back(1.);
  std::vector<double> l = y;
  log_in_place(l.data(), l.size());
  for (std::size_t i = 0; i < y.size(); ++i)
    {
      const double exact = std::log(y[i]);
      // 4 ulp of log(y), or of y's own rounding near y = 1
      EXPECT_LE(std::abs(l[i] - exact),
                4 * 2.3e-16 * std::max(std::abs(exact), 1.))
        << "log(" << y[i] << ")";
    }
  EXPECT_EQ(l.back(), 0.);
}

#ifdef KWFP_BATCH_MATH_LIBMVEC
// Every code path (two at a time; four where the processor has AVX2; eight
// where it has AVX-512), at every length up to 17: each remainder (8, 4, 2,
// 1) is taken.
TEST(BatchMath, EveryWidthAtEveryRemainder)
{
  for (std::size_t n = 0; n <= 17; ++n)
    {
      std::vector<double> x(n);
      for (std::size_t i = 0; i < n; ++i)
        x[i] = 0.37 + 1.9 * i;
      for (const int wide : {2, 4, 8})
        {
          if ((wide == 4 && !internal::has_avx2()) ||
              (wide == 8 && !internal::has_avx512()))
            continue;
          std::vector<double> e = x, l = x;
          if (wide == 8)
            {
              internal::apply_avx512<_ZGVeN8v_exp, _ZGVdN4v_exp, _ZGVbN2v_exp>(
                e.data(), n);
              internal::apply_avx512<_ZGVeN8v_log, _ZGVdN4v_log, _ZGVbN2v_log>(
                l.data(), n);
            }
          else if (wide == 4)
            {
              internal::apply_avx2<_ZGVdN4v_exp, _ZGVbN2v_exp>(e.data(), n);
              internal::apply_avx2<_ZGVdN4v_log, _ZGVbN2v_log>(l.data(), n);
            }
          else
            {
              internal::apply_sse2<_ZGVbN2v_exp>(e.data(), n);
              internal::apply_sse2<_ZGVbN2v_log>(l.data(), n);
            }
          for (std::size_t i = 0; i < n; ++i)
            {
              EXPECT_LE(std::abs(e[i] - std::exp(x[i])),
                        4 * 2.3e-16 * std::exp(x[i]))
                << "n = " << n << ", width " << wide << ", i = " << i;
              EXPECT_LE(std::abs(l[i] - std::log(x[i])),
                        4 * 2.3e-16 * std::max(std::abs(std::log(x[i])), 1.))
                << "n = " << n << ", width " << wide << ", i = " << i;
            }
        }
    }
}
#endif
