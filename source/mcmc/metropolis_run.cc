#include <kwfp/base/errors.h>
#include <kwfp/mcmc/metropolis_run.h>
#include <kwfp/model/initial_density.h>
#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/output/diagnostics_csv.h>
#include <kwfp/potential/potential_factory.h>

#include <deal.II/base/mpi.h>

#include <cmath>
#include <cstdio>
#include <sstream>

namespace kwfp
{
  namespace
  {
    /// The settings of the chain, with 'initial' start and proposal
    /// covariance taken from the moments of the initial density.
    MetropolisSettings
    chain_settings(const MetropolisRunParameters &parameters)
    {
      MetropolisSettings settings = parameters.metropolis;
      const unsigned int d        = parameters.dimension;
      DenseVector        mean(d);
      DenseMatrix        covariance(d, d);
      if (const auto moments =
            InitialDensity(parameters.initial_density, d).moments())
        {
          mean       = moments->first;
          covariance = moments->second;
        }
      if (parameters.metropolis.start_from_initial)
        settings.start = mean;
      if (parameters.metropolis.proposal_from_initial)
        settings.proposal_covariance = covariance;
      return settings;
    }
  } // namespace


  void
  check_metropolis_start(const MetropolisRunParameters &parameters)
  {
    if (parameters.metropolis.n_samples == 0 ||
        (parameters.potential.type == PotentialType::inverse_problem &&
         parameters.potential.forward_model == "external"))
      return;
    const MetropolisSettings settings = chain_settings(parameters);
    const auto               potential =
      create_potential(parameters.potential, parameters.dimension);
    const double phi = potential->value(
      dealii::make_array_view(settings.start.begin(), settings.start.end()));
    if (!std::isfinite(phi))
      {
        std::ostringstream message;
        message << "Phi_R is not finite at the start point (";
        for (unsigned int a = 0; a < settings.start.size(); ++a)
          message << (a ? ", " : "") << settings.start[a];
        message << "): Phi_R = " << phi;
        throw InputError("Metropolis/Start", message.str());
      }
  }


  MetropolisResult
  run_metropolis(const MetropolisRunParameters &parameters,
                 const MPI_Comm                 communicator,
                 std::ostream                  &console)
  {
    const MetropolisSettings settings = chain_settings(parameters);
    const unsigned int       d        = parameters.dimension;
    const auto potential     = create_potential(parameters.potential, d);
    const MetropolisResult r = random_walk_metropolis(*potential, settings);

    const bool writer =
      dealii::Utilities::MPI::this_mpi_process(communicator) == 0;
    if (writer)
      {
        console << "kwfp: Metropolis: " << r.n_samples << " samples after "
                << settings.burn_in << " burn-in, acceptance "
                << r.acceptance_rate << ", tau " << r.tau << "; "
                << r.potential_calls << " calls of Phi_R for " << r.evaluated
                << " proposals\n      mean";
        for (unsigned int a = 0; a < d; ++a)
          console << " " << r.mean[a] << " (+- " << r.standard_error[a]
                  << ", ESS " << r.effective_sample_size[a] << ")";
        console << std::endl;
        write_atomically(parameters.output.directory + "/metropolis.csv",
                         [&](std::ostream &out) {
                           std::string header =
                             "samples,burn_in,tau,acceptance_rate" +
                             moment_columns(d);
                           for (unsigned int a = 0; a < d; ++a)
                             header += ",se_mean_" + std::to_string(a + 1);
                           for (unsigned int a = 0; a < d; ++a)
                             header += ",ess_" + std::to_string(a + 1);
                           out << header << '\n'
                               << r.n_samples << ',' << settings.burn_in;
                           const auto number = [&](const double x) {
                             write_csv_number(out, x);
                           };
                           number(r.tau);
                           number(r.acceptance_rate);
                           write_csv_moments(out, r.mean, r.covariance);
                           for (unsigned int a = 0; a < d; ++a)
                             number(r.standard_error[a]);
                           for (unsigned int a = 0; a < d; ++a)
                             number(r.effective_sample_size[a]);
                           out << '\n';
                         });
        write_atomically(parameters.output.directory +
                           "/metropolis_samples.csv",
                         [&](std::ostream &out) {
                           for (unsigned int a = 0; a < d; ++a)
                             out << (a ? "," : "") << "u_" << a + 1;
                           out << '\n';
                           for (const auto &sample : r.thinned_samples)
                             {
                               for (unsigned int a = 0; a < d; ++a)
                                 write_csv_number(out, sample[a], a > 0);
                               out << '\n';
                             }
                         });
      }
    return r;
  }
} // namespace kwfp
