#ifndef kwfp_potential_logistic_regression_potential_h
#define kwfp_potential_logistic_regression_potential_h

#include <kwfp/potential/potential.h>

#include <string>

namespace kwfp
{
  /**
   * @brief The Bayesian logistic regression posterior: data (x_i, y_i),
   * x_i in R^d, y_i in {0, 1}, P(y = 1 | u) = sigma(x_i . u), prior N(0,
   * s^2 I):
   *   Phi_R(u) = sum_i [log(1 + exp(x_i . u)) - y_i x_i . u] + |u|^2/(2 s^2),
   *   grad Phi_R = X^T (sigma(X u) - y) + u / s^2,
   *   D^2 Phi_R  = X^T diag(sigma (1 - sigma)) X + I / s^2,
   * log(1 + e^z) evaluated stably (no overflow for large |z|). For many
   * points (the particle ensemble) gradients() uses matrix products.
   */
  class LogisticRegressionPotential : public Potential
  {
  public:
    /// @p features n x d (row i = x_i), @p labels n values in {0, 1}.
    LogisticRegressionPotential(const DenseMatrix         &features,
                                const std::vector<double> &labels,
                                const double               prior_variance);

    /**
     * Read a CSV file: one row per observation, d feature columns and the
     * label last; a first line that is not numeric is a header. Throws
     * InputError naming @p parameter for a missing file, ragged rows,
     * non-numbers or labels other than 0 and 1.
     */
    static LogisticRegressionPotential
    from_csv(const std::string &filename,
             const unsigned int dimension,
             const double       prior_variance,
             const std::string &parameter);

    /// d, the number of feature columns.
    unsigned int
    dimension() const override
    {
      return X.n();
    }
    /// Phi_R(u) = sum_i [log(1 + exp(x_i . u)) - y_i x_i . u] + |u|^2/(2 s^2).
    double
    value(const dealii::ArrayView<const double> &u) const override;
    /// grad Phi_R(u) = X^T (sigma(X u) - y) + u / s^2.
    void
    gradient(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &gradient) const override;
    /// (sigma(U X^T) - 1 y^T) X + U / s^2, by matrix products.
    void
    gradients(const DenseMatrix &points, DenseMatrix &gradients) const override;
    /// true: D^2 Phi_R = X^T diag(sigma (1 - sigma)) X + I / s^2.
    bool
    has_hessian() const override
    {
      return true;
    }
    /// D^2 Phi_R(u) = X^T diag(sigma(X u) (1 - sigma(X u))) X + I / s^2.
    DenseMatrix
    hessian(const dealii::ArrayView<const double> &u) const override;
    /// The number of observations, d and the prior.
    std::string
    description() const override;

  private:
    DenseMatrix         X;
    std::vector<double> y;
    double              prior_variance;
  };
} // namespace kwfp

#endif
