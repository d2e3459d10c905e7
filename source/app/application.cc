#include <kwfp/app/application.h>
#include <kwfp/app/parameters.h>
#include <kwfp/base/errors.h>
#include <kwfp/base/interruption.h>
#include <kwfp/comparison/closure_comparison.h>
#include <kwfp/comparison/particle_comparison.h>
#include <kwfp/comparison/particle_coupling.h>
#include <kwfp/fokker_planck/solver.h>
#include <kwfp/forward_model/external_forward_model.h>
#include <kwfp/gaussian_closure/gaussian_closure_solver.h>
#include <kwfp/mcmc/metropolis_run.h>
#include <kwfp/output/posterior_table.h>
#include <kwfp/particles/particle_solver.h>

#include <deal.II/base/exceptions.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/parameter_handler.h>
#include <deal.II/base/utilities.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

namespace kwfp
{
  namespace
  {
    const char *usage =
      "Usage: kwfp FILE.prm           run the parameter file\n"
      "       kwfp --resume DIR       continue the run whose output directory\n"
      "                               is DIR from DIR/checkpoint (same number\n"
      "                               of MPI ranks, parameters DIR/parameters.prm)\n"
      "       kwfp --print-parameters print every parameter with its default\n"
      "                               and documentation\n"
      "       kwfp --help             this text\n"
      "\n"
      "kwfp solves the Kalman-Wasserstein Fokker-Planck equation\n"
      "  d_t rho = div( C(rho) (rho grad Phi_R + grad rho) )\n"
      "by finite elements in d = 1, 2, 3, and the ensemble Kalman particle\n"
      "systems in any d (MPI: mpirun -np N kwfp FILE.prm).\n"
      "Exit codes: 0 success, 1 usage, 2 bad input, 3 run failure,\n"
      "4 internal error, 5 interrupted (SIGINT/SIGTERM; resume with\n"
      "kwfp --resume DIR).\n";

    /// What the runs of one parameter file estimated (for
    /// posterior_table.csv).
    struct Results
    {
      std::optional<RunSummary>                finite_element;
      std::optional<ParticleRunSummary>        particles;
      std::optional<GaussianClosureRunSummary> gaussian_closure;
    };

    /// The main run of one parameter file: its parameters (and their text),
    /// where it writes, the particles and the Gaussian closure beside the
    /// finite elements (each may be nullptr), and whether it is resumed.
    struct MainRun
    {
      const Parameters      &parameters;
      const std::string     &text;
      const MPI_Comm         communicator;
      std::ostream          &out;
      ParticleSolver        *particles;
      GaussianClosureSolver *closure;
      const bool             resume;
    };

