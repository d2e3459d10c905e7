#include <kwfp/base/errors.h>
#include <kwfp/output/output_parameters.h>
#include <kwfp/postprocess/postprocessor_registry.h>

#include <deal.II/base/utilities.h>

#include <algorithm>
#include <cmath>

namespace kwfp
{
  using namespace dealii;


  void
  OutputParameters::declare_parameters(ParameterHandler &prm)
  {
    prm.declare_entry("Directory",
                      "output",
                      Patterns::Anything(),
                      "Where diagnostics.csv, parameters.prm and the ParaView "
                      "files go (created if missing).");
    prm.declare_entry("Interval",
                      "10",
                      Patterns::Integer(),
                      "Write the fields (postprocessor 'fields' of "
                      "'Output/Postprocessors') every this many steps (and "
                      "at the first and last step); 0 writes no fields.");
    prm.declare_entry("Diagnostics interval",
                      "1",
                      Patterns::Integer(),
                      "Finite-element runs: write a row of diagnostics.csv "
                      "(KL, I_C, the L1 distances and errors, computed by "
                      "quadrature) every this many steps, and at the first "
                      "and last step; the status lines follow these rows. "
                      "The moments, the checks of C, the mass and the "
                      "density run at every step regardless. Above 1 the "
                      "KL decay fit and the dissipation check use the "
                      "thinner rows.");
    prm.declare_entry("Plots",
                      "false",
                      Patterns::Bool(),
                      "At the end of a finite-element run, make the PNG plots "
                      "of scripts/plot_results.py in the output directory "
                      "(needs /usr/bin/python3 with matplotlib).");
    prm.declare_entry("Compression",
                      "best speed",
                      Patterns::Selection("best speed|best compression|none"),
                      "zlib compression of the VTU files. 'best speed' "
                      "(default): on the Q2 banana example (16641 "
                      "unknowns, 3 runs) an output took 15 ms for 122 kB, "
                      "'best compression' 117 ms for 115 kB (6.3 times as "
                      "long), 'none' (base64 of the raw values) 14 ms for "
                      "402 kB.");
    prm.declare_entry(
      "Postprocessors",
      "diagnostics, fields, posterior, final density, KL decay",
      Patterns::Anything(),
      "What a finite-element run writes, by name, in this order (an empty "
      "list: none of them): 'diagnostics' (diagnostics.csv, a row every "
      "'Output/Diagnostics interval' steps; without it the rows are still "
      "computed for the status lines and the KL decay), 'fields' (the ParaView "
      "files solution-NNNNN.pvtu and solution.pvd every 'Output/Interval' "
      "steps, none when it is 0; the last good state of a run that broke "
      "down), and when its time loop ends 'posterior' "
      "(posterior.csv, the moments of exp(-Phi_R)/Z by quadrature on the "
      "final mesh, and its row in posterior_table.md), 'final density' "
      "(density_final.csv, for plots), 'KL decay' (kl_decay.csv: dKL/dt "
      "against -I_C and the fitted rate), and any that a library of "
      "'Additional shared libraries' registers with "
      "KWFP_REGISTER_POSTPROCESSOR. 'Output/Plots' needs 'diagnostics' and "
      "'KL decay'.");
    prm.declare_entry("Checkpoint interval",
                      "0",
                      Patterns::Integer(),
                      "Write the whole state of the run to DIR/checkpoint "
                      "every this many time steps (0: not by steps). A run "
                      "continues from it with 'kwfp --resume DIR', with the "
                      "same number of MPI ranks, and gives the same results "
                      "to the last digit as a run that was not stopped. "
                      "SIGINT and SIGTERM always write one.");
    prm.declare_entry("Checkpoint minutes",
                      "30",
                      Patterns::Double(),
                      "Also write the checkpoint when this many wall-clock "
                      "minutes have passed since the last one (0: not by "
                      "time). The previous checkpoint is kept until the new "
                      "one is complete.");
  }


  void
  OutputParameters::parse_parameters(const ParameterHandler &prm,
                                     const std::string      &path)
  {
    directory = prm.get("Directory");
    if (directory.find_first_not_of(" \t") == std::string::npos)
      throw InputError(path + "Directory", "must not be empty");
    const long read_interval = prm.get_integer("Interval");
    if (read_interval < 0)
      throw InputError(path + "Interval", "must be 0 or positive");
    interval = read_interval;
    const long read_diagnostics_interval =
      prm.get_integer("Diagnostics interval");
    if (read_diagnostics_interval < 1)
      throw InputError(path + "Diagnostics interval", "must be at least 1");
    diagnostics_interval = read_diagnostics_interval;
    plots                = prm.get_bool("Plots");
    compression          = prm.get("Compression");
    const long read_checkpoint_interval =
      prm.get_integer("Checkpoint interval");
    if (read_checkpoint_interval < 0)
      throw InputError(path + "Checkpoint interval", "must be 0 or positive");
    checkpoint_interval = read_checkpoint_interval;
    postprocessors.clear();
    for (const std::string &name :
         Utilities::split_string_list(prm.get("Postprocessors"), ','))
      {
        if (!postprocessor_registry().has(name))
          {
            std::string known;
            for (const std::string &entry : postprocessor_registry().list())
              known += "\n  " + entry;
            throw InputError(path + "Postprocessors",
                             "'" + name +
                               "' is not a postprocessor; known:" + known);
          }
        if (std::count(postprocessors.begin(), postprocessors.end(), name))
          throw InputError(path + "Postprocessors",
                           "'" + name + "' is listed twice");
        postprocessors.push_back(name);
      }
    for (const char *needed : {"diagnostics", "KL decay"})
      if (plots &&
          !std::count(postprocessors.begin(), postprocessors.end(), needed))
        throw InputError(path + "Postprocessors",
                         "'Output/Plots = true' needs '" + std::string(needed) +
                           "' (the plots draw diagnostics.csv and "
                           "kl_decay.csv)");
    checkpoint_minutes = prm.get_double("Checkpoint minutes");
    if (!(checkpoint_minutes >= 0) || !std::isfinite(checkpoint_minutes))
      throw InputError(path + "Checkpoint minutes",
                       "must be 0 or a positive number of minutes");
  }
} // namespace kwfp
