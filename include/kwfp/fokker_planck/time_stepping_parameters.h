#ifndef kwfp_fokker_planck_time_stepping_parameters_h
#define kwfp_fokker_planck_time_stepping_parameters_h

#include <kwfp/fokker_planck/time_error_estimate.h>

#include <deal.II/base/parameter_handler.h>

#include <functional>
#include <string>

namespace kwfp
{
  /// The parameters of subsection 'Time stepping': BDF1/BDF2 with fixed or
  /// adaptive steps (doc/numerics.md, "Time"), declared and parsed by the
  /// time-stepping module (the application only calls these).
  struct TimeSteppingParameters
  {
    double       final_time              = 2;     ///< T
    double       time_step               = 0.01;  ///< dt (the first one)
    unsigned int bdf_order               = 2;     ///< 1 or 2
    bool         implicit_covariance     = false; ///< iterate C(rho^{n+1})
    double       implicit_tolerance      = 1e-10; ///< of that iteration
    unsigned int max_implicit_iterations = 20;    ///< of that iteration
    /// Variable-step BDF2 controlled by an estimate of the local error
    /// (then time_step is the first step).
    bool              adaptive          = false;
    double            error_tolerance   = 1e-5; ///< of the local error
    TimeErrorEstimate error_estimate    = TimeErrorEstimate::moments; ///< of dt
    double            minimum_time_step = 1e-10; ///< adaptive dt >= this
    double            maximum_time_step = 0;     ///< 0: no limit

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read them from the current subsection of @p prm; a bad value is an
    /// InputError naming @p path followed by the entry. @p check_scheme, if
    /// given, is called with the BDF order once the scheme and its implicit
    /// iteration are read, before the adaptive-step entries (a constraint
    /// of another subsection, reported before those).
    void
    parse_parameters(
      const dealii::ParameterHandler          &prm,
      const std::string                       &path         = "Time stepping/",
      const std::function<void(unsigned int)> &check_scheme = {});
  };
} // namespace kwfp

#endif
