#include <kwfp/potential/quadratic_potential.h>

#include <stdexcept>

namespace kwfp
{
  QuadraticPotential::QuadraticPotential(const DenseVector &minimizer,
                                         const DenseMatrix &covariance)
    : u_0(minimizer)
    , B(covariance)
    , B_inverse(spd_inverse(covariance))
  {}


  unsigned int
  QuadraticPotential::dimension() const
  {
    return u_0.size();
  }


  double
  QuadraticPotential::value(const dealii::ArrayView<const double> &u) const
  {
    double q = 0;
    for (unsigned int i = 0; i < u_0.size(); ++i)
      for (unsigned int j = 0; j < u_0.size(); ++j)
        q += (u[i] - u_0[i]) * B_inverse(i, j) * (u[j] - u_0[j]);
    return 0.5 * q;
  }


  void
  QuadraticPotential::gradient(const dealii::ArrayView<const double> &u,
                               const dealii::ArrayView<double>       &g) const
  {
    for (unsigned int i = 0; i < u_0.size(); ++i)
      {
        double s = 0;
        for (unsigned int j = 0; j < u_0.size(); ++j)
          s += B_inverse(i, j) * (u[j] - u_0[j]);
        g[i] = s;
      }
  }


  void
  QuadraticPotential::gradients(const DenseMatrix &points,
                                DenseMatrix       &gradients) const
  {
    // rows (u_j - u_0)^T B^{-1} (B^{-1} is symmetric)
    const unsigned int d = u_0.size();
    const unsigned int n = points.m();
    if (gradients.m() != n || gradients.n() != d)
      gradients.reinit(n, d);
    if (n == 0)
      return;
    if (d <= 4)
      {
        // direct: no temporary matrix and no BLAS call for a 4 x 4 product
        double B_inv[16], u0[4], e[4];
        for (unsigned int i = 0; i < d; ++i)
          {
            u0[i] = u_0[i];
            for (unsigned int k = 0; k < d; ++k)
              B_inv[i * d + k] = B_inverse(i, k);
          }
        for (unsigned int j = 0; j < n; ++j)
          {
            for (unsigned int i = 0; i < d; ++i)
              e[i] = points(j, i) - u0[i];
            for (unsigned int k = 0; k < d; ++k)
              {
                double sum = 0;
                for (unsigned int i = 0; i < d; ++i)
                  sum += e[i] * B_inv[i * d + k];
                gradients(j, k) = sum;
              }
          }
        return;
      }
    DenseMatrix deviations(points);
    for (unsigned int j = 0; j < n; ++j)
      for (unsigned int i = 0; i < d; ++i)
        deviations(j, i) -= u_0[i];
    deviations.mmult(gradients, B_inverse);
  }


  DenseMatrix
  QuadraticPotential::hessian(const dealii::ArrayView<const double> &) const
  {
    return B_inverse;
  }


  std::optional<Gaussian>
  QuadraticPotential::stationary_gaussian() const
  {
    return Gaussian(u_0, B);
  }


  std::string
  QuadraticPotential::description() const
  {
    if (B.m() > 4)
      return "quadratic, posterior N(u_0, B) in d = " + std::to_string(B.m());
    return "quadratic, posterior N(u_0, B) with B = " + format_matrix(B);
  }
} // namespace kwfp
