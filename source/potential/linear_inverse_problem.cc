#include <kwfp/potential/linear_inverse_problem.h>

namespace kwfp
{
  LinearInverseProblemPotential::LinearInverseProblemPotential(
    const DenseMatrix &A,
    const DenseVector &y,
    const DenseMatrix &Gamma,
    const DenseMatrix &Gamma_0,
    const DenseVector &prior_mean)
    : A(A)
    , y(y)
    , Gamma_inverse(spd_inverse(Gamma))
    , Gamma_0_inverse(spd_inverse(Gamma_0))
    , prior_mean(prior_mean)
  {
    const unsigned int d = A.n(), K = A.m();
    // B^{-1} = A^T Gamma^{-1} A + Gamma_0^{-1}
    DenseMatrix GA(K, d), precision(d, d);
    Gamma_inverse.mmult(GA, A);
    A.Tmmult(precision, GA);
    precision.add(1.0, Gamma_0_inverse);
    B = spd_inverse(precision);
    // u_0 = B (A^T Gamma^{-1} y + Gamma_0^{-1} m_prior)
    DenseVector Gy(K), r(d), prior_term(d);
    Gamma_inverse.vmult(Gy, y);
    A.Tvmult(r, Gy);
    Gamma_0_inverse.vmult(prior_term, prior_mean);
    r += prior_term;
    u_0.reinit(d);
    B.vmult(u_0, r);
  }


  unsigned int
  LinearInverseProblemPotential::dimension() const
  {
    return A.n();
  }


  DenseVector
  LinearInverseProblemPotential::weighted_residual(
    const dealii::ArrayView<const double> &u) const
  {
    DenseVector residual(y);
    for (unsigned int k = 0; k < A.m(); ++k)
      for (unsigned int i = 0; i < A.n(); ++i)
        residual[k] -= A(k, i) * u[i];
    DenseVector weighted(A.m());
    Gamma_inverse.vmult(weighted, residual);
    return weighted;
  }


  double
  LinearInverseProblemPotential::value(
    const dealii::ArrayView<const double> &u) const
  {
    // 1/2 |y - A u|^2_Gamma = 1/2 (y - A u)^T Gamma^{-1} (y - A u)
    const DenseVector weighted = weighted_residual(u);
    double            misfit   = 0;
    for (unsigned int k = 0; k < A.m(); ++k)
      {
        double r = y[k];
        for (unsigned int i = 0; i < A.n(); ++i)
          r -= A(k, i) * u[i];
        misfit += r * weighted[k];
      }
    DenseVector deviation(A.n());
    for (unsigned int i = 0; i < A.n(); ++i)
      deviation[i] = u[i] - prior_mean[i];
    return 0.5 * misfit + 0.5 * Gamma_0_inverse.matrix_norm_square(deviation);
  }


  void
  LinearInverseProblemPotential::gradient(
    const dealii::ArrayView<const double> &u,
    const dealii::ArrayView<double>       &g) const
  {
    // grad Phi_R = -A^T Gamma^{-1} (y - A u) + Gamma_0^{-1} (u - m_prior)
    const DenseVector weighted = weighted_residual(u);
    for (unsigned int i = 0; i < A.n(); ++i)
      {
        g[i] = 0;
        for (unsigned int k = 0; k < A.m(); ++k)
          g[i] -= A(k, i) * weighted[k];
        for (unsigned int j = 0; j < A.n(); ++j)
          g[i] += Gamma_0_inverse(i, j) * (u[j] - prior_mean[j]);
      }
  }


  DenseMatrix
  LinearInverseProblemPotential::hessian(
    const dealii::ArrayView<const double> &) const
  {
    return spd_inverse(B);
  }


  std::optional<Gaussian>
  LinearInverseProblemPotential::stationary_gaussian() const
  {
    return Gaussian(u_0, B);
  }


  std::string
  LinearInverseProblemPotential::description() const
  {
    return "linear inverse problem with K = " + std::to_string(A.m()) +
           " observations, posterior covariance B = " + format_matrix(B);
  }
} // namespace kwfp
