#ifndef kwfp_potential_gaussian_mixture_potential_h
#define kwfp_potential_gaussian_mixture_potential_h

#include <kwfp/potential/potential.h>

#include <vector>

namespace kwfp
{
  /**
   * @brief Phi_R(u) = -log sum_k w_k N(u; mu_k, Sigma_k): the stationary
   * density is the Gaussian mixture itself (a multimodal, non-Gaussian
   * target).
   *
   * With g_k = Sigma_k^{-1} (u - mu_k) and the responsibilities
   * r_k = w_k N_k(u) / sum_l w_l N_l(u) (computed with log-sum-exp, so
   * nothing underflows far from the modes):
   *   grad Phi_R = sum_k r_k g_k,
   *   D^2 Phi_R  = sum_k r_k (Sigma_k^{-1} - g_k g_k^T) + grad Phi_R grad
   *   Phi_R^T.
   */
  class GaussianMixturePotential : public Potential
  {
  public:
    /// Weights w_k > 0 (normalized here), means and SPD covariances.
    GaussianMixturePotential(const std::vector<double>      &weights,
                             const std::vector<DenseVector> &means,
                             const std::vector<DenseMatrix> &covariances);

    /// d, the length of the means.
    unsigned int
    dimension() const override
    {
      return means[0].size();
    }
    /// Phi_R(u) = -log sum_k exp(log(w_k N_k(u))), by log-sum-exp.
    double
    value(const dealii::ArrayView<const double> &u) const override;
    /// grad Phi_R(u) = sum_k r_k g_k.
    void
    gradient(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &gradient) const override;
    /// true: the Hessian of the class comment.
    bool
    has_hessian() const override
    {
      return true;
    }
    /// D^2 Phi_R = sum_k r_k (Sigma_k^{-1} - g_k g_k^T) + grad Phi_R grad
    /// Phi_R^T.
    DenseMatrix
    hessian(const dealii::ArrayView<const double> &u) const override;
    /// The Gaussian when there is one component.
    std::optional<Gaussian>
    stationary_gaussian() const override;
    /// The number of components and the weights.
    std::string
    description() const override;

    /// The mixture's mean sum_k w_k mu_k.
    DenseVector
    mean() const;
    /// The mixture's covariance sum_k w_k (Sigma_k + mu_k mu_k^T) - m m^T.
    DenseMatrix
    covariance() const;

  private:
    /// log(w_k N_k(u)) for every k, and g_k = Sigma_k^{-1}(u - mu_k).
    void
    components(const dealii::ArrayView<const double> &u,
               std::vector<double>                   &log_terms,
               std::vector<DenseVector>              &g) const;

    std::vector<double>      weights;
    std::vector<DenseVector> means;
    std::vector<DenseMatrix> covariances;
    std::vector<DenseMatrix> precisions;
    /// log w_k - d/2 log(2 pi) - 1/2 log det Sigma_k.
    std::vector<double> log_constants;
  };
} // namespace kwfp

#endif
