#include <kwfp/base/errors.h>
#include <kwfp/base/expression.h>
#include <kwfp/particles/particle_parameters.h>

#include <algorithm>
#include <cmath>

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    /// The integer entry @p entry of @p prm; InputError (for @p path +
    /// @p entry) when it is below @p minimum (0 or 1).
    long
    get_integer_at_least(const ParameterHandler &prm,
                         const std::string      &entry,
                         const std::string      &path,
                         const long              minimum)
    {
      const long value = prm.get_integer(entry);
      if (value < minimum)
        throw InputError(path + entry,
                         minimum == 0 ? "must be 0 or positive" :
                                        "must be at least 1");
      return value;
    }
  } // namespace


  void
  ParticleParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Method",
                      "eks-gradient",
                      Patterns::Selection(particle_method_names()),
                      "eks: derivative-free ensemble Kalman sampler (3.1); "
                      "eks-gradient: (3.2), uses grad Phi_R; eki: ensemble "
                      "Kalman inversion (2.4) with perturbed data; eki-opt: "
                      "(2.4) without noise; herty-visconti: (3.1) with C "
                      "replaced by I in the prior and noise terms "
                      "(Section 5.3); langevin: du = -grad Phi_R dt + "
                      "sqrt(2) dW. eks, eki, eki-opt and herty-visconti "
                      "need 'Potential/Type = inverse problem'.");
    prm.declare_entry(
      "Also run methods",
      "",
      Patterns::Anything(),
      "Particle methods (separated by ';') run one after the other after "
      "the main run, each with the other settings of this subsection, the "
      "same initial ensemble and its own output in "
      "<Output/Directory>/particles_<method>/; their final means and "
      "covariances join posterior_table.csv. E.g. 'eks; eki-opt; "
      "herty-visconti' for the paper's Figure 1 (with any Solver).");
    prm.declare_entry(
      "Initial distributions",
      "",
      Patterns::Anything(),
      "Empty: the particles are drawn from 'Initial density'. Otherwise a "
      "product of coordinate distributions as in 'Initial density/"
      "Coordinate distributions' (e.g. 'normal(0, 1); uniform(90, 110)') "
      "that only the particles are drawn from, so that the finite "
      "elements can start elsewhere (their comparison at equal times then "
      "has no meaning; use it with 'Solver = finite element' and 'Also run "
      "methods').");
    prm.declare_entry("Ensemble size",
                      "1000",
                      Patterns::Integer(),
                      "Number of particles J (at least 2; J > d for a "
                      "covariance of full rank; at most 1e9, and at most "
                      "what the machine's memory holds at 40 bytes per "
                      "coordinate: beyond, exit 2 at the start).");
    prm.declare_entry("Finite-ensemble correction",
                      "false",
                      Patterns::Bool(),
                      "Add (d+1)/J (u_j - ubar) to the drift (ALDI, "
                      "Garbuno-Inigo, Nuesken and Reich 2020): then the "
                      "posterior is invariant for every J > d + 1.");
    prm.declare_entry("Noise square root",
                      "symmetric",
                      Patterns::Selection("symmetric|Cholesky|ensemble"),
                      "How sqrt(2 C) dW is formed in eks and eks-gradient: "
                      "the symmetric square root of C, its Cholesky factor "
                      "(C must be SPD), or the ensemble square root "
                      "(U - ubar) Z / sqrt(J) with Z in R^J (costs J^2 d "
                      "per step).");
    prm.declare_entry("Time integrator",
                      "Euler-Maruyama",
                      Patterns::Selection("Euler-Maruyama|split-step"),
                      "Euler-Maruyama, or the linearly implicit split step "
                      "(5.4): implicit in the prior term (eks, "
                      "herty-visconti; the same as Euler-Maruyama for the "
                      "other methods), then the noise.");
    prm.declare_entry("Time step",
                      "0.001",
                      Patterns::Double(),
                      "The step dt, or dt_0 with 'Adaptive time step'.");
    prm.declare_entry("Adaptive time step",
                      "false",
                      Patterns::Bool(),
                      "dt_n = dt_0 / (||D_n||_F + delta) (Kovachki and Stuart "
                      "2019), D_n the J x J matrix of (5.4) (never formed). "
                      "Methods with a forward map only.");
    prm.declare_entry("Adaptive delta",
                      "1e-8",
                      Patterns::Double(),
                      "delta in the adaptive step (> 0).");
    prm.declare_entry("Number of steps",
                      "0",
                      Patterns::Integer(),
                      "Stop after this many steps (iterations, as the paper's "
                      "30); 0: stop at 'Time stepping/Final time'.");
    prm.declare_entry("Seed",
                      "1",
                      Patterns::Integer(),
                      "Seed of the random streams (Philox; particle j draws "
                      "from the stream (seed, j), the same on any number of "
                      "ranks).");
    prm.declare_entry("On forward failure",
                      "stop",
                      Patterns::Selection("stop|drop"),
                      "When G(u_j) (or grad Phi_R(u_j)) is not finite: 'stop' "
                      "the run naming the particle, or 'drop' the particle "
                      "and go on (at least d + 2 must remain).");
    prm.declare_entry("Statistics interval",
                      "1",
                      Patterns::Integer(),
                      "Write a row of particles.csv every this many steps "
                      "(and at the first and last).");
    prm.declare_entry("Output interval",
                      "10",
                      Patterns::Integer(),
                      "Write the ensemble as particles-NNNNN.pvtu every this "
                      "many steps (and at the first and last); 0: none.");
  }


  void
  ParticleParameters::parse_additional_methods(const ParameterHandler &prm,
                                               const std::string      &path)
  {
    additional_methods.clear();
    {
      const std::string list = prm.get("Also run methods");
      if (list.find_first_not_of(" \t") != std::string::npos)
        for (const std::string &entry : split_expressions(list))
          {
            const std::string item = trim_blanks(entry);
            try
              {
                additional_methods.push_back(parse_particle_method(item));
              }
            catch (const std::exception &)
              {
                throw InputError(path + "Also run methods",
                                 "'" + item +
                                   "' is not a method; choose "
                                   "from " +
                                   particle_method_names() +
                                   ", separated by ';'");
              }
          }
    }
  }


  void
  ParticleParameters::parse_parameters(const ParameterHandler &prm,
                                       const unsigned int      dimension,
                                       const std::string      &path)
  {
    settings.method = parse_particle_method(prm.get("Method"));
    {
      const std::string text = prm.get("Initial distributions");
      initial_coordinates.clear();
      if (text.find_first_not_of(" \t") != std::string::npos)
        try
          {
            initial_coordinates =
              parse_coordinate_distributions(text, dimension);
          }
        catch (const InputError &e)
          {
            // the reason, without the other parameter's name
            const std::string what  = e.what();
            const auto        colon = what.find("': ");
            throw InputError(path + "Initial distributions",
                             colon == std::string::npos ?
                               what :
                               what.substr(colon + 3));
          }
    }
    const long J = prm.get_integer("Ensemble size");
    if (J < 2 || J > 1000000000)
      throw InputError(path + "Ensemble size",
                       "must be between 2 and 1e9, got " + std::to_string(J));
    ensemble_size = J;
    settings.finite_ensemble_correction =
      prm.get_bool("Finite-ensemble correction");
    settings.noise = parse_noise_square_root(prm.get("Noise square root"));
    // C(U) of J particles has rank at most J - 1: no Cholesky factor in
    // d >= J (the run used to stop at its first step, exit 3), for the
    // main method or one of 'Also run methods' (read before)
    std::vector<ParticleMethod> methods = additional_methods;
    methods.push_back(settings.method);
    const bool factors_covariance =
      std::any_of(methods.begin(), methods.end(), [](const auto m) {
        return m == ParticleMethod::eks || m == ParticleMethod::eks_gradient;
      });
    if (settings.noise == NoiseSquareRoot::cholesky && factors_covariance &&
        static_cast<unsigned long>(J) <= dimension)
      throw InputError(path + "Noise square root",
                       "'Cholesky' needs a positive definite ensemble "
                       "covariance, which " +
                         std::to_string(J) + " particles cannot have in d = " +
                         std::to_string(dimension) +
                         " (its rank is at most J - 1): use 'symmetric' or "
                         "'ensemble', or J > d");
    settings.split_step = prm.get("Time integrator") == "split-step";
    time_step           = prm.get_double("Time step");
    if (!(time_step > 0) || !std::isfinite(time_step))
      throw InputError(path + "Time step",
                       "must be positive, got " + prm.get("Time step"));
    adaptive_time_step = prm.get_bool("Adaptive time step");
    adaptive_delta     = prm.get_double("Adaptive delta");
    if (!(adaptive_delta > 0))
      throw InputError(path + "Adaptive delta", "must be positive");
    n_steps       = get_integer_at_least(prm, "Number of steps", path, 0);
    settings.seed = get_integer_at_least(prm, "Seed", path, 0);
    drop_failed   = prm.get("On forward failure") == "drop";
    statistics_interval =
      get_integer_at_least(prm, "Statistics interval", path, 1);
    output_interval = get_integer_at_least(prm, "Output interval", path, 0);
  }
} // namespace kwfp
