#include <kwfp/potential/gaussian_mixture_potential.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace kwfp
{
  GaussianMixturePotential::GaussianMixturePotential(
    const std::vector<double>      &w,
    const std::vector<DenseVector> &mu,
    const std::vector<DenseMatrix> &Sigma)
    : means(mu)
    , covariances(Sigma)
  {
    if (w.empty() || w.size() != mu.size() || w.size() != Sigma.size())
      throw std::invalid_argument(
        "Gaussian mixture: as many weights, means and covariances needed");
    const double       total = std::accumulate(w.begin(), w.end(), 0.);
    const unsigned int d     = mu[0].size();
    for (unsigned int k = 0; k < w.size(); ++k)
      {
        if (!(w[k] > 0))
          throw std::invalid_argument("Gaussian mixture: weights must be > 0");
        if (mu[k].size() != d || Sigma[k].m() != d || Sigma[k].n() != d)
          throw std::invalid_argument("Gaussian mixture: sizes differ");
        weights.push_back(w[k] / total);
        precisions.push_back(spd_inverse(Sigma[k]));
        log_constants.push_back(std::log(weights[k]) -
                                0.5 * d * std::log(2 * M_PI) -
                                0.5 * spd_log_determinant(Sigma[k]));
      }
  }


  void
  GaussianMixturePotential::components(const dealii::ArrayView<const double> &u,
                                       std::vector<double>      &log_terms,
                                       std::vector<DenseVector> &g) const
  {
    const unsigned int d = dimension();
    log_terms.resize(weights.size());
    g.resize(weights.size());
    DenseVector diff(d);
    for (unsigned int k = 0; k < weights.size(); ++k)
      {
        for (unsigned int a = 0; a < d; ++a)
          diff[a] = u[a] - means[k][a];
        g[k].reinit(d);
        precisions[k].vmult(g[k], diff);
        log_terms[k] = log_constants[k] - 0.5 * (diff * g[k]);
      }
  }


  namespace
  {
    /// log sum exp, and the normalized exp(t_k - lse) in @p r.
    double
    log_sum_exp(const std::vector<double> &t, std::vector<double> &r)
    {
      const double m = *std::max_element(t.begin(), t.end());
      double       s = 0;
      r.resize(t.size());
      for (unsigned int k = 0; k < t.size(); ++k)
        s += (r[k] = std::exp(t[k] - m));
      for (double &x : r)
        x /= s;
      return m + std::log(s);
    }
  } // namespace


  double
  GaussianMixturePotential::value(
    const dealii::ArrayView<const double> &u) const
  {
    std::vector<double>      t, r;
    std::vector<DenseVector> g;
    components(u, t, g);
    return -log_sum_exp(t, r);
  }


  void
  GaussianMixturePotential::gradient(
    const dealii::ArrayView<const double> &u,
    const dealii::ArrayView<double>       &gradient) const
  {
    std::vector<double>      t, r;
    std::vector<DenseVector> g;
    components(u, t, g);
    log_sum_exp(t, r);
    std::fill(gradient.begin(), gradient.end(), 0.);
    for (unsigned int k = 0; k < r.size(); ++k)
      for (unsigned int a = 0; a < dimension(); ++a)
        gradient[a] += r[k] * g[k][a];
  }


  DenseMatrix
  GaussianMixturePotential::hessian(
    const dealii::ArrayView<const double> &u) const
  {
    const unsigned int       d = dimension();
    std::vector<double>      t, r;
    std::vector<DenseVector> g;
    components(u, t, g);
    log_sum_exp(t, r);
    DenseVector grad(d);
    for (unsigned int k = 0; k < r.size(); ++k)
      grad.add(r[k], g[k]);
    DenseMatrix H(d, d);
    for (unsigned int k = 0; k < r.size(); ++k)
      for (unsigned int a = 0; a < d; ++a)
        for (unsigned int b = 0; b < d; ++b)
          H(a, b) += r[k] * (precisions[k](a, b) - g[k][a] * g[k][b]);
    for (unsigned int a = 0; a < d; ++a)
      for (unsigned int b = 0; b < d; ++b)
        H(a, b) += grad[a] * grad[b];
    return H;
  }


  std::optional<Gaussian>
  GaussianMixturePotential::stationary_gaussian() const
  {
    if (weights.size() == 1)
      return Gaussian(means[0], covariances[0]);
    return std::nullopt;
  }


  DenseVector
  GaussianMixturePotential::mean() const
  {
    DenseVector m(dimension());
    for (unsigned int k = 0; k < weights.size(); ++k)
      m.add(weights[k], means[k]);
    return m;
  }


  DenseMatrix
  GaussianMixturePotential::covariance() const
  {
    const unsigned int d = dimension();
    const DenseVector  m = mean();
    DenseMatrix        C(d, d);
    for (unsigned int k = 0; k < weights.size(); ++k)
      for (unsigned int a = 0; a < d; ++a)
        for (unsigned int b = 0; b < d; ++b)
          C(a, b) +=
            weights[k] * (covariances[k](a, b) + means[k][a] * means[k][b]);
    for (unsigned int a = 0; a < d; ++a)
      for (unsigned int b = 0; b < d; ++b)
        C(a, b) -= m[a] * m[b];
    return C;
  }


  std::string
  GaussianMixturePotential::description() const
  {
    std::ostringstream s;
    s << "Gaussian mixture of " << weights.size() << " component(s), weights";
    for (const double w : weights)
      s << " " << w;
    return s.str();
  }
} // namespace kwfp
