#ifndef kwfp_particles_ensemble_kalman_update_h
#define kwfp_particles_ensemble_kalman_update_h

#include <kwfp/forward_model/inverse_problem.h>
#include <kwfp/particles/ensemble.h>
#include <kwfp/particles/particle_method.h>
#include <kwfp/potential/potential.h>

#include <cstdint>
#include <utility>
#include <vector>

namespace kwfp
{
  /// What one step needs to know about the ensemble U_n.
  struct EnsembleState
  {
    EnsembleMoments moments; ///< ubar and C(U) of U_n
    /// Per owned block: G(u_j) (n x K) for the derivative-free methods, or
    /// grad Phi_R(u_j) (n x d) for eks-gradient and langevin.
    std::vector<DenseMatrix> values;
    DenseVector              forward_mean;     ///< Gbar (K)
    DenseMatrix              cross_covariance; ///< C^{pu} = C^{up}^T, K x d
    /// ||D||_F of the J x J matrix D_kj = <G_k - Gbar, G_j - y>_Gamma / J.
    double D_norm = 0;
  };

  /// A particle whose forward map or gradient was not finite.
  struct ParticleFailure
  {
    unsigned int  block; ///< owned block
    unsigned int  row;   ///< row in the block
    std::uint64_t index; ///< global particle index
  };

  /**
   * @brief One time step of the particle systems of ParticleMethod, written
   * as dense matrix products over blocks of the ensemble (rows = particles):
   *   drift  F = -(G - 1 y^T) Gamma^{-1} C^{pu}     (derivative-free part)
   *              - (U - 1 m^T) Gamma_0^{-1} C         (prior part of (3.1))
   *              - grad Phi_R(U) C                    ((3.2))
   *              + (d+1)/J (U - 1 ubar^T)             (ALDI correction)
   *   noise  Z S^T with S S^T = 2 C (or C^{up} Gamma^{-1} L for eki).
   * The J x J matrix D of (5.4) is never formed: its action is
   * (G - y) Gamma^{-1} C^{pu} and
   *   ||D||_F^2 = tr(Gc^T Gc Gamma^{-1} R^T R Gamma^{-1}) / J^2,
   * Gc = G - 1 Gbar^T, R = G - 1 y^T.
   */
  class EnsembleKalmanUpdate
  {
  public:
    /// @p problem is needed by the derivative-free methods, @p potential by
    /// eks-gradient and langevin; either may be null otherwise.
    EnsembleKalmanUpdate(const ParticleMethodSettings &settings,
                         const Potential              *potential,
                         const InverseProblem         *problem);

    /**
     * Evaluate G (or grad Phi_R) at every local particle into
     * state.values; returns the local particles where it is not finite.
     */
    std::vector<ParticleFailure>
    evaluate(const Ensemble &ensemble, EnsembleState &state) const;

    /// Moments, Gbar, C^{pu} and ||D||_F (collective).
    void
    reduce(const Ensemble &ensemble, EnsembleState &state) const;

    /**
     * U_{n+1} from U_n: Euler-Maruyama, or the split step (5.4), implicit in
     * the prior term: (I + dt C Gamma_0^{-1}) u* = u_n + dt F_explicit +
     * dt C Gamma_0^{-1} m_prior, then u_{n+1} = u* + sqrt(dt) noise.
     * @p step numbers the random streams.
     */
    void
    advance(Ensemble            &ensemble,
            const EnsembleState &state,
            const double         dt,
            const std::uint64_t  step) const;

    /// Phi_R(u_j) for every local particle (per block), from state.values
    /// when they hold G; NaN where it cannot be evaluated.
    std::vector<std::vector<double>>
    potential_values(const Ensemble      &ensemble,
                     const EnsembleState &state) const;

    /// The data misfit Phi(u_j) = 1/2 |y - G(u_j)|^2_Gamma per particle
    /// (derivative-free methods only).
    std::vector<std::vector<double>>
    misfit_values(const EnsembleState &state) const;

    /// Up to this dimension the gradient methods (eks-gradient, langevin)
    /// with a factored noise (Cholesky or symmetric square root) update each
    /// particle in one pass, without the temporary matrices of the product
    /// form; above it the products go to BLAS.
    static constexpr unsigned int max_fused_dimension =
      Ensemble::max_direct_dimension;

    /// Always take the matrix-product form (to test it against the fused
    /// one in low dimension).
    void
    use_matrix_form_only(const bool matrix_form_only);

  private:
    /// What one step computes once for all blocks, with its size and
    /// number.
    struct StepFactors
    {
      double        dt   = 0; ///< the step size
      std::uint64_t step = 0; ///< numbers the random streams
      DenseMatrix   W; ///< Gamma^{-1} C^{pu} (K x d), forward-model methods
      /// Gamma_0^{-1} C (eks) or Gamma_0^{-1} (herty-visconti), d x d.
      DenseMatrix prior_factor;
      DenseVector prior_shift;      ///< m_prior^T prior_factor
      DenseMatrix implicit_inverse; ///< (I + dt prior_factor)^{-1}, split step
      /// Rows z^T noise_factor: the noise of a particle from q normals.
      DenseMatrix noise_factor;
      /// sqrt(2/J) (U - ubar) (J x d): the noise square root 'ensemble'.
      DenseMatrix  ensemble_deviations;
      unsigned int q         = 0;    ///< normal numbers per particle
      bool         has_noise = true; ///< all but eki-opt
      double       aldi      = 0;    ///< (d + 1) / J of the correction
    };

    /// The factors of this step's update (see StepFactors).
    StepFactors
    step_factors(const Ensemble      &ensemble,
                 const EnsembleState &state,
                 const double         dt) const;

    /// The per-particle update of eks-gradient and langevin in d <= 4
    /// without a prior term: the arithmetic of advance_blocks(), fused.
    void
    advance_fused(Ensemble            &ensemble,
                  const EnsembleState &state,
                  const StepFactors   &factors) const;

    /// The update block by block with dense matrix products.
    void
    advance_blocks(Ensemble            &ensemble,
                   const EnsembleState &state,
                   const StepFactors   &factors) const;

    /// The normal numbers of a block in the fused update (scratch).
    mutable std::vector<double> noise_scratch;
    bool                        matrix_form_only = false;

    /// Square root S of the noise covariance 2 C, as S^T (d x d).
    DenseMatrix
    noise_factor_transposed(const DenseMatrix &C) const;

    const ParticleMethodSettings settings;
    const Potential             *potential;
    const InverseProblem        *problem;
  };
} // namespace kwfp

#endif
