#include <kwfp/gaussian_closure/smolyak_cubature.h>

#include <cstdint>
#include <map>
#include <stdexcept>
#include <vector>

namespace kwfp
{
  namespace
  {
    /// binom(n, k) as a double.
    double
    binomial(const unsigned int n, const unsigned int k)
    {
      if (k > n)
        return 0;
      double b = 1;
      for (unsigned int j = 1; j <= k; ++j)
        b = b * (n - k + j) / j;
      return b;
    }


    /**
     * The combination technique of smolyak_rule(): visits every multi-index
     * i (l <= |i| <= l + d - 1) and adds its tensor rule, with the
     * combination coefficient, to a map from nodes to summed weights. A node
     * is keyed by one id per coordinate: 0 for the node 0 (shared by the
     * odd orders), else 1 + (the index of the node among the nodes of all
     * orders 1, ..., l), so identical nodes merge exactly.
     */
    class SmolyakCombination
    {
    public:
      SmolyakCombination(const unsigned int d, const unsigned int l)
        : d(d)
        , l(l)
        , order(d, 1)
      {
        rules.resize(l + 1);
        first_id.assign(l + 2, 1);
        for (unsigned int n = 1; n <= l; ++n)
          {
            rules[n]        = gauss_hermite_rule(n);
            first_id[n + 1] = first_id[n] + n;
          }
        values.assign(first_id[l + 1], 0.0);
        for (unsigned int n = 1; n <= l; ++n)
          for (unsigned int k = 0; k < n; ++k)
            values[id(n, k)] = rules[n].nodes(k, 0);
        visit(0, 0);
      }

      /// The merged rule.
      StandardCubature
      rule() const
      {
        StandardCubature rule;
        rule.nodes.reinit(weights.size(), d);
        rule.weights.reserve(weights.size());
        rule.exact_degree = 2 * l - 1;
        unsigned int row  = 0;
        for (const auto &[key, w] : weights)
          {
            for (unsigned int a = 0; a < d; ++a)
              rule.nodes(row, a) = values[key[a]];
            rule.weights.push_back(w);
            ++row;
          }
        return rule;
      }

    private:
      /// The id of node @p k of the @p n-point rule.
      std::uint16_t
      id(const unsigned int n, const unsigned int k) const
      {
        return (n % 2 == 1 && k == n / 2) ? 0 : first_id[n] + k;
      }

      /// Choose i_a, ..., i_d (the excesses i_j - 1 so far sum to @p used).
      void
      visit(const unsigned int a, const unsigned int used)
      {
        if (a == d)
          {
            // q - |i| = l + d - 1 - (d + used), between 0 and d - 1
            if (used + d < l)
              return;
            const unsigned int gap = l - 1 - used;
            add_tensor((gap % 2 == 0 ? 1.0 : -1.0) * binomial(d - 1, gap));
            return;
          }
        for (unsigned int e = 0; used + e <= l - 1; ++e)
          {
            order[a] = 1 + e;
            visit(a + 1, used + e);
          }
        order[a] = 1;
      }

      /// Add the tensor rule of the orders @p order times @p coefficient.
      void
      add_tensor(const double coefficient)
      {
        std::vector<unsigned int>  k(d, 0);
        std::vector<std::uint16_t> key(d);
        while (true)
          {
            double w = coefficient;
            for (unsigned int a = 0; a < d; ++a)
              {
                w *= rules[order[a]].weights[k[a]];
                key[a] = id(order[a], k[a]);
              }
            weights[key] += w;
            unsigned int a = 0;
            for (; a < d; ++a)
              {
                if (++k[a] < order[a])
                  break;
                k[a] = 0;
              }
            if (a == d)
              return;
          }
      }

      const unsigned int                           d;
      const unsigned int                           l;
      std::vector<unsigned int>                    order;
      std::vector<StandardCubature>                rules;
      std::vector<unsigned int>                    first_id;
      std::vector<double>                          values;
      std::map<std::vector<std::uint16_t>, double> weights;
    };
  } // namespace


  StandardCubature
  smolyak_rule(const unsigned int d, const unsigned int l)
  {
    if (d == 0 || l == 0 || l > 40)
      throw std::invalid_argument(
        "smolyak_rule: the dimension must be positive and the level 1 to 40");
    return SmolyakCombination(d, l).rule();
  }


  double
  smolyak_node_count(const unsigned int d, const unsigned int l)
  {
    if (d == 0 || l == 0)
      throw std::invalid_argument("smolyak_node_count: d and l must be >= 1");
    if (d == 1)
      return l;
    // P[s][t]: the choices of s nonzero coordinates (orders n_j >= 2 summing
    // to t, 2 floor(n_j / 2) nonzero nodes each); s < l and t <= 2l suffice
    const unsigned int               t_max = 2 * l;
    std::vector<std::vector<double>> P(l + 1,
                                       std::vector<double>(t_max + 1, 0.0));
    P[0][0] = 1;
    for (unsigned int s = 1; s <= l; ++s)
      for (unsigned int t = 0; t <= t_max; ++t)
        for (unsigned int n = 2; n <= t; ++n)
          P[s][t] += P[s - 1][t - n] * 2 * (n / 2);
    double count = 0;
    for (unsigned int s = 0; s <= std::min(d, l); ++s)
      for (unsigned int t = 0; t <= t_max; ++t)
        {
          const bool in =
            (s < d) ? (t + 1 <= l + s) : (t >= l && t + 1 <= l + d);
          if (in)
            count += binomial(d, s) * P[s][t];
        }
    return count;
  }
} // namespace kwfp
