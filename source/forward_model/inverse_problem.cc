#include <kwfp/base/errors.h>
#include <kwfp/forward_model/inverse_problem.h>

namespace kwfp
{
  InverseProblem::InverseProblem(
    std::shared_ptr<const ForwardModel> forward_model,
    const DenseVector                  &data,
    const DenseMatrix                  &noise_covariance,
    const DenseMatrix                  &prior_covariance,
    const DenseVector                  &prior_mean)
    : model(std::move(forward_model))
    , y(data)
    , Gamma_inverse(spd_inverse(noise_covariance))
    , Gamma_cholesky(cholesky_factor(noise_covariance))
    , Gamma_0_inverse(spd_inverse(prior_covariance))
    , m_prior(prior_mean)
  {
    const unsigned int d = model->dimension(), K = model->n_data();
    if (y.size() != K || noise_covariance.m() != K ||
        prior_covariance.m() != d || m_prior.size() != d)
      throw InputError("Potential/Inverse problem",
                       "sizes do not match: G maps R^" + std::to_string(d) +
                         " to R^" + std::to_string(K));
    if (const DenseMatrix *A = model->linear_matrix())
      {
        // B^{-1} = A^T Gamma^{-1} A + Gamma_0^{-1}
        DenseMatrix GA(K, d), precision(d, d);
        Gamma_inverse.mmult(GA, *A);
        A->Tmmult(precision, GA);
        precision.add(1.0, Gamma_0_inverse);
        const DenseMatrix B = spd_inverse(precision);
        // u_0 = B (A^T Gamma^{-1} y + Gamma_0^{-1} m_prior)
        DenseVector Gy(K), r(d), prior_part(d), u_0(d);
        Gamma_inverse.vmult(Gy, y);
        A->Tvmult(r, Gy);
        Gamma_0_inverse.vmult(prior_part, m_prior);
        r += prior_part;
        B.vmult(u_0, r);
        posterior.emplace(u_0, B);
      }
  }


  const ForwardModel &
  InverseProblem::forward_model() const
  {
    return *model;
  }


  unsigned int
  InverseProblem::dimension() const
  {
    return model->dimension();
  }


  unsigned int
  InverseProblem::n_data() const
  {
    return model->n_data();
  }


  const DenseVector &
  InverseProblem::data() const
  {
    return y;
  }


  const DenseMatrix &
  InverseProblem::noise_precision() const
  {
    return Gamma_inverse;
  }


  const DenseMatrix &
  InverseProblem::noise_cholesky() const
  {
    return Gamma_cholesky;
  }


  const DenseMatrix &
  InverseProblem::prior_precision() const
  {
    return Gamma_0_inverse;
  }


  const DenseVector &
  InverseProblem::prior_mean() const
  {
    return m_prior;
  }


  double
  InverseProblem::misfit(const dealii::ArrayView<const double> &G) const
  {
    const unsigned int K = y.size();
    double             s = 0;
    for (unsigned int k = 0; k < K; ++k)
      for (unsigned int l = 0; l < K; ++l)
        s += (y[k] - G[k]) * Gamma_inverse(k, l) * (y[l] - G[l]);
    return 0.5 * s;
  }


  double
  InverseProblem::prior_term(const dealii::ArrayView<const double> &u) const
  {
    const unsigned int d = m_prior.size();
    double             s = 0;
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int j = 0; j < d; ++j)
        s += (u[i] - m_prior[i]) * Gamma_0_inverse(i, j) * (u[j] - m_prior[j]);
    return 0.5 * s;
  }


  const std::optional<Gaussian> &
  InverseProblem::linear_posterior() const
  {
    return posterior;
  }
} // namespace kwfp
