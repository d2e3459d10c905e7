#ifndef kwfp_forward_model_elliptic_forward_model_h
#define kwfp_forward_model_elliptic_forward_model_h

#include <kwfp/forward_model/forward_model.h>

#include <vector>

namespace kwfp
{
  /**
   * @brief The paper's nonlinear test problem, (5.2)-(5.3) of
   * Garbuno-Inigo et al. (2020): -(exp(u_1) p'(x))' = 1 on (0, 1), p(0) =
   * 0, p(1) = u_2, whose solution is
   *   p(x) = u_2 x + exp(-u_1) (x - x^2) / 2,
   * observed at points x_k: G(u) = (p(x_1), .., p(x_K)). The Jacobian is
   * exact: dp/du_1 = -exp(-u_1) (x - x^2)/2, dp/du_2 = x.
   */
  class EllipticForwardModel : public ForwardModel
  {
  public:
    /// Throws InputError unless @p dimension = 2 and every point is in
    /// (0, 1).
    EllipticForwardModel(const unsigned int         dimension,
                         const std::vector<double> &observation_points);

    /// 2: u = (u_1, u_2) = (log diffusivity, p(1)).
    unsigned int
    dimension() const override
    {
      return 2;
    }
    /// K, the number of observation points.
    unsigned int
    n_data() const override
    {
      return points.size();
    }
    /// G_k(u) = p(x_k) = u_2 x_k + exp(-u_1) (x_k - x_k^2) / 2.
    void
    evaluate(const dealii::ArrayView<const double> &u,
             const dealii::ArrayView<double>       &G) const override;
    /// The exact DG(u): row k is (-exp(-u_1) (x_k - x_k^2)/2, x_k).
    DenseMatrix
    jacobian(const dealii::ArrayView<const double> &u) const override;
    /// "elliptic-1d (5.2)-(5.3)" and the observation points.
    std::string
    description() const override;

  private:
    const std::vector<double> points;
  };
} // namespace kwfp

#endif
