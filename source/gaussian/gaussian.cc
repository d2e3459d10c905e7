#include <kwfp/gaussian/gaussian.h>

#include <cmath>

namespace kwfp
{
  Gaussian::Gaussian(const DenseVector &mean, const DenseMatrix &covariance)
    : m(mean)
    , S(covariance)
    , S_inverse(spd_inverse(covariance))
    , log_normalization(-0.5 * (mean.size() * std::log(2 * M_PI) +
                                spd_log_determinant(covariance)))
  {}


  unsigned int
  Gaussian::dimension() const
  {
    return m.size();
  }


  const DenseVector &
  Gaussian::mean() const
  {
    return m;
  }


  const DenseMatrix &
  Gaussian::covariance() const
  {
    return S;
  }


  const DenseMatrix &
  Gaussian::precision() const
  {
    return S_inverse;
  }


  double
  Gaussian::log_normalization_constant() const
  {
    return log_normalization;
  }


  double
  Gaussian::log_density(const dealii::ArrayView<const double> &u) const
  {
    const unsigned int d = m.size();
    double             q = 0;
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int j = 0; j < d; ++j)
        q += (u[i] - m[i]) * S_inverse(i, j) * (u[j] - m[j]);
    return log_normalization - 0.5 * q;
  }


  double
  Gaussian::density(const dealii::ArrayView<const double> &u) const
  {
    return std::exp(log_density(u));
  }


  std::vector<double>
  Gaussian::mass_outside_box(const std::vector<double> &lower,
                             const std::vector<double> &upper) const
  {
    std::vector<double> mass(2 * m.size());
    for (unsigned int i = 0; i < m.size(); ++i)
      {
        const double sigma = std::sqrt(S(i, i));
        mass[2 * i] = 0.5 * std::erfc((m[i] - lower[i]) / (sigma * M_SQRT2));
        mass[2 * i + 1] =
          0.5 * std::erfc((upper[i] - m[i]) / (sigma * M_SQRT2));
      }
    return mass;
  }


  double
  kl_divergence(const Gaussian &p, const Gaussian &q)
  {
    const unsigned int d     = p.dimension();
    const DenseMatrix  Q_inv = spd_inverse(q.covariance());
    double             trace = 0, quadratic = 0;
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int j = 0; j < d; ++j)
        {
          trace += Q_inv(i, j) * p.covariance()(j, i);
          quadratic += (q.mean()[i] - p.mean()[i]) * Q_inv(i, j) *
                       (q.mean()[j] - p.mean()[j]);
        }
    return 0.5 * (trace + quadratic - d + spd_log_determinant(q.covariance()) -
                  spd_log_determinant(p.covariance()));
  }


  double
  wasserstein2_distance(const Gaussian &p, const Gaussian &q)
  {
    const unsigned int d      = p.dimension();
    const DenseMatrix  Q_half = symmetric_square_root(q.covariance());
    DenseMatrix        QP(d, d), QPQ(d, d);
    Q_half.mmult(QP, p.covariance());
    QP.mmult(QPQ, Q_half);
    const DenseMatrix cross = symmetric_square_root(QPQ);
    double            w2    = 0;
    for (unsigned int i = 0; i < d; ++i)
      w2 += std::pow(p.mean()[i] - q.mean()[i], 2) + p.covariance()(i, i) +
            q.covariance()(i, i) - 2 * cross(i, i);
    return std::sqrt(std::max(0.0, w2));
  }


  double
  kalman_fisher_information(const Gaussian    &rho,
                            const Gaussian    &rho_inf,
                            const DenseMatrix &C)
  {
    const unsigned int d     = rho.dimension();
    const DenseMatrix  B_inv = spd_inverse(rho_inf.covariance());
    DenseMatrix        D(B_inv);
    D.add(-1., spd_inverse(rho.covariance()));
    DenseVector m_minus_u0(rho.mean());
    m_minus_u0 -= rho_inf.mean();
    DenseVector v(d);
    B_inv.vmult(v, m_minus_u0);
    // tr(C D S D)
    DenseMatrix CD(d, d), CDS(d, d), CDSD(d, d);
    C.mmult(CD, D);
    CD.mmult(CDS, rho.covariance());
    CDS.mmult(CDSD, D);
    return CDSD.trace() + C.matrix_norm_square(v);
  }
} // namespace kwfp
