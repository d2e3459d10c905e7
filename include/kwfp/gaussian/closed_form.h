#ifndef kwfp_gaussian_closed_form_h
#define kwfp_gaussian_closed_form_h

#include <kwfp/fokker_planck/diffusion_matrix.h>
#include <kwfp/gaussian/gaussian.h>

#include <vector>

namespace kwfp
{
  /**
   * @brief The exact Gaussian solution of (4.1) for a quadratic Phi_R with
   * minimizer u_0 and covariance B and Gaussian initial data N(m_0, C_0).
   *
   * The solution stays Gaussian N(m(t), S(t)) with, writing P for the
   * diffusion matrix (P = S for Kalman-Wasserstein, I for Wasserstein, the
   * given matrix for fixed),
   *   dm/dt = -P B^{-1} (m - u_0),
   *   dS/dt = -P B^{-1} S - S B^{-1} P + 2 P,
   * which for P = S is (4.11). The system is integrated with Boost.Odeint's
   * Dormand-Prince 5(4) method to absolute and relative tolerance 1e-12.
   */
  class GaussianClosedForm
  {
  public:
    /// Solution from @p initial towards @p stationary with the diffusion matrix
    /// of @p type (@p fixed_matrix for a fixed one).
    GaussianClosedForm(const Gaussian           &initial,
                       const Gaussian           &stationary,
                       const DiffusionMatrixType type,
                       const DenseMatrix        &fixed_matrix = DenseMatrix());

    /**
     * N(m(t), S(t)). Successive calls with increasing t continue the
     * integration from the last time.
     */
    Gaussian
    at(const double t);

    /// Write or read where the integration stands (for a checkpoint, so
    /// that a resumed run continues it with the same steps).
    template <class Stream>
    void
    transfer(Stream &s)
    {
      s.io(time);
      s.io(state);
    }

  private:
    void
    right_hand_side(const std::vector<double> &x,
                    std::vector<double>       &dxdt) const;

    const unsigned int        d;
    const DenseVector         u_0;
    const DenseMatrix         B_inverse;
    const DiffusionMatrixType type;
    const DenseMatrix         fixed_matrix;
    const std::vector<double> initial_state;
    std::vector<double>       state;
    double                    time;
  };
} // namespace kwfp

#endif
