// The Smolyak sparse-grid rule of the Gaussian closure (issue 24): exact for
// every monomial of total degree <= 2l - 1 in d = 2, 3, 5, 10, not for
// xi_1^{2l} (by exactly l!), and its node counts.

#include <kwfp/gaussian_closure/gaussian_expectations.h>
#include <kwfp/gaussian_closure/smolyak_cubature.h>
#include <kwfp/potential/quadratic_potential.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <iostream>
#include <limits>
#include <vector>

namespace kwfp
{
  namespace
  {
    /// E[xi^alpha] under N(0, I): prod_j (alpha_j - 1)!! (0 if one is odd).
    double
    gaussian_moment(const std::vector<unsigned int> &alpha)
    {
      double r = 1;
      for (const unsigned int p : alpha)
        {
          if (p % 2 == 1)
            return 0;
          for (int j = int(p) - 1; j > 1; j -= 2)
            r *= j;
        }
      return r;
    }


    /// Call @p f with every exponent vector alpha in N^d, |alpha| <= q.
    void
    for_each_monomial(const unsigned int                                     d,
                      const unsigned int                                     q,
                      const std::function<void(std::vector<unsigned int> &)> f)
    {
      std::vector<unsigned int>                       alpha(d, 0);
      std::function<void(unsigned int, unsigned int)> visit =
        [&](const unsigned int a, const unsigned int left) {
          if (a == d)
            {
              f(alpha);
              return;
            }
          for (unsigned int p = 0; p <= left; ++p)
            {
              alpha[a] = p;
              visit(a + 1, left - p);
            }
          alpha[a] = 0;
        };
      visit(0, q);
    }


    /// sum_k w_k xi_k^alpha, and in @p magnitude sum_k |w_k xi_k^alpha|,
    /// the scale of its round-off; @p powers[k][a][p] = xi_ka^p.
    double
    rule_moment(const StandardCubature                              &rule,
                const std::vector<std::vector<std::vector<double>>> &powers,
                const std::vector<unsigned int>                     &alpha,
                double                                              &magnitude)
    {
      std::vector<unsigned int> active;
      for (unsigned int a = 0; a < alpha.size(); ++a)
        if (alpha[a] > 0)
          active.push_back(a);
      double s  = 0;
      magnitude = 0;
      for (unsigned int k = 0; k < rule.size(); ++k)
        {
          double x = rule.weights[k];
          for (const unsigned int a : active)
            x *= powers[k][a][alpha[a]];
          s += x;
          magnitude += std::abs(x);
        }
      return s;
    }


    /// xi_ka^p for p <= q.
    std::vector<std::vector<std::vector<double>>>
    node_powers(const StandardCubature &rule, const unsigned int q)
    {
      std::vector<std::vector<std::vector<double>>> powers(
        rule.size(),
        std::vector<std::vector<double>>(rule.dimension(),
                                         std::vector<double>(q + 1, 1.0)));
      for (unsigned int k = 0; k < rule.size(); ++k)
        for (unsigned int a = 0; a < rule.dimension(); ++a)
          for (unsigned int p = 1; p <= q; ++p)
            powers[k][a][p] = powers[k][a][p - 1] * rule.nodes(k, a);
      return powers;
    }
  } // namespace


