#include <kwfp/app/application.h>
#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>
#include <kwfp/comparison/particle_comparison.h>
#include <kwfp/fokker_planck/solver.h>
#include <kwfp/mcmc/metropolis_run.h>
#include <kwfp/particles/particle_solver.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>

#include <cstdlib>
#include <sstream>

namespace kwfp
{
  namespace
  {
    const char *usage =
      "Usage: kwfp FILE.prm           run the parameter file\n"
      "       kwfp --print-parameters print every parameter with its default\n"
      "                               and documentation\n"
      "       kwfp --help             this text\n"
      "\n"
      "kwfp solves the Kalman-Wasserstein Fokker-Planck equation\n"
      "  d_t rho = div( C(rho) (rho grad Phi_R + grad rho) )\n"
      "by finite elements in d = 1, 2, 3, and the ensemble Kalman particle\n"
      "systems in any d (MPI: mpirun -np N kwfp FILE.prm).\n"
      "Exit codes: 0 success, 1 usage, 2 bad input, 3 run failure.\n";

    /**
     * The finite-element run, with @p particles (if given) advanced beside
     * it and compared with it at every output time.
     */
    template <int dim>
    void
    run_dimension(const Parameters  &parameters,
                  const std::string &text,
                  const MPI_Comm     communicator,
                  std::ostream      &out,
                  ParticleSolver    *particles)
    {
      // Let the solver (and its TimerOutput, which synchronizes over MPI)
      // be destroyed before an exception propagates further.
      std::exception_ptr failure;
      {
        FokkerPlanckSolver<dim> solver(parameters, text, communicator, out);
        std::unique_ptr<ParticleComparison<dim>> comparison;
        try
          {
            if (particles)
              {
                comparison =
                  std::make_unique<ParticleComparison<dim>>(parameters,
                                                            *particles,
                                                            communicator);
                solver.set_observer([&](FieldObservation<dim> &observation) {
                  comparison->observe(observation);
                });
                particles->start();
              }
            solver.run();
            if (particles)
              {
                particles->advance_to(parameters.time_stepping.final_time);
                particles->finish();
              }
          }
        catch (...)
          {
            failure = std::current_exception();
          }
      }
      if (failure)
        std::rethrow_exception(failure);
    }
    /// Run scripts/plot_results.py on the output (rank 0); a warning if it
    /// cannot.
    void
    make_plots(const Parameters &parameters,
               const MPI_Comm    communicator,
               std::ostream     &out)
    {
      if (dealii::Utilities::MPI::this_mpi_process(communicator) != 0)
        return;
      const std::string command = "/usr/bin/python3 '" KWFP_SCRIPTS_DIR
                                  "/plot_results.py' '" +
                                  parameters.output.directory + "'";
      if (std::system(command.c_str()) != 0)
        out << "kwfp: warning: the plots could not be made ('" << command
            << "' failed); the results are complete without them" << std::endl;
    }
  } // namespace


  int
  run_application(const std::vector<std::string> &arguments,
                  const MPI_Comm                  communicator,
                  std::ostream                   &out,
                  std::ostream                   &err)
  {
    const bool is_root =
      dealii::Utilities::MPI::this_mpi_process(communicator) == 0;
    const auto fail = [&](const int code, const std::string &message) {
      if (is_root)
        err << "kwfp: error: " << message << std::endl;
      return code;
    };

    if (arguments.size() != 1)
      {
        if (is_root)
          err << usage;
        return usage_error;
      }
    const std::string       &argument = arguments[0];
    dealii::ParameterHandler prm;
    Parameters::declare(prm);
    if (argument == "--help" || argument == "-h")
      {
        if (is_root)
          out << usage;
        return success;
      }
    if (argument == "--print-parameters")
      {
        if (is_root)
          prm.print_parameters(out, dealii::ParameterHandler::PRM);
        return success;
      }
    if (!argument.empty() && argument[0] == '-')
      return fail(usage_error, "unknown option '" + argument + "'\n" + usage);

    try
      {
        Parameters parameters;
        parameters.read(prm, argument);
        std::ostringstream text;
        prm.print_parameters(text, dealii::ParameterHandler::PRM);
        // the particle solver checks its input (and draws the initial
        // ensemble) when it is made, before the finite-element run
        std::unique_ptr<ParticleSolver> particles;
        if (parameters.run_particles)
          particles = std::make_unique<ParticleSolver>(parameters,
                                                       text.str(),
                                                       communicator,
                                                       out);
        if (parameters.run_finite_element)
          switch (parameters.dimension)
            {
              case 1:
                run_dimension<1>(
                  parameters, text.str(), communicator, out, particles.get());
                break;
              case 2:
                run_dimension<2>(
                  parameters, text.str(), communicator, out, particles.get());
                break;
              default:
                run_dimension<3>(
                  parameters, text.str(), communicator, out, particles.get());
                break;
            }
        else
          particles->run();
        if (parameters.metropolis.n_samples > 0)
          run_metropolis(parameters, communicator, out);
        if (parameters.run_finite_element && parameters.output.plots)
          make_plots(parameters, communicator, out);
      }
    catch (const InputError &e)
      {
        return fail(input_error, e.what());
      }
    catch (const RunFailure &e)
      {
        return fail(run_failure, e.what());
      }
    catch (const dealii::ExceptionBase &e)
      {
        std::ostringstream info;
        e.print_info(info);
        return fail(internal_error, info.str());
      }
    catch (const std::exception &e)
      {
        return fail(internal_error, e.what());
      }
    return success;
  }
} // namespace kwfp
