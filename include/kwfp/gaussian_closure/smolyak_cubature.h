#ifndef kwfp_gaussian_closure_smolyak_cubature_h
#define kwfp_gaussian_closure_smolyak_cubature_h

#include <kwfp/gaussian_closure/cubature.h>

namespace kwfp
{
  /**
   * @brief The Smolyak sparse-grid rule of level @p level (l >= 1) for
   * N(0, I_d), built from the one-dimensional Gauss-Hermite rules U^i of
   * i points (gauss_hermite_rule(i), degree 2i - 1) by the combination
   * technique (Smolyak 1963; Wasilkowski and Wozniakowski 1995; Gerstner
   * and Griebel 1998):
   *
   *   A(l, d) = sum_{l <= |i| <= l + d - 1} (-1)^{l + d - 1 - |i|}
   *             binom(d - 1, l + d - 1 - |i|) U^{i_1} x ... x U^{i_d},
   *
   * i in N^d, i_j >= 1, |i| = i_1 + ... + i_d. The nodes of the tensor
   * rules are merged (Gauss-Hermite rules of different orders share only
   * the node 0, which every odd order has; nodes are identified exactly,
   * by their order and index, not by comparing floating-point values) and
   * their weights summed; weights may be negative (they sum to 1).
   *
   * Exactness (in xi, total degree as in StandardCubature): A(l, d) is
   * exact for every monomial xi^alpha with sum_j floor(alpha_j / 2) <= l - 1
   * (it is exact on U^{i_1} x ... x U^{i_d}'s space whenever some i with
   * |i| = l + d - 1 has alpha_j <= 2 i_j - 1; take i_j = floor(alpha_j/2) + 1)
   * and for every monomial with an odd exponent (all the rules are
   * symmetric), so for total degree 2l - 1. Not for 2l: on a function of
   * xi_1 alone A(l, d) is U^l, whose error on xi_1^{2l} is l!.
   *
   * Nodes: smolyak_node_count(). For l = 1 the single node 0 (degree 1);
   * for l = 2 (d >= 2) the 2d + 1 nodes 0 (weight 1 - d) and +-e_j (weight
   * 1/2), degree 3.
   */
  StandardCubature
  smolyak_rule(const unsigned int dimension, const unsigned int level);

  /**
   * The number of nodes of smolyak_rule(@p dimension, @p level) without
   * building it (as a double: it may exceed every integer type for large
   * d and l). A node with s nonzero coordinates, coordinate j the k-th
   * nonzero node of the Gauss-Hermite rule of n_j >= 2 points (2
   * floor(n_j / 2) choices), belongs to the rule if
   * sum_j n_j + (d - s) <= l + d - 1 when s < d (the zero coordinates take
   * odd orders; for d >= 2 the range of |i| holds both parities), and
   * l <= sum_j n_j <= l + d - 1 when s = d (for d = 1 the node 0 belongs to
   * U^l when l is odd).
   */
  double
  smolyak_node_count(const unsigned int dimension, const unsigned int level);
} // namespace kwfp

#endif