  TEST(SmolyakCubature, ExactForTotalDegreeTwoLMinusOneNotTwoL)
  {
    // Every monomial xi^alpha with |alpha| <= 2l - 1 against the Gaussian
    // moments, to round-off: 1e-13 times sum_k |w_k xi_k^alpha| (the
    // condition of the sum; the nodes and weights of the one-dimensional
    // rules are accurate to a few ulps relative, the sum of N terms adds
    // at most N eps, N <= 1581 here; measured at most 4e-15 of it).
    // xi_1^{2l} is not exact: on a function of xi_1 alone the rule is the
    // l-point Gauss-Hermite rule, whose error on xi^{2l} = He_l^2 + (lower)
    // is E[He_l^2] = l!.
    const std::vector<std::pair<unsigned int, unsigned int>> cases = {{2, 6},
                                                                      {3, 5},
                                                                      {5, 4},
                                                                      {10, 4}};
    double                                                   worst = 0;
    for (const auto &[d, max_level] : cases)
      for (unsigned int l = 1; l <= max_level; ++l)
        {
          const StandardCubature rule = smolyak_rule(d, l);
          ASSERT_EQ(rule.dimension(), d);
          EXPECT_EQ(rule.exact_degree, 2 * l - 1);
          const auto   powers    = node_powers(rule, 2 * l);
          unsigned int n_checked = 0;
          for_each_monomial(d, 2 * l - 1, [&](std::vector<unsigned int> &a) {
            double       magnitude = 0;
            const double q         = rule_moment(rule, powers, a, magnitude);
            const double error     = std::abs(q - gaussian_moment(a));
            worst = std::max(worst, error / std::max(magnitude, 1e-300));
            ++n_checked;
            if (!(error <= 1e-13 * magnitude))
              ADD_FAILURE()
                << "d = " << d << ", l = " << l
                << ": a monomial of degree <= " << 2 * l - 1 << " off by "
                << error << " (scale " << magnitude << ")";
          });
          std::vector<unsigned int> next(d, 0);
          next[0]                = 2 * l;
          double       magnitude = 0;
          const double q         = rule_moment(rule, powers, next, magnitude);
          const double factorial = std::tgamma(l + 1.0);
          EXPECT_NEAR(gaussian_moment(next) - q, factorial, 1e-13 * magnitude)
            << "d = " << d << ", l = " << l << ": xi_1^" << 2 * l;
          std::cout << "    d = " << d << ", l = " << l << ": " << rule.size()
                    << " nodes, " << n_checked
                    << " monomials exact; error on xi_1^" << 2 * l << " "
                    << gaussian_moment(next) - q << " (l! = " << factorial
                    << ")" << std::endl;
        }
    std::cout << "    largest error / (sum |w xi^alpha|): " << worst
              << std::endl;
  }


  TEST(SmolyakCubature, NodeCountsAndWeights)
  {
    // The counts by hand: l = 1: the node 0; l = 2: 0 and +-e_j (0 has
    // weight 1 - d); l = 3: 2d^2 + 2d + 1; l = 4: 1 + 8d + 6d(d - 1) +
    // 4d(d - 1)(d - 2)/3 (s nonzero coordinates taking the nonzero nodes
    // of Gauss-Hermite rules whose orders sum to at most l + s - 1); d = 1:
    // the l-point rule. The built rule (nodes merged) has as many nodes as
    // smolyak_node_count() says, which gives the counts of the
    // documentation (d = 50, 100) without building the rules.
    for (const unsigned int d : {1u, 2u, 3u, 5u, 10u})
      for (unsigned int l = 1; l <= 5; ++l)
        {
          const StandardCubature rule = smolyak_rule(d, l);
          EXPECT_EQ(rule.size(), smolyak_node_count(d, l))
            << "d = " << d << ", l = " << l;
          // sum w = 1 to round-off of the sum of terms of both signs
          double sum = 0, sum_abs = 0;
          for (const double w : rule.weights)
            {
              sum += w;
              sum_abs += std::abs(w);
            }
          EXPECT_NEAR(sum, 1.0, 1e-13 * sum_abs)
            << "d = " << d << ", l = " << l;
          const double dd      = d;
          double       by_hand = d == 1 ? l :
                                 l == 1 ? 1 :
                                 l == 2 ? 2 * dd + 1 :
                                 l == 3 ? 2 * dd * dd + 2 * dd + 1 :
                                 l == 4 ? 1 + 8 * dd + 6 * dd * (dd - 1) +
                                      4 * dd * (dd - 1) * (dd - 2) / 3 :
                                          -1;
          if (by_hand > 0)
            {
              EXPECT_EQ(rule.size(), by_hand) << "d = " << d << ", l = " << l;
            }
          if (l == 2 && d >= 2)
            {
              unsigned int center = rule.size();
              for (unsigned int k = 0; k < rule.size(); ++k)
                {
                  bool zero = true;
                  for (unsigned int a = 0; a < d; ++a)
                    zero = zero && rule.nodes(k, a) == 0;
                  if (zero)
                    center = k;
                }
              ASSERT_LT(center, rule.size());
              EXPECT_NEAR(rule.weights[center], 1.0 - d, 1e-14);
            }
        }
    // beyond what is built: the count grows like d^{l-1} 2^{l-1}/(l-1)!
    EXPECT_EQ(smolyak_node_count(100, 3), 2 * 100 * 100 + 2 * 100 + 1);
    EXPECT_EQ(smolyak_node_count(50, 2), 101);
  }


