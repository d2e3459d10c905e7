#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/time_stepping_parameters.h>

namespace kwfp
{
  using namespace dealii;

  void
  TimeSteppingParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Final time",
                      "2",
                      Patterns::Double(),
                      "Final time T (> 0).");
    prm.declare_entry("Time step",
                      "0.01",
                      Patterns::Double(),
                      "Time step dt (> 0). Fixed steps: n = ceil(T / dt) "
                      "equal steps T / n, the last one ending at T exactly; "
                      "adaptive steps: the first step.");
    prm.declare_entry("Scheme",
                      "BDF2",
                      Patterns::Selection("BDF1|BDF2"),
                      "BDF1 (implicit Euler, C lagged: C^n) or BDF2 (first "
                      "step BDF1, C extrapolated: 2 C^n - C^{n-1}).");
    prm.declare_entry("Implicit covariance",
                      "false",
                      Patterns::Bool(),
                      "Iterate each step until C(rho^{n+1}) is consistent "
                      "(fully implicit in C).");
    prm.declare_entry("Implicit tolerance",
                      "1e-10",
                      Patterns::Double(),
                      "Stop the C iteration when the Frobenius norm of the "
                      "change of C is below this times |C|.");
    prm.declare_entry("Maximum implicit iterations",
                      "20",
                      Patterns::Integer(),
                      "Most C iterations per step; more is an error.");
    prm.declare_entry(
      "Adaptive time step",
      "false",
      Patterns::Bool(),
      "Choose each dt from an estimate of the local error of variable-step "
      "BDF2 (needs Scheme = BDF2); 'Time step' is then the first step "
      "(e.g. 1e-6 for a stiff start). The steps taken are in the dt column "
      "of diagnostics.csv.");
    prm.declare_entry(
      "Error tolerance",
      "1e-5",
      Patterns::Double(),
      "Adaptive time step: the local error allowed per step (see 'Error "
      "estimate'). A step whose estimate exceeds twice this is repeated with "
      "a smaller dt.");
    time_error_estimate_selection().declare(
      prm,
      "Error estimate",
      "moments",
      "Adaptive time step: what the local error is measured on. moments: "
      "the mean and covariance, each entry relative to the standard "
      "deviations (smooth in time even where flux correction limits steep "
      "fronts); density: the L1 norm of the density.");
    prm.declare_entry("Minimum time step",
                      "1e-10",
                      Patterns::Double(),
                      "Adaptive time step: dt never goes below this (a step "
                      "at this dt is accepted whatever its estimate).");
    prm.declare_entry("Maximum time step",
                      "0",
                      Patterns::Double(),
                      "Adaptive time step: dt never exceeds this (0: no "
                      "limit but the final time).");
  }


  void
  TimeSteppingParameters::parse_parameters(
    const ParameterHandler                  &prm,
    const std::string                       &path,
    const std::function<void(unsigned int)> &check_scheme)
  {
    final_time = prm.get_double("Final time");
    if (!(final_time > 0))
      throw InputError(path + "Final time",
                       "must be positive, got " + prm.get("Final time"));
    time_step = prm.get_double("Time step");
    if (!(time_step > 0))
      throw InputError(path + "Time step",
                       "must be positive, got " + prm.get("Time step"));
    if (final_time / time_step > 1e8)
      throw InputError(path + "Time step",
                       "more than 1e8 steps would be needed to reach the "
                       "final time");
    bdf_order           = prm.get("Scheme") == "BDF1" ? 1 : 2;
    implicit_covariance = prm.get_bool("Implicit covariance");
    implicit_tolerance  = prm.get_double("Implicit tolerance");
    if (!(implicit_tolerance > 0))
      throw InputError(path + "Implicit tolerance", "must be positive");
    const long max_implicit = prm.get_integer("Maximum implicit iterations");
    if (max_implicit < 1)
      throw InputError(path + "Maximum implicit iterations",
                       "must be at least 1");
    max_implicit_iterations = max_implicit;
    if (check_scheme)
      check_scheme(bdf_order);
    adaptive        = prm.get_bool("Adaptive time step");
    error_tolerance = prm.get_double("Error tolerance");
    error_estimate =
      time_error_estimate_selection().parse(prm.get("Error estimate"),
                                            path + "Error estimate");
    minimum_time_step = prm.get_double("Minimum time step");
    maximum_time_step = prm.get_double("Maximum time step");
    if (adaptive)
      {
        if (bdf_order != 2)
          throw InputError(path + "Adaptive time step",
                           "needs 'Time stepping/Scheme = BDF2' (its error "
                           "estimate is that of BDF2)");
        if (!(error_tolerance > 0 && error_tolerance < 1))
          throw InputError(path + "Error tolerance",
                           "must be between 0 and 1, got " +
                             prm.get("Error tolerance"));
        if (!(minimum_time_step > 0) || minimum_time_step > time_step)
          throw InputError(path + "Minimum time step",
                           "must be positive and at most 'Time step', got " +
                             prm.get("Minimum time step"));
        if (maximum_time_step < 0 ||
            (maximum_time_step > 0 && maximum_time_step < time_step))
          throw InputError(path + "Maximum time step",
                           "must be 0 (no limit) or at least 'Time step', "
                           "got " +
                             prm.get("Maximum time step"));
      }
  }
} // namespace kwfp
