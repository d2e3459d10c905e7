#ifndef kwfp_particles_particle_method_h
#define kwfp_particles_particle_method_h

#include <cstdint>
#include <string>

namespace kwfp
{
  /**
   * @brief The interacting particle systems of Garbuno-Inigo, Hoffmann, Li
   * and Stuart (2020), with G the forward map and C = C(U):
   * - eks:            (3.1), derivative-free ensemble Kalman sampler
   *   du_j = -1/J sum_k <G(u_k)-Gbar, G(u_j)-y>_Gamma u_k dt
   *          - C Gamma_0^{-1} (u_j - m_prior) dt + sqrt(2 C) dW_j
   * - eks-gradient:   (3.2), du_j = -C grad Phi_R(u_j) dt + sqrt(2 C) dW_j
   * - eki:            (2.4) with Sigma = Gamma (perturbed data),
   *   du_j = -1/J sum_k <..>_Gamma u_k dt + C^{up} Gamma^{-1} sqrt(Gamma) dW_j
   * - eki-opt:        (2.4) without noise (Kovachki and Stuart 2019)
   * - herty-visconti: (3.1) with C replaced by I in the prior and noise terms
   *   (Section 5.3)
   * - langevin:       du_j = -grad Phi_R(u_j) dt + sqrt(2) dW_j (C = I)
   */
  enum class ParticleMethod
  {
    eks,
    eks_gradient,
    eki,
    eki_opt,
    herty_visconti,
    langevin
  };

  /// How the noise sqrt(2 C) dW is formed in eks and eks-gradient.
  enum class NoiseSquareRoot
  {
    symmetric, ///< the symmetric square root C^{1/2}
    cholesky,  ///< the Cholesky factor L, C = L L^T (C must be SPD)
    ensemble   ///< (U - ubar) Z / sqrt(J), Z in R^J (Nuesken-Reich), O(J^2)
  };

  /// "eks|eks-gradient|eki|eki-opt|herty-visconti|langevin".
  std::string
  particle_method_names();

  ParticleMethod
  parse_particle_method(const std::string &name);

  std::string
  to_string(const ParticleMethod method);

  NoiseSquareRoot
  parse_noise_square_root(const std::string &name);

  /// Whether the method evaluates the forward map G (derivative-free).
  bool
  uses_forward_model(const ParticleMethod method);

  /// Whether the method has the prior term Gamma_0^{-1} (u - m_prior).
  bool
  has_prior_term(const ParticleMethod method);

  /// The settings of a particle run.
  struct ParticleMethodSettings
  {
    ParticleMethod method =
      ParticleMethod::eks_gradient;                     ///< the particle system
    bool            finite_ensemble_correction = false; ///< ALDI
    NoiseSquareRoot noise =
      NoiseSquareRoot::symmetric;     ///< the square root of C(U) in the noise
    bool          split_step = false; ///< (5.4), else Euler-Maruyama
    std::uint64_t seed       = 1; ///< seed of the counter-based random streams
  };
} // namespace kwfp

#endif