    /**
     * The finite-element run of @p run, with its particles and closure (if
     * given) advanced beside it and compared with it at every output time.
     */
    template <int dim>
    void
    run_dimension(const MainRun &run, Results &results)
    {
      const Parameters      &parameters   = run.parameters;
      const MPI_Comm         communicator = run.communicator;
      ParticleSolver        *particles    = run.particles;
      GaussianClosureSolver *closure      = run.closure;
      const bool             resume       = run.resume;
      // Let the solver (and its TimerOutput, which synchronizes over MPI)
      // be destroyed before an exception propagates further.
      std::exception_ptr           failure;
      const FokkerPlanckParameters fe_parameters =
        fokker_planck_parameters(parameters);
      {
        FokkerPlanckSolver<dim> solver(fe_parameters,
                                       run.text,
                                       communicator,
                                       run.out);
        // every row is in diagnostics.csv (postprocessor "diagnostics");
        // memory stays flat
        solver.keep_full_history(false);
        try
          {
            // bad input found before the particles or the closure write
            solver.check_input(resume,
                               particles ? particles->memory_need() : 0.);
            if (particles)
              {
                // At each output time: the particles to that time, then the
                // comparison; the checkpoint holds both, in this order.
                solver.postprocessors().add(
                  std::make_unique<ParticleCoupling<dim>>(*particles));
                solver.postprocessors().add(
                  std::make_unique<ParticleComparison<dim>>(fe_parameters,
                                                            *particles,
                                                            communicator));
                if (!resume)
                  particles->start();
              }
            if (closure)
              {
                // advances the closure to each output time and compares
                solver.postprocessors().add(
                  std::make_unique<ClosureComparison<dim>>(fe_parameters,
                                                           *closure,
                                                           communicator));
                if (!resume)
                  closure->start();
              }
            results.finite_element = solver.run(resume);
            if (closure)
              {
                if (!results.finite_element->interrupted)
                  closure->advance_to(parameters.time_stepping.final_time);
                results.gaussian_closure = closure->finish();
              }
            if (particles)
              {
                if (!results.finite_element->interrupted)
                  particles->advance_to(parameters.time_stepping.final_time);
                results.particles = particles->finish();
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


    /// The final mean and covariance of a particle run, as a table row.
    void
    add_particle_row(PosteriorTable           &table,
                     const std::string        &method,
                     const ParticleRunSummary &summary)
    {
      if (summary.history.empty())
        return;
      const ParticlesRow &last = summary.history.back();
      std::ostringstream  note;
      note << "J = " << last.n_particles << ", " << summary.n_steps
           << " steps to t = " << last.time;
      table.add("particles " + method, last.mean, last.covariance, note.str());
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


    /// Read the parameter file @p argument into @p prm (with @p resume:
    /// DIR/parameters.prm of the run whose output directory is @p argument).
    Parameters
    read_parameters(dealii::ParameterHandler &prm,
                    const std::string        &argument,
                    const bool                resume)
    {
      Parameters parameters;
      if (resume)
        {
          // The parameters the run was started with, in its directory.
          const std::string file = argument + "/parameters.prm";
          if (!std::ifstream(file))
            throw InputError("--resume",
                             "'" + file + "' does not exist: '" + argument +
                               "' is not the output directory of a kwfp "
                               "run");
          parameters.read(prm, file);
          parameters.output.directory = argument;
        }
      else
        parameters.read(prm, argument);
      return parameters;
    }


    /// The runs of 'Particles/Also run methods', made (their input checked)
    /// before any output; each writes to DIR/particles_METHOD/.
    std::vector<std::unique_ptr<ParticleSolver>>
    additional_particle_runs(const Parameters  &parameters,
                             const std::string &text,
                             const MPI_Comm     communicator,
                             std::ostream      &out)
    {
      std::vector<std::unique_ptr<ParticleSolver>> runs;
      for (const ParticleMethod method :
           parameters.particles.additional_methods)
        {
          ParticleSolverParameters p  = particle_solver_parameters(parameters);
          p.particles.settings.method = method;
          p.output.directory += "/particles_" + to_string(method);
          runs.push_back(
            std::make_unique<ParticleSolver>(p, text, communicator, out));
        }
      return runs;
    }


    /// The main run: the finite elements in their dimension (with
    /// the particles and the closure beside them, if given), or the
    /// particles and the closure alone.
    void
    run_main(const MainRun &run, Results &results)
    {
      if (!run.parameters.run_finite_element)
        {
          if (run.particles)
            results.particles = run.particles->run(run.resume);
          // Alone, the closure checkpoints (every 'Output/Checkpoint
          // interval' steps and on SIGINT/SIGTERM) and resumes; after the
          // particles (whose checkpoint DIR/checkpoint is) it
          // runs again from t = 0 on a resume (deterministic, seconds).
          if (run.closure && !interruption_signal(run.communicator))
            results.gaussian_closure =
              run.closure->run(run.resume && !run.particles, !run.particles);
          return;
        }
      switch (run.parameters.dimension)
        {
          case 1:
            run_dimension<1>(run, results);
            break;
          case 2:
            run_dimension<2>(run, results);
            break;
          default:
            run_dimension<3>(run, results);
            break;
        }
    }


    /// After the main run: the additional particle runs and the Metropolis
    /// chain, then posterior_table.csv and the plots.
    void
    finish_runs(const Parameters                                   &parameters,
                const Results                                      &results,
                const std::vector<std::unique_ptr<ParticleSolver>> &extra_runs,
                const MPI_Comm communicator,
                std::ostream  &out)
    {
      PosteriorTable table;
      if (results.finite_element)
        {
          const RunSummary     &fe   = *results.finite_element;
          const DiagnosticsRow &last = fe.history.back();
          std::ostringstream    note;
          note << "t = " << last.time << ", " << fe.n_steps << " steps, "
               << fe.n_cells << " cells";
          table.add("finite elements", last.mean, last.covariance, note.str());
          // without the "posterior" postprocessor, no quadrature row
          if (fe.posterior_mean.size() > 0)
            table.add("quadrature of exp(-Phi_R)/Z",
                      fe.posterior_mean,
                      fe.posterior_covariance,
                      "on the final mesh");
        }
      if (results.gaussian_closure)
        {
          const GaussianClosureRunSummary &g = *results.gaussian_closure;
          std::ostringstream               note;
          note << "t = " << g.final_time << ", " << g.n_steps << " steps, "
               << cubature_selection().name(
                    parameters.gaussian_closure.cubature)
               << ", free energy " << g.free_energy;
          table.add("Gaussian closure", g.mean, g.covariance, note.str());
        }
      if (results.particles)
        add_particle_row(table,
                         to_string(parameters.particles.settings.method),
                         *results.particles);
      for (std::size_t k = 0; k < extra_runs.size(); ++k)
        {
          out << "kwfp: particle run " << k + 1 << " of " << extra_runs.size()
              << ": " << to_string(parameters.particles.additional_methods[k])
              << std::endl;
          add_particle_row(table,
                           to_string(
                             parameters.particles.additional_methods[k]),
                           extra_runs[k]->run());
        }
      if (parameters.metropolis.n_samples > 0)
        {
          const MetropolisResult m =
            run_metropolis(metropolis_run_parameters(parameters),
                           communicator,
                           out);
          std::ostringstream note;
          note << m.n_samples << " samples, acceptance " << m.acceptance_rate;
          table.add("random-walk Metropolis", m.mean, m.covariance, note.str());
        }
      if (dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
        table.write(parameters.output.directory);
      if (parameters.run_finite_element && parameters.output.plots)
        make_plots(parameters, communicator, out);
    }


    /// The calls of an external forward model ('Forward model = external')
    /// over all ranks, the first call (when the parameters were read)
    /// included.
    void
    report_external_calls(const MPI_Comm communicator, std::ostream &out)
    {
      const ExternalForwardModel::Usage usage =
        ExternalForwardModel::total_usage();
      const double calls =
        dealii::Utilities::MPI::sum(double(usage.calls), communicator);
      if (calls == 0)
        return;
      const double points =
        dealii::Utilities::MPI::sum(double(usage.points), communicator);
      const double seconds =
        dealii::Utilities::MPI::max(usage.seconds, communicator);
      if (dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
        out << "kwfp: external forward model: " << calls << " calls, " << points
            << " points (all ranks); " << seconds
            << " s in the command on the busiest rank" << std::endl;
    }

    /// Peak resident memory (VmHWM) of the run, for benchmarks/run.sh.
    void
    report_peak_memory(const MPI_Comm communicator, std::ostream &out)
    {
      dealii::Utilities::System::MemoryStats memory;
      dealii::Utilities::System::get_memory_stats(memory);
      const auto peak =
        dealii::Utilities::MPI::min_max_avg(memory.VmHWM / 1024.0,
                                            communicator);
      if (dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
        out << "kwfp: peak resident memory " << peak.max
            << " MB on the largest rank, " << peak.sum << " MB over "
            << dealii::Utilities::MPI::n_mpi_processes(communicator)
            << " rank(s)" << std::endl;
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

    const bool resume = arguments.size() == 2 && arguments[0] == "--resume";
    if (arguments.size() != 1 && !resume)
      {
        if (is_root)
          err << usage;
        return usage_error;
      }
    const std::string       &argument = resume ? arguments[1] : arguments[0];
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
    if (!resume && !argument.empty() && argument[0] == '-')
      return fail(usage_error,
                  argument == "--resume" ?
                    "--resume needs the output directory of the run to "
                    "continue: kwfp --resume DIR" :
                    "unknown option '" + argument + "'\n" + usage);

    try
      {
        const Parameters   parameters = read_parameters(prm, argument, resume);
        std::ostringstream text;
        prm.print_parameters(text, dealii::ParameterHandler::PRM);
        // the particle solvers check their input when made, before output
        std::unique_ptr<ParticleSolver> particles;
        if (parameters.run_particles)
          particles =
            std::make_unique<ParticleSolver>(particle_solver_parameters(
                                               parameters),
                                             text.str(),
                                             communicator,
                                             out);
        const std::vector<std::unique_ptr<ParticleSolver>> extra_runs =
          additional_particle_runs(parameters, text.str(), communicator, out);
        check_metropolis_start(metropolis_run_parameters(parameters));
        std::unique_ptr<GaussianClosureSolver> closure;
        if (parameters.run_gaussian_closure)
          closure = std::make_unique<GaussianClosureSolver>(
            gaussian_closure_solver_parameters(parameters),
            text.str(),
            communicator,
            out);

        Results results;
        run_main({parameters,
                  text.str(),
                  communicator,
                  out,
                  particles.get(),
                  closure.get(),
                  resume},
                 results);

        // SIGINT/SIGTERM: the runs so far stopped after a complete step and
        // wrote their outputs; the stages after them are skipped.
        if (const int signal = interruption_signal(communicator))
          return fail(
            interrupted,
            "interrupted by signal " + std::to_string(signal) +
              "; the outputs in '" + parameters.output.directory +
              "' are those of the last completed step; continue the run "
              "with: kwfp --resume " +
              parameters.output.directory);
        finish_runs(parameters, results, extra_runs, communicator, out);
        report_external_calls(communicator, out);
        report_peak_memory(communicator, out);
      }
    catch (const InputError &e)
      {
        return fail(input_error, e.what());
      }
    catch (const ExternalCommandFailure &e)
      {
        // only this rank called the command: the others may wait for it in
        // a collective operation, so with several ranks all end here
        err << "kwfp: error: " << e.what() << std::endl;
        if (dealii::Utilities::MPI::n_mpi_processes(communicator) > 1)
          MPI_Abort(communicator, run_failure);
        return run_failure;
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
