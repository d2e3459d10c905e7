#ifndef kwfp_base_errors_h
#define kwfp_base_errors_h

#include <stdexcept>
#include <string>

namespace kwfp
{
  /**
   * @brief A parameter file that cannot be run as written.
   *
   * The message always names the parameter (with its subsection path) and
   * says why its value was rejected. It is detected before any output file is
   * created, identically on every MPI rank, and leads to exit code 2.
   */
  class InputError : public std::runtime_error
  {
  public:
    /// The message is "parameter '@p parameter': @p reason".
    InputError(const std::string &parameter, const std::string &reason)
      : std::runtime_error("parameter '" + parameter + "': " + reason)
      , parameter(parameter)
    {}

    /// The parameter that was rejected, e.g. "Potential/Quadratic/Covariance".
    const std::string parameter;
  };

  /**
   * @brief A run that started but could not go on: a NaN, a negative mass, a
   * linear solver that did not converge. Leads to exit code 3.
   */
  class RunFailure : public std::runtime_error
  {
  public:
    /// @p what says what broke down, where (step, time) and why.
    explicit RunFailure(const std::string &what)
      : std::runtime_error(what)
    {}
  };
} // namespace kwfp

#endif
