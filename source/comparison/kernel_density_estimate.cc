#include <kwfp/base/errors.h>
#include <kwfp/comparison/kernel_density_estimate.h>

#include <boost/math/special_functions/gamma.hpp>

#include <cmath>

namespace kwfp
{
  namespace
  {
    constexpr double bin_width = KernelDensityEstimate::cutoff / 2;
  }


  BandwidthRule
  parse_bandwidth_rule(const std::string &name)
  {
    if (name == "Scott")
      return BandwidthRule::scott;
    if (name == "Silverman")
      return BandwidthRule::silverman;
    throw InputError("Comparison/Bandwidth rule",
                     "unknown rule '" + name + "'; use Scott or Silverman");
  }


  double
  KernelDensityEstimate::bandwidth(const BandwidthRule rule,
                                   const unsigned int  dimension,
                                   const double        n_particles)
  {
    const double scott = std::pow(n_particles, -1.0 / (dimension + 4));
    return rule == BandwidthRule::scott ?
             scott :
             std::pow(4.0 / (dimension + 2), 1.0 / (dimension + 4)) * scott;
  }


  double
  KernelDensityEstimate::gaussian_l1_error_bound(const unsigned int d,
                                                 const double       J,
                                                 const double       h)
  {
    const double s2 = 1 + h * h;
    const double r2 = d * s2 * std::log(s2) / (s2 - 1);
    // F_d(x) = P(chi^2_d <= x) = P(d/2, x/2), the regularized gamma function
    const double bias = 2 * (boost::math::gamma_p(0.5 * d, 0.5 * r2) -
                             boost::math::gamma_p(0.5 * d, 0.5 * r2 / s2));
    const double variance =
      std::sqrt(std::pow(4 * M_PI, -0.5 * d) * std::pow(h, -1.0 * d) / J) *
      std::pow(2 * M_PI, 0.25 * d) * std::pow(2.0, 0.5 * d) *
      std::pow(1 + 0.5 * h * h, 0.25 * d);
    return bias + variance;
  }


  KernelDensityEstimate::KernelDensityEstimate(const DenseMatrix  &particles,
                                               const BandwidthRule rule)
    : d(particles.n())
    , J(particles.m())
  {
    DenseVector mean(d);
    for (unsigned int j = 0; j < J; ++j)
      for (unsigned int i = 0; i < d; ++i)
        mean[i] += particles(j, i) / J;
    DenseMatrix C(d, d);
    for (unsigned int j = 0; j < J; ++j)
      for (unsigned int i = 0; i < d; ++i)
        for (unsigned int k = 0; k < d; ++k)
          C(i, k) +=
            (particles(j, i) - mean[i]) * (particles(j, k) - mean[k]) / J;
    h = bandwidth(rule, d, J);
    H = C;
    H *= h * h;
    DenseMatrix L;
    try
      {
        L = cholesky_factor(C);
      }
    catch (const std::domain_error &)
      {
        throw RunFailure("the kernel density estimate needs an ensemble "
                         "covariance of full rank; this ensemble's is "
                         "singular (J <= d or a collapsed ensemble)");
      }
    double log_det_L = 0;
    for (unsigned int i = 0; i < d; ++i)
      log_det_L += std::log(L(i, i));
    // f = 1/J sum (2 pi)^{-d/2} det(H)^{-1/2} exp(-|y - y_j|^2 / 2)
    normalization =
      std::exp(-0.5 * d * std::log(2 * M_PI) - d * std::log(h) - log_det_L) / J;
    whitening = L;
    whitening.gauss_jordan(); // L^{-1}
    whitening *= 1 / h;
    whitened.resize(J * d);
    for (unsigned int j = 0; j < J; ++j)
      for (unsigned int i = 0; i < d; ++i)
        {
          double y = 0;
          for (unsigned int k = 0; k <= i; ++k)
            y += whitening(i, k) * particles(j, k);
          whitened[j * d + i] = y;
        }
    if (d <= 3)
      for (unsigned int j = 0; j < J; ++j)
        bins[bin_of(&whitened[j * d])].push_back(j);
  }


  KernelDensityEstimate::BinKey
  KernelDensityEstimate::bin_of(const double *y) const
  {
    BinKey key{{0, 0, 0}};
    for (unsigned int i = 0; i < d; ++i)
      key[i] = static_cast<long>(std::floor(y[i] / bin_width));
    return key;
  }


  double
  KernelDensityEstimate::value(const double *x) const
  {
    double              z[3] = {0, 0, 0};
    std::vector<double> z_long;
    double             *y = z;
    if (d > 3)
      {
        z_long.resize(d);
        y = z_long.data();
      }
    for (unsigned int i = 0; i < d; ++i)
      {
        double s = 0;
        for (unsigned int k = 0; k <= i; ++k)
          s += whitening(i, k) * x[k];
        y[i] = s;
      }
    const double r2  = cutoff * cutoff;
    double       sum = 0;
    const auto   add = [&](const unsigned int j) {
      double distance2 = 0;
      for (unsigned int i = 0; i < d; ++i)
        distance2 += std::pow(y[i] - whitened[j * d + i], 2);
      if (distance2 < r2)
        sum += std::exp(-0.5 * distance2);
    };
    if (d > 3)
      {
        for (unsigned int j = 0; j < J; ++j)
          add(j);
        return normalization * sum;
      }
    // the bins within 'cutoff' (two bin widths) in every direction
    const BinKey center   = bin_of(y);
    const int    reach[3] = {2, d > 1 ? 2 : 0, d > 2 ? 2 : 0};
    for (int a = -reach[0]; a <= reach[0]; ++a)
      for (int b = -reach[1]; b <= reach[1]; ++b)
        for (int c = -reach[2]; c <= reach[2]; ++c)
          {
            const auto bin =
              bins.find(BinKey{{center[0] + a, center[1] + b, center[2] + c}});
            if (bin != bins.end())
              for (const unsigned int j : bin->second)
                add(j);
          }
    return normalization * sum;
  }


  double
  KernelDensityEstimate::bandwidth() const
  {
    return h;
  }
} // namespace kwfp
