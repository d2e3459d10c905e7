#include <kwfp/gaussian_closure/cubature.h>
#include <kwfp/particles/random_stream.h>

#include <deal.II/lac/lapack_full_matrix.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace kwfp
{
  const NamedSelection<CubatureType> &
  cubature_selection()
  {
    static const NamedSelection<CubatureType> selection{
      {"Gauss-Hermite", CubatureType::gauss_hermite},
      {"unscented", CubatureType::unscented},
      {"Monte Carlo", CubatureType::monte_carlo},
      {"Smolyak", CubatureType::smolyak}};
    return selection;
  }


  StandardCubature
  gauss_hermite_rule(const unsigned int n)
  {
    if (n == 0)
      throw std::invalid_argument("gauss_hermite_rule: no points");
    StandardCubature rule;
    rule.nodes.reinit(n, 1);
    rule.weights.resize(n);
    rule.exact_degree = 2 * n - 1;
    if (n == 1)
      {
        rule.nodes(0, 0) = 0;
        rule.weights[0]  = 1;
        return rule;
      }
    // Jacobi matrix of the monic probabilists' Hermite polynomials,
    // x He_k = He_{k+1} + k He_{k-1}: off-diagonal sqrt(k).
    dealii::LAPACKFullMatrix<double> jacobi(n, n);
    for (unsigned int k = 1; k < n; ++k)
      {
        jacobi(k, k - 1) = std::sqrt(static_cast<double>(k));
        jacobi(k - 1, k) = jacobi(k, k - 1);
      }
    jacobi.set_property(dealii::LAPACKSupport::symmetric);
    dealii::Vector<double>     eigenvalues;
    dealii::FullMatrix<double> eigenvectors;
    const double               big = 10.0 * std::sqrt(4.0 * n);
    jacobi.compute_eigenvalues_symmetric(
      -big, big, 0.0, eigenvalues, eigenvectors);
    if (eigenvalues.size() != n)
      throw std::runtime_error("gauss_hermite_rule: eigenvalues not found");
    double sum = 0;
    for (unsigned int i = 0; i < n; ++i)
      {
        rule.nodes(i, 0) = eigenvalues[i];
        rule.weights[i]  = eigenvectors(0, i) * eigenvectors(0, i);
        sum += rule.weights[i];
      }
    // the eigenvectors are normalized to round-off; make sum w = 1 exact
    for (double &w : rule.weights)
      w /= sum;
    // symmetric rule: symmetrize the round-off of the nodes and weights
    for (unsigned int i = 0; i < n / 2; ++i)
      {
        const unsigned int j = n - 1 - i;
        const double       x = 0.5 * (rule.nodes(j, 0) - rule.nodes(i, 0));
        const double       w = 0.5 * (rule.weights[i] + rule.weights[j]);
        rule.nodes(i, 0)     = -x;
        rule.nodes(j, 0)     = x;
        rule.weights[i] = rule.weights[j] = w;
      }
    if (n % 2 == 1)
      rule.nodes(n / 2, 0) = 0;
    return rule;
  }


  StandardCubature
  tensor_gauss_hermite_rule(const unsigned int d, const unsigned int n)
  {
    const StandardCubature one  = gauss_hermite_rule(n);
    double                 size = std::pow(static_cast<double>(n), d);
    if (size > 1e8)
      throw std::invalid_argument(
        "tensor_gauss_hermite_rule: more than 1e8 nodes");
    const unsigned int N = static_cast<unsigned int>(size);
    StandardCubature   rule;
    rule.nodes.reinit(N, d);
    rule.weights.assign(N, 1.0);
    rule.exact_degree = 2 * n - 1;
    for (unsigned int k = 0; k < N; ++k)
      {
        unsigned int index = k;
        for (unsigned int a = 0; a < d; ++a)
          {
            const unsigned int i = index % n;
            index /= n;
            rule.nodes(k, a) = one.nodes(i, 0);
            rule.weights[k] *= one.weights[i];
          }
      }
    return rule;
  }


  StandardCubature
  unscented_rule(const unsigned int d)
  {
    StandardCubature rule;
    rule.nodes.reinit(2 * d + 1, d);
    rule.weights.assign(2 * d + 1, 0.5 / (d + 1));
    rule.weights[0]     = 1.0 / (d + 1);
    rule.exact_degree   = 3;
    const double spread = std::sqrt(static_cast<double>(d + 1));
    for (unsigned int a = 0; a < d; ++a)
      {
        rule.nodes(1 + 2 * a, a) = spread;
        rule.nodes(2 + 2 * a, a) = -spread;
      }
    return rule;
  }


  StandardCubature
  monte_carlo_rule(const unsigned int  d,
                   const unsigned int  n_samples,
                   const std::uint64_t seed,
                   const std::uint64_t first_pair)
  {
    if (n_samples < 2 || n_samples % 2 != 0)
      throw std::invalid_argument(
        "monte_carlo_rule: the number of samples must be even and >= 2");
    StandardCubature rule;
    rule.nodes.reinit(n_samples, d);
    rule.weights.assign(n_samples, 1.0 / n_samples);
    rule.exact_degree = 1;
    for (unsigned int j = 0; j < n_samples / 2; ++j)
      {
        RandomStream random(seed,
                            first_pair + j,
                            RandomPurpose::gaussian_closure,
                            0);
        for (unsigned int a = 0; a < d; ++a)
          {
            const double z           = random.normal();
            rule.nodes(2 * j, a)     = z;
            rule.nodes(2 * j + 1, a) = -z;
          }
      }
    return rule;
  }
} // namespace kwfp