  TEST(SmolyakCubature, DerivativeFreeFormOnAQuadraticNeedsLevelThree)
  {
    // Phi_R = 1/2 (u - u_0)^T B^{-1} (u - u_0) in d = 10 under N(m, C),
    // C = L L^T. The derivative-free form needs degree 4 (xi xi^T Phi_R):
    // level 3 (degree 5, 221 nodes) gives E[Hess] = B^{-1} and E[grad] =
    // B^{-1} (m - u_0) to round-off (1e-12 relative; weights as large as
    // 1 - d in magnitude). Level 2 (degree 3: nodes 0 with weight 1 - d,
    // +-e_j with 1/2) gives, with M = L^T B^{-1} L, E[(xi xi^T - I)
    // xi^T M xi / 2] = (diag(M) - tr(M) I) / 2 in place of M: computed here
    // and matched to round-off, so the test sees the rule's degree.
    const unsigned int d = 10;
    DenseMatrix        B(d, d), C(d, d);
    DenseVector        u0(d), m(d);
    for (unsigned int a = 0; a < d; ++a)
      {
        u0[a]   = std::sin(1.0 + a);
        m[a]    = -1 + 0.2 * a;
        B(a, a) = 0.5, C(a, a) = 2 + 0.1 * a;
        if (a + 1 < d)
          {
            B(a, a + 1) = B(a + 1, a) = 0.15;
            C(a, a + 1) = C(a + 1, a) = 0.4;
          }
      }
    const QuadraticPotential phi(u0, B);
    const DenseMatrix        P = spd_inverse(B);
    DenseVector              dm(m), gradient(d);
    dm -= u0;
    P.vmult(gradient, dm);
    const double scale   = P.linfty_norm();
    const auto   level_3 = GaussianExpectation(phi,
                                             smolyak_rule(d, 3),
                                             ExpectationForm::derivative_free)
                           .evaluate(m, C);
    const auto level_2 = GaussianExpectation(phi,
                                             smolyak_rule(d, 2),
                                             ExpectationForm::derivative_free)
                           .evaluate(m, C);
    // level 2: L^{-T} (diag(M) - tr(M) I) / 2 L^{-1}
    const DenseMatrix L = cholesky_factor(C);
    DenseMatrix       PL(d, d), M(d, d);
    P.mmult(PL, L);
    L.Tmmult(M, PL);
    DenseMatrix Q(d, d);
    for (unsigned int a = 0; a < d; ++a)
      Q(a, a) = 0.5 * (M(a, a) - M.trace());
    solve_lower_transpose(L, Q);
    DenseMatrix X;
    X.copy_transposed(Q);
    solve_lower_transpose(L, X);
    double error_3 = 0, error_2 = 0, distance_2 = 0;
    for (unsigned int a = 0; a < d; ++a)
      {
        error_3 =
          std::max(error_3, std::abs(level_3.gradient[a] - gradient[a]));
        for (unsigned int b = 0; b < d; ++b)
          {
            error_3 =
              std::max(error_3, std::abs(level_3.hessian(a, b) - P(a, b)));
            error_2 =
              std::max(error_2, std::abs(level_2.hessian(a, b) - X(b, a)));
            distance_2 =
              std::max(distance_2, std::abs(level_2.hessian(a, b) - P(a, b)));
          }
      }
    std::cout << "    level 3: error " << error_3 << "; level 2: " << distance_2
              << " from B^{-1}, " << error_2 << " from its prediction (scale "
              << scale << ")" << std::endl;
    EXPECT_LT(error_3, 1e-12 * scale);
    EXPECT_LT(error_2, 1e-12 * scale);
    EXPECT_GT(distance_2, 0.1 * scale);
  }
} // namespace kwfp
