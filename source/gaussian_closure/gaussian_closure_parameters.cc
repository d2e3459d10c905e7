#include <kwfp/base/errors.h>
#include <kwfp/gaussian_closure/gaussian_closure_parameters.h>
#include <kwfp/gaussian_closure/smolyak_cubature.h>

#include <cmath>
#include <iomanip>
#include <sstream>

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    /// The largest tensor Gauss-Hermite or Smolyak rule accepted.
    constexpr double max_tensor_nodes = 1e6;

    /// A count (possibly beyond every integer type) for a message.
    std::string
    format_count(const double count)
    {
      std::ostringstream s;
      s << std::setprecision(count < 1e15 ? 15 : 3) << count;
      return s.str();
    }
  } // namespace


  void
  GaussianClosureParameters::declare_parameters(ParameterHandler &prm)
  {
    cubature_selection().declare(
      prm,
      "Cubature",
      "Gauss-Hermite",
      "How the expectations under N(m, C) are computed: 'Gauss-Hermite' "
      "(tensor rule, n^d nodes, exact for degree 2n - 1; small d), "
      "'unscented' (2d + 1 sigma points, exact for degree 3; any d), "
      "'Monte Carlo' (antithetic samples with a fixed seed; the same nodes "
      "at every step), 'Smolyak' (sparse grid of Gauss-Hermite rules of "
      "level l, 'Smolyak level': exact for total degree 2l - 1, weights of "
      "both signs; 2d + 1 nodes for l = 2, 2d^2 + 2d + 1 for l = 3).");
    prm.declare_entry("Gauss-Hermite points",
                      "3",
                      Patterns::Integer(),
                      "n, the Gauss-Hermite nodes per coordinate (1 to 40; "
                      "n^d at most 1e6).");
    prm.declare_entry(
      "Smolyak level",
      "3",
      Patterns::Integer(),
      "l, the level of 'Cubature = Smolyak' (1 to 40; at most 1e6 nodes): "
      "the combination of the tensor products of Gauss-Hermite rules of "
      "i_1, ..., i_d points with l <= i_1 + ... + i_d <= l + d - 1, exact "
      "for every polynomial of total degree <= 2l - 1 in the standardized "
      "variable.");
    prm.declare_entry("Monte Carlo samples",
                      "1000",
                      Patterns::Integer(),
                      "N, the Monte Carlo nodes (even: N/2 antithetic pairs).");
    prm.declare_entry("Seed",
                      "1",
                      Patterns::Integer(),
                      "Seed of the Monte Carlo nodes (below 2^32).");
    expectation_form_selection().declare(
      prm,
      "Expectation form",
      "gradient",
      "'gradient': E[grad Phi_R] and E[Hess Phi_R] = C^{-1} E[(u - m) grad "
      "Phi_R^T] (Stein); 'Hessian': E[grad Phi_R] and E[Hess Phi_R] "
      "(potentials with a Hessian); 'derivative-free': only Phi_R, "
      "E[grad Phi_R] = C^{-1} E[(u - m) Phi_R], E[Hess Phi_R] = C^{-1} "
      "E[((u - m)(u - m)^T - C) Phi_R] C^{-1} (needs a rule exact for "
      "degree q + 2 for a polynomial Phi_R of degree q); 'Kalman' "
      "('Potential/Type = inverse problem' only): only the forward map G, "
      "by statistical linearization as in the ensemble Kalman sampler "
      "(3.1): with K = C^{-1} E[(u - m)(G - E[G])^T], E[grad Phi_R] = K "
      "Gamma^{-1} (E[G] - y) + Gamma_0^{-1} (m - m_0), E[Hess Phi_R] = K "
      "Gamma^{-1} K^T + Gamma_0^{-1} (exact for a linear G with a rule of "
      "degree 2; otherwise an approximation of the closure).");
    prm.declare_entry("Adaptive time step",
                      "true",
                      Patterns::Bool(),
                      "Adaptive steps controlled by the embedded error "
                      "estimate of the Rosenbrock method ROS2; else fixed "
                      "steps of 'Time step'.");
    prm.declare_entry("Time step",
                      "0.01",
                      Patterns::Double(),
                      "The fixed step, or the first adaptive one (> 0).");
    prm.declare_entry("Tolerance",
                      "1e-6",
                      Patterns::Double(),
                      "Adaptive steps: the largest error estimate per step "
                      "(in the norm of N(m, C): |dm|_C and "
                      "||L^T dP L||_F, C = L L^T).");
    prm.declare_entry("Maximum time step",
                      "1",
                      Patterns::Double(),
                      "Adaptive steps: the largest step.");
    prm.declare_entry(
      "Mixture weights",
      "",
      Patterns::Anything(),
      "Empty: the Gaussian closure from 'Initial density'. Otherwise the "
      "initial weights w_k > 0 (normalized; fixed in time or moved as "
      "'Mixture weight flow' says) of a Gaussian-mixture "
      "closure p = sum_k w_k N(m_k, C_k) with K components, each moved by "
      "dm_k/dt = -C_k E_k[grad ln(p / pi)], dC_k/dt = -2 C_k E_k[Hess "
      "ln(p / pi)] C_k (Lambert et al. 2022, preconditioned by C_k), from "
      "'Mixture means' and 'Mixture covariances'.");
    mixture_weight_flow_selection().declare(
      prm,
      "Mixture weight flow",
      "fixed",
      "How the weights w_k of 'Mixture weights' move: 'fixed' (they stay "
      "the initial ones), or 'Fisher-Rao': the Fisher-Rao part of the "
      "Wasserstein-Fisher-Rao gradient flow of KL(p || pi) (Lambert et al. "
      "2022, Appendix H.2), dw_k/dt = -w_k (F_k - sum_j w_j F_j), "
      "F_k = E_k[ln(p / pi)] = E_k[ln p + Phi_R] + const; the weights stay "
      "positive and sum to 1, and gaussian.csv gets a column "
      "component_k_weight per component. Ignored without 'Mixture "
      "weights'.");
    prm.declare_entry("Mixture means",
                      "",
                      Patterns::Anything(),
                      "The initial means m_k of the mixture, one row of d "
                      "numbers per component, rows separated by ';'.");
    prm.declare_entry("Mixture covariances",
                      "",
                      Patterns::Anything(),
                      "The initial SPD covariances C_k (d x d, rows "
                      "separated by ';'), one per component, separated by "
                      "'|'.");
    prm.declare_entry("Output interval",
                      "1",
                      Patterns::Integer(),
                      "Write a row of gaussian.csv every this many steps (and "
                      "at the first and the last).");
  }


  void
  GaussianClosureParameters::parse_parameters(const ParameterHandler &prm,
                                              const unsigned int      d,
                                              const std::string      &path)
  {
    cubature =
      cubature_selection().parse(prm.get("Cubature"), path + "Cubature");
    const long n = prm.get_integer("Gauss-Hermite points");
    if (n < 1 || n > 40)
      throw InputError(path + "Gauss-Hermite points",
                       "must be between 1 and 40, got " + std::to_string(n));
    gauss_hermite_points = n;
    if (cubature == CubatureType::gauss_hermite &&
        std::pow(static_cast<double>(n), d) > max_tensor_nodes)
      throw InputError(path + "Gauss-Hermite points",
                       std::to_string(n) + "^" + std::to_string(d) +
                         " nodes exceed 1e6; use fewer points, 'Cubature = "
                         "unscented' or 'Monte Carlo'");
    const long level = prm.get_integer("Smolyak level");
    if (level < 1 || level > 40)
      throw InputError(path + "Smolyak level",
                       "must be between 1 and 40, got " +
                         std::to_string(level));
    smolyak_level = level;
    if (cubature == CubatureType::smolyak &&
        smolyak_node_count(d, level) > max_tensor_nodes)
      throw InputError(path + "Smolyak level",
                       "the Smolyak rule of level " + std::to_string(level) +
                         " in d = " + std::to_string(d) + " has " +
                         format_count(smolyak_node_count(d, level)) +
                         " nodes, more than 1e6; use a lower level or "
                         "'Cubature = unscented'");
    const long N = prm.get_integer("Monte Carlo samples");
    if (N < 2 || N % 2 != 0 || N > 100000000)
      throw InputError(path + "Monte Carlo samples",
                       "must be even, between 2 and 1e8, got " +
                         std::to_string(N));
    monte_carlo_samples = N;
    const long s        = prm.get_integer("Seed");
    if (s < 0 || s > 4294967295L)
      throw InputError(path + "Seed", "must be between 0 and 2^32 - 1");
    seed = s;
    form = expectation_form_selection().parse(prm.get("Expectation form"),
                                              path + "Expectation form");
    step_control.adaptive  = prm.get_bool("Adaptive time step");
    step_control.time_step = prm.get_double("Time step");
    if (!(step_control.time_step > 0) || !std::isfinite(step_control.time_step))
      throw InputError(path + "Time step",
                       "must be positive, got " + prm.get("Time step"));
    step_control.tolerance = prm.get_double("Tolerance");
    if (!(step_control.tolerance > 0) || !(step_control.tolerance < 1))
      throw InputError(path + "Tolerance",
                       "must be in (0, 1), got " + prm.get("Tolerance"));
    step_control.maximum_time_step = prm.get_double("Maximum time step");
    // an adaptive-step setting: fixed steps do not read it
    if (step_control.adaptive &&
        (!(step_control.maximum_time_step >= step_control.time_step) ||
         !std::isfinite(step_control.maximum_time_step)))
      throw InputError(path + "Maximum time step",
                       "must be finite and at least 'Time step', got " +
                         prm.get("Maximum time step"));
    step_control.minimum_time_step =
      std::min(1e-12, 1e-6 * step_control.time_step);
    const long interval = prm.get_integer("Output interval");
    if (interval < 1)
      throw InputError(path + "Output interval", "must be at least 1");
    output_interval = interval;
    parse_mixture(prm, d, path);
  }


  void
  GaussianClosureParameters::parse_mixture(const ParameterHandler &prm,
                                           const unsigned int      d,
                                           const std::string      &path)
  {
    mixture_weights.clear();
    mixture_covariances.clear();
    mixture_means.reinit(0, 0);
    weight_flow =
      mixture_weight_flow_selection().parse(prm.get("Mixture weight flow"),
                                            path + "Mixture weight flow");
    const auto blank = [&](const std::string &name) {
      return prm.get(name).find_first_not_of(" \t") == std::string::npos;
    };
    if (blank("Mixture weights"))
      {
        for (const std::string name : {"Mixture means", "Mixture covariances"})
          if (!blank(name))
            throw InputError(path + "Mixture weights",
                             "is empty, so the closure is one Gaussian from "
                             "'Initial density', but '" +
                               name +
                               "' is set: give one weight per component "
                               "for a mixture, or leave '" +
                               name + "' empty");
        return;
      }
    mixture_weights =
      parse_vector(prm.get("Mixture weights"), path + "Mixture weights");
    const unsigned int K = mixture_weights.size();
    for (const double w : mixture_weights)
      if (!(w > 0))
        throw InputError(path + "Mixture weights",
                         "every weight must be > 0, got " + std::to_string(w));
    mixture_means =
      parse_matrix(prm.get("Mixture means"), path + "Mixture means", K, d);
    const std::string text  = prm.get("Mixture covariances");
    std::size_t       start = 0;
    while (true)
      {
        const std::size_t bar = text.find('|', start);
        mixture_covariances.push_back(
          parse_spd_matrix(text.substr(start, bar - start),
                           path + "Mixture covariances (component " +
                             std::to_string(mixture_covariances.size() + 1) +
                             ")",
                           d));
        if (bar == std::string::npos)
          break;
        start = bar + 1;
      }
    if (mixture_covariances.size() != K)
      throw InputError(path + "Mixture covariances",
                       "has " + std::to_string(mixture_covariances.size()) +
                         " matrices separated by '|' but 'Mixture weights' "
                         "has " +
                         std::to_string(K) + " entries");
  }


  StandardCubature
  make_cubature(const GaussianClosureParameters &p, const unsigned int d)
  {
    switch (p.cubature)
      {
        case CubatureType::gauss_hermite:
          return tensor_gauss_hermite_rule(d, p.gauss_hermite_points);
        case CubatureType::unscented:
          return unscented_rule(d);
        case CubatureType::smolyak:
          return smolyak_rule(d, p.smolyak_level);
        default:
          return monte_carlo_rule(d, p.monte_carlo_samples, p.seed);
      }
  }
} // namespace kwfp
