// The outputs of the finite-element solver: the rows of diagnostics.csv,
// the postprocessors (the fields for ParaView are one) and the report at
// the end of a run.

#include <kwfp/base/errors.h>
#include <kwfp/base/vector_extremes.h>
#include <kwfp/fokker_planck/solver.h>
#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>

#include <deal.II/base/function.h>
#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/numerics/vector_tools.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace kwfp
{
  using namespace dealii;

  template <int dim>
  DiagnosticsRow
  FokkerPlanckSolver<dim>::diagnostics(const unsigned int step,
                                       const double       time,
                                       const double       dt,
                                       const Moments     &moments)
  {
    TimerOutput::Scope scope(timer, "diagnostics");
    DiagnosticsRow     row;
    row.step        = step;
    row.time        = time;
    row.dt          = dt;
    row.mass        = moments.mass;
    row.mean        = moments.mean;
    row.covariance  = moments.covariance;
    row.min_density = Utilities::MPI::min(local_min(density), communicator);
    const double max_density =
      Utilities::MPI::max(local_max(density), communicator);

    if (closed_form)
      exact_at_current_time = closed_form->at(time);
    // the ghost values with the exchange plan of setup_system() (the
    // assignment ghosted = density would build a new one every time)
    ghost_exchange.update(density, ghosted);
    const DensityFunctionals f = density_diagnostics.evaluate(
      ghosted, diffusion_matrix(moments), max_density, exact_at_current_time);
    row.kl            = f.kl;
    row.kalman_fisher = f.kalman_fisher;
    row.l1_stationary = f.l1_stationary;
    if (closed_form)
      {
        const Gaussian &exact = *exact_at_current_time;
        row.has_exact         = true;
        row.l1_error          = f.l1_error;
        row.l2_error          = f.l2_error;
        DenseVector mean_difference(moments.mean);
        mean_difference -= exact.mean();
        row.mean_error = mean_difference.l2_norm();
        row.cov_error =
          frobenius_distance(moments.covariance, exact.covariance());
        row.kl_exact = kl_divergence(exact, *potential->stationary_gaussian());
        row.exact_mean       = exact.mean();
        row.exact_covariance = exact.covariance();
      }
    return row;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::record_row(RunSummary           &summary,
                                      const DiagnosticsRow &row) const
  {
    // alpha: the smallest eigenvalue of the diffusion matrix at this step
    KlDecaySample sample;
    sample.step          = row.step;
    sample.time          = row.time;
    sample.kl            = row.kl;
    sample.kalman_fisher = row.kalman_fisher;
    if (row.has_exact)
      sample.kl_exact = row.kl_exact;
    switch (parameters.diffusion_matrix)
      {
        case DiffusionMatrixType::kalman_wasserstein:
          sample.alpha = eigenvalue_range(row.covariance).first;
          break;
        case DiffusionMatrixType::wasserstein:
          sample.alpha = 1;
          break;
        default:
          sample.alpha =
            eigenvalue_range(parameters.fixed_diffusion_matrix).first;
      }
    summary.kl_samples.push_back(sample);
    if (!full_history)
      summary.history.clear();
    summary.history.push_back(row);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::keep_full_history(const bool keep)
  {
    full_history = keep;
  }


  template <int dim>
  PostprocessorManager<dim> &
  FokkerPlanckSolver<dim>::postprocessors()
  {
    return postprocessor_manager;
  }


  template <int dim>
  FieldObservation<dim>
  FokkerPlanckSolver<dim>::observation_at(const double   time,
                                          const Moments &moments)
  {
    FieldObservation<dim> observation;
    observation.time               = time;
    observation.dof_handler        = &dof_handler;
    observation.density            = &ghosted;
    observation.diagnostics        = &density_diagnostics;
    observation.mean               = moments.mean;
    observation.covariance         = moments.covariance;
    observation.exact              = exact_at_current_time;
    observation.stationary_density = &stationary;
    return observation;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::output_step(const double   time,
                                       const Moments &moments,
                                       const bool     interrupted)
  {
    if (postprocessor_manager.empty())
      return;
    ghost_exchange.update(density, ghosted);
    FieldObservation<dim> observation = observation_at(time, moments);
    observation.interrupted           = interrupted;
    {
      TimerOutput::Scope scope(timer, "postprocessors");
      postprocessor_manager.execute(observation);
    }
    TimerOutput::Scope scope(timer, "output");
    postprocessor_manager.write_fields(observation);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::write_last_good_state(const double time)
  {
    TimerOutput::Scope scope(timer, "output");
    ghosted                           = density;
    FieldObservation<dim> observation = observation_at(time, Moments());
    observation.last_good_state       = true;
    postprocessor_manager.write_fields(observation);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::finish_postprocessors(RunSummary &summary)
  {
    TimerOutput::Scope scope(timer, "postprocessors");
    RunEnd<dim>        end;
    end.dof_handler = &dof_handler;
    end.density     = &density;
    end.diagnostics = &density_diagnostics;
    end.summary     = &summary;
    postprocessor_manager.finish(end);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::finish_run(RunSummary &summary)
  {
    summary.matvec_seconds = matvec_seconds();
    summary.n_dofs         = dof_handler.n_dofs();
    summary.n_cells        = triangulation->n_global_active_cells();
    summary.n_adaptations  = adaptation.n_adaptations;
    {
      unsigned long long constrained = 0;
      for (const auto i : owned_dofs)
        constrained += constraints.is_constrained(i);
      summary.n_hanging_nodes = Utilities::MPI::sum(constrained, communicator);
    }
    summary.max_cells =
      std::max<unsigned long long>(adaptation.max_cells, summary.n_cells);
    summary.max_remesh_mass_defect = adaptation.max_mass_defect;
    summary.max_remesh_clipped     = adaptation.max_clipped;
    summary.n_box_moves            = adaptation.n_box_moves;
    print_run_report(summary);
    timer.print_summary();
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::print_run_report(const RunSummary &summary)
  {
    console << "kwfp: " << summary.n_steps << " steps in "
            << summary.loop_seconds << " s ("
            << 1e3 * summary.loop_seconds / summary.n_steps << " ms per step), "
            << summary.linear_iterations << " GMRES iterations" << std::endl;
    if (summary.matvec_seconds > 0 && summary.n_steps > 0)
      console << "kwfp: one product with the system matrix takes "
              << 1e3 * summary.matvec_seconds << " ms; a step costs "
              << summary.loop_seconds / summary.n_steps / summary.matvec_seconds
              << " of them" << std::endl;
    if (parameters.time_stepping.adaptive)
      console << "kwfp: adaptive dt between " << summary.min_dt << " and "
              << summary.max_dt << ", " << summary.rejected_steps
              << " steps rejected and repeated" << std::endl;
    if (parameters.mesh.flux_corrected)
      console << "kwfp: flux correction changed " << summary.corrected_steps
              << " of " << summary.n_steps << " steps (at most "
              << summary.max_limited_nodes
              << " unknowns limited in one step, BDF2 source scaled by "
              << summary.min_source_scaling << " at least); "
              << summary.cutoff_steps
              << " steps cut off instead (largest relative mass cut "
              << summary.max_cutoff_mass << "); "
              << summary.low_order_preconditioned_steps
              << " steps needed the low-order preconditioner, "
              << summary.direct_steps << " the direct solver, "
              << summary.low_order_steps << " the low-order scheme alone"
              << std::endl;
    if (parameters.mesh.moving_box)
      {
        console << "kwfp: the box moved " << summary.n_box_moves
                << " time(s); the last box is";
        for (unsigned int a = 0; a < dim; ++a)
          console << (a == 0 ? " [" : " x [") << box_lower[a] << ", "
                  << box_upper[a] << "]";
        console << std::endl;
      }
    if (parameters.mesh.adaptive)
      console << "kwfp: " << summary.n_adaptations
              << " mesh adaptations, at most " << summary.max_cells
              << " cells, at the end " << summary.n_cells << " cells and "
              << summary.n_dofs
              << " unknowns; largest relative mass change of a transfer "
                 "before rescaling "
              << summary.max_remesh_mass_defect
              << ", largest negative value set to zero "
              << summary.max_remesh_clipped << " of the maximum" << std::endl;
    console << "kwfp: smallest nodal density / largest: "
            << summary.min_relative_density << std::endl;
  }


#define KWFP_INSTANTIATE(dim)                                                 \
  template DiagnosticsRow FokkerPlanckSolver<dim>::diagnostics(               \
    const unsigned int, const double, const double, const Moments &);         \
  template void FokkerPlanckSolver<dim>::record_row(RunSummary &,             \
                                                    const DiagnosticsRow &)   \
    const;                                                                    \
  template void FokkerPlanckSolver<dim>::keep_full_history(const bool);       \
  template PostprocessorManager<dim>                                          \
               &FokkerPlanckSolver<dim>::postprocessors();                    \
  template void FokkerPlanckSolver<dim>::output_step(const double,            \
                                                     const Moments &,         \
                                                     const bool);             \
  template void FokkerPlanckSolver<dim>::write_last_good_state(const double); \
  template void FokkerPlanckSolver<dim>::finish_postprocessors(RunSummary &); \
  template void FokkerPlanckSolver<dim>::finish_run(RunSummary &);

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
