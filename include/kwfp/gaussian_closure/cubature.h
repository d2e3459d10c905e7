#ifndef kwfp_gaussian_closure_cubature_h
#define kwfp_gaussian_closure_cubature_h

#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/named_selection.h>

#include <cstdint>
#include <string>
#include <vector>

namespace kwfp
{
  /// How the Gaussian closure computes expectations under N(m, C).
  enum class CubatureType
  {
    gauss_hermite, ///< tensor Gauss-Hermite rule, n^d nodes
    unscented,     ///< 2d + 1 sigma points, degree 3
    monte_carlo,   ///< antithetic Monte Carlo nodes with a fixed seed
    smolyak ///< Smolyak sparse grid of Gauss-Hermite rules, degree 2l - 1
  };

  /// The names of CubatureType in parameter files.
  const NamedSelection<CubatureType> &
  cubature_selection();

  /**
   * @brief A rule for expectations under the standard normal N(0, I_d):
   *   E[f(xi)] ~ sum_k w_k f(xi_k).
   * Under N(m, C) with C = L L^T (Cholesky) the nodes are u_k = m + L xi_k;
   * the rule is exact for a polynomial p(u) of degree q whenever it is exact
   * for every polynomial of degree q in xi (degree is invariant under the
   * affine map), so exactness below is stated in xi.
   */
  struct StandardCubature
  {
    /// The nodes xi_k, one per row (n x d).
    DenseMatrix nodes;
    /// The weights w_k (sum 1).
    std::vector<double> weights;
    /// The largest q such that every polynomial of total degree <= q is
    /// integrated exactly (for Monte Carlo: 1, the odd moments of the
    /// antithetic pairs; the even ones carry the sampling error).
    unsigned int exact_degree = 0;

    /// d.
    unsigned int
    dimension() const
    {
      return nodes.n();
    }
    /// The number of nodes n.
    unsigned int
    size() const
    {
      return weights.size();
    }
  };

  /**
   * The n-point Gauss-Hermite rule of the standard normal N(0, 1) (the
   * probabilists' Hermite polynomials): the nodes are the eigenvalues of
   * the Jacobi matrix with zero diagonal and off-diagonal sqrt(1), ...,
   * sqrt(n - 1), the weights the squared first components of its normalized
   * eigenvectors (Golub and Welsch 1969). Exact for degree 2n - 1.
   */
  StandardCubature
  gauss_hermite_rule(const unsigned int n_points);

  /**
   * The tensor product of @p n_points-point Gauss-Hermite rules in
   * dimension @p dimension: n^d nodes, exact for every polynomial whose
   * degree in each coordinate is at most 2n - 1 (so for total degree
   * 2n - 1).
   */
  StandardCubature
  tensor_gauss_hermite_rule(const unsigned int dimension,
                            const unsigned int n_points);

  /**
   * The unscented (sigma-point) rule of Julier and Uhlmann with kappa = 1:
   * xi_0 = 0 with weight 1/(d + 1), xi_{+-i} = +-sqrt(d + 1) e_i with
   * weight 1/(2(d + 1)); 2d + 1 nodes, positive weights. Exact for every
   * polynomial of total degree <= 3: the odd moments vanish by symmetry and
   * sum_k w_k xi_k xi_k^T = I. Not for degree 4: E[xi_i^4] = d + 1 (3 only
   * for d = 2) and E[xi_i^2 xi_j^2] = 0 (i != j, 1 exactly).
   */
  StandardCubature
  unscented_rule(const unsigned int dimension);

  /**
   * Monte Carlo nodes: @p n_samples / 2 standard normal vectors
   * z_j (j = @p first_pair, ...) of the counter-based stream
   * (seed, j, RandomPurpose::gaussian_closure), each used with its mirror
   * image -z_j (antithetic pairs: the odd moments are exact), equal weights
   * 1/n. The same seed gives the same nodes on any machine; nodes from
   * disjoint ranges of pairs are independent (batches for standard
   * errors). @p n_samples must be even.
   */
  StandardCubature
  monte_carlo_rule(const unsigned int  dimension,
                   const unsigned int  n_samples,
                   const std::uint64_t seed,
                   const std::uint64_t first_pair = 0);
} // namespace kwfp

#endif
