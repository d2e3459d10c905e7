#include <kwfp/potential/quadratic_potential.h>

#include <stdexcept>

namespace kwfp
{
  DenseMatrix
  Potential::hessian(const dealii::ArrayView<const double> &) const
  {
    throw std::logic_error("this potential has no Hessian: " + description());
  }


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
        g[i] = 0;
        for (unsigned int j = 0; j < u_0.size(); ++j)
          g[i] += B_inverse(i, j) * (u[j] - u_0[j]);
      }
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
    return "quadratic, posterior N(u_0, B) with B = " + format_matrix(B);
  }
} // namespace kwfp
