// The time loop of the finite-element solver: steps of the size that
// TimeStepControl decides, repeated when rejected, each followed by its
// outputs, mesh adaptation or box move and checkpoint.

#include <kwfp/base/checkpoint.h>
#include <kwfp/base/errors.h>
#include <kwfp/base/interruption.h>
#include <kwfp/base/vector_extremes.h>
#include <kwfp/fokker_planck/solver.h>
#include <kwfp/forward_model/external_forward_model.h>
#include <kwfp/output/output_directory.h>
#include <kwfp/postprocess/end_of_run_files.h>

#include <deal.II/base/mpi.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <tuple>

namespace kwfp
{
  using namespace dealii;

  template <int dim>
  RunSummary
  FokkerPlanckSolver<dim>::run(const bool resume)
  {
    RunSummary  summary;
    LoopState   loop;
    LoopContext context(parameters.time_stepping);
    start_run(resume, loop, summary, context);
    const auto loop_start = std::chrono::steady_clock::now();
    time_loop(loop, summary, context);
    finish_postprocessors(summary);
    summary.loop_seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - loop_start)
                             .count();
    finish_run(summary);
    return summary;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::start_run(const bool   resume,
                                     LoopState   &loop,
                                     RunSummary  &summary,
                                     LoopContext &context)
  {
    if (resume)
      resume_from_checkpoint(loop, summary);
    else
      {
        setup();
        prepare_output_directory(parameters.output.directory,
                                 parameters_text,
                                 communicator);
      }
    postprocessor_manager.start();
    summary.n_dofs  = dof_handler.n_dofs();
    summary.n_cells = triangulation->n_global_active_cells();

    // Status lines print diagnostics rows: a multiple of their interval.
    const unsigned int interval = parameters.output.interval;
    const unsigned int n_steps  = context.control.n_fixed_steps();
    context.output_every        = interval;
    context.diagnostics_every   = parameters.output.diagnostics_interval;
    context.status_every =
      (((interval > 0 ?
           interval :
           (context.control.adaptive() ? 20u : std::max(1u, n_steps / 10))) +
        context.diagnostics_every - 1) /
       context.diagnostics_every) *
      context.diagnostics_every;
    print_run_header(summary, context);

    context.next.reinit(density);
    context.last_good_time = loop.time;
    if (resume)
      {
        context.moments = moment_history[0];
        console << "kwfp: resumed from the checkpoint at step " << loop.step
                << ", t = " << loop.time << std::endl;
        return;
      }
    {
      TimerOutput::Scope scope(timer, "moments and C");
      context.moments = moment_functionals.compute(density);
    }
    check_mass(context.moments, 0, 0);
    moment_history.fill(context.moments);
    loop.C_now = diffusion_matrix(context.moments);
    loop.C_old = loop.C_now;
    if (!context.control.adaptive())
      summary.kl_samples.reserve(n_steps + 1);
    context.row = diagnostics(0, 0, 0, context.moments);
    postprocessor_manager.record(context.row);
    record_row(summary, context.row);
    output_step(0, context.moments);
    print_status(context.row);
    loop.dt_next   = context.control.first_step();
    summary.min_dt = std::numeric_limits<double>::max();
    summary.max_dt = 0;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::print_run_header(const RunSummary  &summary,
                                            const LoopContext &context)
  {
    const auto &ts = parameters.time_stepping;
    console << "kwfp: d = " << dim << ", Q" << fe.degree << ", "
            << summary.n_cells << " cells, " << summary.n_dofs << " unknowns, "
            << Utilities::MPI::n_mpi_processes(communicator) << " MPI rank(s)\n"
            << "      Phi_R: " << potential->description() << "\n"
            << "      ";
    if (ts.adaptive)
      console << "adaptive variable-step BDF2 from dt = " << ts.time_step
              << " (local error tolerance " << ts.error_tolerance << ")";
    else
      console << context.control.n_fixed_steps() << " steps of BDF"
              << ts.bdf_order << " with dt = " << context.control.first_step();
    console << " to T = " << ts.final_time << "; output in "
            << parameters.output.directory << std::endl;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::print_status(const DiagnosticsRow &row)
  {
    char line[200];
    std::snprintf(line,
                  sizeof(line),
                  "step %6u  t = %9.5f  dt = %.3e  mass = %.15f  KL = %.6e",
                  row.step,
                  row.time,
                  row.dt,
                  row.mass,
                  row.kl);
    console << line << std::endl;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::check_mass(const Moments     &moments,
                                      const unsigned int step,
                                      const double       time)
  {
    if (std::isfinite(moments.mass) && moments.mass > 0)
      return;
    std::ostringstream message;
    message << (std::isfinite(moments.mass) ?
                  "the mass became non-positive (" :
                  "the density became NaN or infinite (mass ")
            << moments.mass << ") at step " << step << ", time " << time;
    throw RunFailure(message.str());
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::time_loop(LoopState   &loop,
                                     RunSummary  &summary,
                                     LoopContext &context)
  {
    CheckpointSchedule schedule(parameters.output.checkpoint_interval,
                                parameters.output.checkpoint_minutes);
    try
      {
        for (unsigned int step = loop.step + 1;
             context.control.more_steps(step, loop.time);
             ++step)
          {
            context.failed_step             = step;
            context.density_accepted        = false;
            double                 estimate = 0;
            std::optional<Moments> candidate_moments;
            const double           dt = take_step(
              step, loop, summary, context, estimate, candidate_moments);
            loop.dt_next    = context.control.next_step(step, dt, estimate);
            summary.min_dt  = std::min(summary.min_dt, dt);
            summary.max_dt  = std::max(summary.max_dt, dt);
            const bool last = context.control.is_last(step, loop.time, dt);
            loop.time = context.control.time_after(step, loop.time, dt, last);
            accept_step(step, dt, loop, context, candidate_moments);
            if (finish_step(step, dt, last, loop, summary, context, schedule))
              break;
          }
      }
    catch (const ExternalCommandFailure &)
      {
        // on the ranks whose command failed only: no collective output
        throw;
      }
    catch (const RunFailure &failure)
      {
        // Write the last good state, so that the user can look at it in
        // ParaView (solution.pvd) and density_final.csv, then stop.
        try
          {
            if (context.density_accepted)
              density = old_density;
            write_last_good_state(context.last_good_time);
            write_nodal_density(dof_handler,
                                density,
                                parameters.output.directory +
                                  "/density_final.csv",
                                communicator);
          }
        catch (const std::exception &)
          {
            // Keep the original failure; the step's diagnostics are written.
          }
        std::ostringstream message;
        message << failure.what() << " [step " << context.failed_step
                << "; the last good state, t = " << context.last_good_time
                << ", is ";
        if (postprocessor_manager.has("fields"))
          message << "the last entry of " << parameters.output.directory
                  << "/solution.pvd and ";
        message << "in density_final.csv]";
        throw RunFailure(message.str());
      }
  }


  template <int dim>
  double
  FokkerPlanckSolver<dim>::take_step(const unsigned int      step,
                                     LoopState              &loop,
                                     RunSummary             &summary,
                                     LoopContext            &context,
                                     double                 &estimate,
                                     std::optional<Moments> &candidate_moments)
  {
    const auto            &ts      = parameters.time_stepping;
    const TimeStepControl &control = context.control;
    double                 dt = control.step_to_try(loop.dt_next, loop.time);
    for (unsigned int attempt = 1;; ++attempt)
      {
        const double omega =
          ts.bdf_order == 2 && step > 1 ? dt / loop.dt_previous : 0;
        // A rejected attempt does not count as a corrected, cut off (or
        // specially solved) step.
        const auto counted =
          std::make_tuple(summary.corrected_steps,
                          summary.cutoff_steps,
                          summary.max_cutoff_mass,
                          summary.low_order_preconditioned_steps,
                          summary.direct_steps,
                          summary.low_order_steps);
        const auto forget_attempt = [&]() {
          std::tie(summary.corrected_steps,
                   summary.cutoff_steps,
                   summary.max_cutoff_mass,
                   summary.low_order_preconditioned_steps,
                   summary.direct_steps,
                   summary.low_order_steps) = counted;
          ++summary.rejected_steps;
        };
        try
          {
            // rho^{n-2} exists from step 3 on (a resumed run has it from
            // its checkpoint).
            const double omega_before =
              omega > 0 && step > 2 && loop.dt_before > 0 ?
                loop.dt_previous / loop.dt_before :
                0;
            time_integrator.step(
              {step, dt, omega, omega_before, loop.C_now, loop.C_old},
              {density, old_density, older_density},
              summary,
              context.next);
          }
        catch (const StepSolveFailure &failure)
          {
            if (attempt >= 20)
              throw RunFailure(std::string(failure.what()) +
                               " (also after 20 reductions of dt)");
            forget_attempt();
            dt = control.after_solve_failure(dt, loop.time);
            continue;
          }
        // The local error of variable-step BDF2 needs four solutions.
        if (!control.needs_estimate(step))
          return dt;
        if (ts.error_estimate == TimeErrorEstimate::density)
          estimate = density_error_estimate(context.next,
                                            density,
                                            old_density,
                                            older_density,
                                            lumped_mass,
                                            owned_dofs,
                                            dt,
                                            loop.dt_previous,
                                            loop.dt_before,
                                            communicator);
        else
          {
            {
              TimerOutput::Scope scope(timer, "moments and C");
              candidate_moments = moment_functionals.compute(context.next);
            }
            estimate = moment_error_estimate(*candidate_moments,
                                             moment_history,
                                             dt,
                                             loop.dt_previous,
                                             loop.dt_before);
          }
        if (!std::isfinite(estimate))
          estimate = std::numeric_limits<double>::max();
        if (control.accepts(estimate, dt))
          return dt;
        if (attempt >= 20)
          {
            std::ostringstream message;
            message << "the adaptive time step was rejected 20 times at step "
                    << step << ", time " << loop.time << " (dt " << dt
                    << ", error estimate " << estimate
                    << "); lower 'Time stepping/Minimum time step' or raise "
                       "'Time stepping/Error tolerance'";
            throw RunFailure(message.str());
          }
        forget_attempt();
        if (context.steps_since_transfer < 3)
          ++summary.rejected_after_transfer;
        dt = control.after_rejection(dt, loop.time, estimate);
      }
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::accept_step(
    const unsigned int            step,
    const double                  dt,
    LoopState                    &loop,
    LoopContext                  &context,
    const std::optional<Moments> &candidate_moments)
  {
    {
      TimerOutput::Scope scope(timer, "copies and checks");
      // Shift the history by swapping storage (next is recomputed before
      // its next use).
      older_density.swap(old_density);
      old_density.swap(density);
      density.swap(context.next);
    }
    context.density_accepted = true;
    ++context.steps_since_transfer;
    moment_history[2] = moment_history[1];
    moment_history[1] = moment_history[0];
    loop.dt_before    = loop.dt_previous;
    loop.dt_previous  = dt;
    {
      TimerOutput::Scope scope(timer, "moments and C");
      context.moments = candidate_moments ? *candidate_moments :
                                            moment_functionals.compute(density);
    }
    check_mass(context.moments, step, loop.time);
    moment_history[0] = context.moments;
    loop.C_old        = loop.C_now;
    loop.C_now        = diffusion_matrix(context.moments);
    if (parameters.diffusion_matrix == DiffusionMatrixType::kalman_wasserstein)
      try
        {
          cholesky_factor(loop.C_now);
        }
      catch (const std::domain_error &)
        {
          std::ostringstream message;
          message << "the covariance C(rho) stopped being positive definite "
                     "at step "
                  << step << ", time " << loop.time << ": "
                  << format_matrix(loop.C_now);
          throw RunFailure(message.str());
        }
  }


  template <int dim>
  bool
  FokkerPlanckSolver<dim>::finish_step(const unsigned int  step,
                                       const double        dt,
                                       const bool          last,
                                       LoopState          &loop,
                                       RunSummary         &summary,
                                       LoopContext        &context,
                                       CheckpointSchedule &schedule)
  {
    const unsigned int interval = context.output_every;
    // SIGINT/SIGTERM: this step is done and written; stop as at T.
    const bool interrupted = !last && interruption_signal(communicator) != 0;
    if (last || interrupted || step % context.diagnostics_every == 0)
      {
        context.row = diagnostics(step, loop.time, dt, context.moments);
        TimerOutput::Scope scope(timer, "copies and checks");
        postprocessor_manager.record(context.row);
        record_row(summary, context.row);
      }
    {
      TimerOutput::Scope scope(timer, "copies and checks");
      const double extremes[2] = {local_min(density), -local_max(density)};
      double       global[2];
      Utilities::MPI::min(extremes, communicator, global);
      summary.min_relative_density =
        std::min(summary.min_relative_density, -global[0] / global[1]);
    }
    summary.n_steps = step;
    if (last || (interval > 0 && step % interval == 0))
      output_step(loop.time, context.moments);
    if (step % context.status_every == 0 || last)
      print_status(context.row);
    context.last_good_time   = loop.time;
    context.density_accepted = false;
    // The fields written because of the interruption are not part of the
    // run that the checkpoint continues.
    if (interrupted && !(interval > 0 && step % interval == 0))
      output_step(loop.time, context.moments, true);
    remesh_after_step(step, last, interrupted, loop, context);
    loop.step = step;
    // The checkpoint holds the state after the mesh adaptation, so that the
    // resumed run starts with step + 1.
    if (!last && (interrupted || schedule.due(step, communicator)))
      {
        write_checkpoint_now(loop, summary);
        schedule.written();
      }
    if (!interrupted)
      return false;
    print_status(context.row);
    summary.interrupted = true;
    console << "kwfp: interrupted by a signal after step " << step
            << ", t = " << loop.time
            << "; the outputs up to this step are complete"
            << " and a checkpoint is written" << std::endl;
    return true;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::remesh_after_step(const unsigned int step,
                                             const bool         last,
                                             const bool         interrupted,
                                             LoopState         &loop,
                                             LoopContext       &context)
  {
    // After a transfer to a new mesh, the moments and C of rho^n and
    // rho^{n-1} are those of the transferred vectors
    // (restore_masses_after_transfer recomputed the history).
    const auto use_transferred_history = [&]() {
      context.steps_since_transfer = 0;
      context.next.reinit(density);
      context.moments = moment_history[0];
      loop.C_now      = diffusion_matrix(moment_history[0]);
      loop.C_old      = diffusion_matrix(moment_history[1]);
    };
    if (parameters.mesh.adaptive && !last &&
        step % parameters.mesh.refinement_interval == 0)
      {
        refine_mesh(true);
        use_transferred_history();
      }
    ++adaptation.steps_since_box_move;
    if (parameters.mesh.moving_box && !last && !interrupted)
      if (const auto box = box_to_move_to(context.moments))
        {
          move_box(box->first, box->second);
          use_transferred_history();
        }
  }


#define KWFP_INSTANTIATE(dim) \
  template RunSummary FokkerPlanckSolver<dim>::run(const bool);

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
