#ifndef kwfp_output_output_parameters_h
#define kwfp_output_output_parameters_h

#include <deal.II/base/parameter_handler.h>

#include <string>
#include <vector>

namespace kwfp
{
  /// The parameters of subsection 'Output': where the results go, how often,
  /// and the checkpoints, declared and parsed by the output module.
  struct OutputParameters
  {
    std::string  directory = "output"; ///< DIR
    unsigned int interval  = 10;       ///< steps between field outputs
    /// Steps between the rows of diagnostics.csv (FE runs).
    unsigned int diagnostics_interval = 1;
    bool         plots                = false; ///< PNG plots at the end
    /// zlib level of the VTU files: "best speed", "best compression" or
    /// "none".
    std::string compression = "best speed";
    /// Write DIR/checkpoint every this many steps (0: never).
    unsigned int checkpoint_interval = 0;
    /// ... and when this many wall-clock minutes have passed since the
    /// last one (0: never).
    double checkpoint_minutes = 30;
    /// The postprocessors of a finite-element run (diagnostics.csv, the
    /// fields, the files
    /// written when the time loop ends), by registered name
    /// (postprocessor_registry), in order.
    std::vector<std::string> postprocessors = {"diagnostics",
                                               "fields",
                                               "posterior",
                                               "final density",
                                               "KL decay"};

    /// Declare the entries in the current subsection of @p prm.
    static void
    declare_parameters(dealii::ParameterHandler &prm);

    /// Read them from the current subsection of @p prm; a bad value is an
    /// InputError naming @p path followed by the entry.
    void
    parse_parameters(const dealii::ParameterHandler &prm,
                     const std::string              &path = "Output/");
  };
} // namespace kwfp

#endif
