// Checkpoint and restart of the finite-element solver: what the state of a
// run is, and how the mesh is rebuilt from it.

#include <kwfp/base/checkpoint.h>
#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/solver.h>

#include <deal.II/base/mpi.h>
#include <deal.II/distributed/shared_tria.h>
#include <deal.II/distributed/tria.h>

#include <set>

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    template <class Stream, class M>
    void
    transfer_moments(Stream &s, M &m)
    {
      s.io_each(m.mass, m.mean, m.covariance);
    }

    /**
     * The postprocessors whose state the checkpoint holds where the solver
     * kept it before they were postprocessors (the layout of the
     * checkpoints stays that of the earlier versions).
     */
    const std::vector<std::string> saved_in_place{"diagnostics", "fields"};
  } // namespace


  template <int dim>
  template <class Stream, class State, class Summary>
  void
  FokkerPlanckSolver<dim>::transfer_state(Stream  &s,
                                          State   &loop,
                                          Summary &summary)
  {
    // What the time loop carries from one step to the next.
    s.io(loop.step);
    s.io(loop.time);
    s.io(loop.dt_previous);
    s.io(loop.dt_before);
    s.io(loop.dt_next);
    s.io(loop.C_now);
    s.io(loop.C_old);
    for (auto &m : moment_history)
      transfer_moments(s, m);
    // The linear solver: which preconditioner, from which matrix, and when
    // it is rebuilt.
    linear_solver.transfer(s);
    if (parameters.mesh.flux_corrected)
      flux_correction.transfer(s);
    // The counters of the summary and of the mesh adaptation.
    s.io(summary.n_steps);
    s.io(summary.rejected_steps);
    s.io(summary.rejected_after_transfer);
    s.io(summary.min_dt);
    s.io(summary.max_dt);
    s.io(summary.linear_iterations);
    s.io(summary.corrected_steps);
    s.io(summary.cutoff_steps);
    s.io(summary.max_cutoff_mass);
    s.io(summary.max_limited_nodes);
    s.io(summary.max_correction_residual);
    s.io(summary.min_source_scaling);
    s.io(summary.low_order_preconditioned_steps);
    s.io(summary.direct_steps);
    s.io(summary.low_order_steps);
    s.io(summary.min_relative_density);
    s.io(adaptation.n_adaptations);
    s.io(adaptation.max_cells);
    s.io(adaptation.max_mass_defect);
    s.io(adaptation.max_clipped);
    s.io(adaptation.n_box_moves);
    s.io(adaptation.steps_since_box_move);
    if (closed_form)
      closed_form->transfer(s);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::write_checkpoint_now(const LoopState  &loop,
                                                const RunSummary &summary)
  {
    TimerOutput::Scope scope(timer, "checkpoint");
    CheckpointWriter   shared;
    const bool         has_preconditioner = linear_solver.has_preconditioner();
    // The box first: a resumed run meshes it before it reads the rest.
    std::vector<double> box(2 * dim);
    for (unsigned int a = 0; a < dim; ++a)
      {
        box[a]       = box_lower[a];
        box[dim + a] = box_upper[a];
      }
    shared.io(box);
    shared.io(has_preconditioner);
    transfer_state(shared, loop, summary);
    postprocessor_manager.save_one(shared, "diagnostics");
    postprocessor_manager.save_one(shared, "fields");
    shared.io(summary.history,
              [](auto &s, auto &x) { transfer_diagnostics_row(s, x); });
    shared.io(summary.kl_samples,
              [](auto &s, auto &x) { transfer_kl_decay_sample(s, x); });
    shared.io(
      static_cast<std::uint64_t>(triangulation->n_global_active_cells()));
    shared.io(static_cast<std::uint64_t>(dof_handler.n_dofs()));
    postprocessor_manager.save(shared, saved_in_place);

    // This rank's cells with the values of rho^n, rho^{n-1}, rho^{n-2} on
    // them: a record that does not depend on the numbering of the unknowns.
    ghosted = density;
    TrilinosWrappers::MPI::Vector ghosted_old(owned_dofs,
                                              relevant_dofs,
                                              communicator);
    TrilinosWrappers::MPI::Vector ghosted_older(owned_dofs,
                                                relevant_dofs,
                                                communicator);
    ghosted_old   = old_density;
    ghosted_older = older_density;
    const CellValues values =
      cell_values({&ghosted, &ghosted_old, &ghosted_older});
    CheckpointWriter local;
    local.io(static_cast<std::uint64_t>(values.size()));
    for (const auto &[id, v] : values)
      local.io(std::make_pair(id.to_string(), v)); // read as a vector of pairs

    write_checkpoint(parameters.output.directory,
                     make_checkpoint_header(
                       "finite-element", dim, parameters_text, communicator),
                     shared.bytes,
                     local.bytes,
                     communicator);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::refine_to(parallel::TriangulationBase<dim> &tria,
                                     const std::vector<CellId> &cells) const
  {
    // Refine every active cell that is an ancestor of a cell of the
    // checkpoint, level by level, until none is: the same forest, hence
    // (p4est partitions by the forest alone) the same partition and the
    // same numbering of the unknowns as when the checkpoint was written.
    std::set<CellId> ancestors;
    for (const CellId &id : cells)
      {
        const auto children = id.get_child_indices();
        for (unsigned int k = 0; k < children.size(); ++k)
          ancestors.emplace(id.get_coarse_cell_id(),
                            std::vector<std::uint8_t>(children.begin(),
                                                      children.begin() + k));
      }
    const bool shared_mesh =
      dynamic_cast<parallel::shared::Triangulation<dim> *>(&tria) != nullptr;
    for (unsigned int round = 0;; ++round)
      {
        bool any = false;
        for (const auto &cell : tria.active_cell_iterators())
          if ((shared_mesh || cell->is_locally_owned()) &&
              ancestors.count(cell->id()) > 0)
            {
              cell->set_refine_flag();
              any = true;
            }
        if (!Utilities::MPI::logical_or(any, communicator))
          break;
        if (round > 64)
          throw RunFailure("the mesh of the checkpoint cannot be rebuilt "
                           "(corrupted checkpoint)");
        tria.execute_coarsening_and_refinement();
      }
    if (tria.n_global_active_cells() != cells.size())
      throw RunFailure("the mesh rebuilt from the checkpoint has " +
                       std::to_string(tria.n_global_active_cells()) +
                       " cells, the checkpoint " +
                       std::to_string(cells.size()) +
                       " (corrupted checkpoint, or a different mesh)");
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::resume_from_checkpoint(LoopState  &loop,
                                                  RunSummary &summary)
  {
    const std::string    source = parameters.output.directory + "/checkpoint";
    const CheckpointData data =
      read_checkpoint(parameters.output.directory,
                      make_checkpoint_header(
                        "finite-element", dim, parameters_text, communicator),
                      communicator);
    CheckpointReader shared(data.shared, source + "/state.bin");

    // The mesh: the cells of every rank that wrote the checkpoint, with
    // the values on them.
    std::vector<CellId> cells;
    CellValues          values;
    for (unsigned int r = 0; r < data.n_ranks; ++r)
      {
        CheckpointReader local(data.local[r],
                               source + "/" + checkpoint_rank_file(r));
        std::vector<std::pair<std::string, std::vector<double>>> records;
        local.io(records);
        for (auto &[id, v] : records)
          {
            if (v.size() != 3 * fe.n_dofs_per_cell())
              throw RunFailure("the checkpoint in '" + source +
                               "' holds another finite element (corrupted)");
            cells.emplace_back(id);
            values.emplace(cells.back(), std::move(v));
          }
        local.expect_end();
      }
    if (data.n_ranks != Utilities::MPI::n_mpi_processes(communicator))
      console << "kwfp: note: the checkpoint was written by " << data.n_ranks
              << " MPI rank(s), this run has "
              << Utilities::MPI::n_mpi_processes(communicator)
              << ": the results agree to round-off, not to the last bit"
              << std::endl;
    // The box of the checkpoint (it differs from Mesh/Lower and Upper
    // corner once a moving box has moved).
    std::vector<double> box;
    shared.io(box);
    if (box.size() != 2 * dim)
      throw RunFailure("the checkpoint in '" + source +
                       "' holds a box of another dimension (corrupted)");
    for (unsigned int a = 0; a < dim; ++a)
      {
        box_lower[a] = box[a];
        box_upper[a] = box[dim + a];
      }
    setup(&cells);
    set_from_cell_values(values);

    bool has_preconditioner = false;
    shared.io(has_preconditioner);
    transfer_state(shared, loop, summary);
    postprocessor_manager.load_one(shared, "diagnostics");
    postprocessor_manager.load_one(shared, "fields");
    shared.io(summary.history,
              [](auto &s, auto &x) { transfer_diagnostics_row(s, x); });
    shared.io(summary.kl_samples,
              [](auto &s, auto &x) { transfer_kl_decay_sample(s, x); });
    std::uint64_t n_cells = 0, n_dofs = 0;
    shared.io(n_cells);
    shared.io(n_dofs);
    postprocessor_manager.load(shared, saved_in_place);
    shared.expect_end();
    if (n_cells != triangulation->n_global_active_cells() ||
        n_dofs != dof_handler.n_dofs())
      throw RunFailure("the mesh rebuilt from the checkpoint in '" + source +
                       "' does not match it (" +
                       std::to_string(dof_handler.n_dofs()) + " unknowns, " +
                       std::to_string(n_dofs) + " in the checkpoint)");

    // The linear solver as it was: the preconditioner built from the same
    // matrix, and the system matrix of the last step.
    linear_solver.restore(has_preconditioner);
    if (parameters.mesh.flux_corrected)
      flux_correction.restore();
    // The outputs (the rows and files written after the checkpoint go)
    // are continued by the postprocessors' start().
  }


  template <int dim>
  typename FokkerPlanckSolver<dim>::CellValues
  FokkerPlanckSolver<dim>::cell_values(
    const std::vector<const TrilinosWrappers::MPI::Vector *> &vectors) const
  {
    CellValues     values;
    Vector<double> local(fe.n_dofs_per_cell());
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          std::vector<double> &v = values[cell->id()];
          for (const auto *vector : vectors)
            {
              cell->get_dof_values(*vector, local);
              v.insert(v.end(), local.begin(), local.end());
            }
        }
    return values;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::set_from_cell_values(const CellValues &values)
  {
    const std::array<TrilinosWrappers::MPI::Vector *, 3> vectors{
      {&density, &old_density, &older_density}};
    const unsigned int                   n = fe.n_dofs_per_cell();
    std::vector<types::global_dof_index> indices(n);
    std::string                          missing;
    for (const auto &cell : dof_handler.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const auto found = values.find(cell->id());
          if (found == values.end() || found->second.size() != 3 * n)
            {
              missing = cell->id().to_string();
              break;
            }
          cell->get_dof_indices(indices);
          for (unsigned int k = 0; k < vectors.size(); ++k)
            for (unsigned int i = 0; i < n; ++i)
              if (owned_dofs.is_element(indices[i]))
                (*vectors[k])[indices[i]] = found->second[k * n + i];
        }
    for (const std::string &m :
         Utilities::MPI::all_gather(communicator, missing))
      if (!m.empty())
        throw RunFailure("no values for cell " + m +
                         " of the rebuilt mesh (corrupted checkpoint)");
    for (auto *v : vectors)
      v->compress(VectorOperation::insert);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::rebuild_mesh(const CellValues &values)
  {
    // The timer holds what the rebuild adds to an adaptation (the system
    // is set up on the new mesh either way).
    {
      TimerOutput::Scope       scope(timer, "mesh rebuild");
      std::vector<std::string> own;
      for (const auto &cell : triangulation->active_cell_iterators())
        if (cell->is_locally_owned())
          own.push_back(cell->id().to_string());
      std::vector<CellId> cells;
      for (const auto &part : Utilities::MPI::all_gather(communicator, own))
        for (const std::string &id : part)
          cells.emplace_back(id);
      auto fresh = coarse_mesh();
      refine_to(*fresh, cells);
      dof_handler.reinit(*fresh); // lets go of the old mesh
      triangulation = std::move(fresh);
    }
    setup_system();
    if (!values.empty())
      {
        TimerOutput::Scope scope(timer, "mesh rebuild");
        set_from_cell_values(values);
      }
  }


#define KWFP_INSTANTIATE(dim)                                                \
  template void FokkerPlanckSolver<dim>::write_checkpoint_now(               \
    const LoopState &, const RunSummary &);                                  \
  template void FokkerPlanckSolver<dim>::refine_to(                          \
    parallel::TriangulationBase<dim> &, const std::vector<CellId> &) const;  \
  template FokkerPlanckSolver<dim>::CellValues                               \
  FokkerPlanckSolver<dim>::cell_values(                                      \
    const std::vector<const TrilinosWrappers::MPI::Vector *> &) const;       \
  template void FokkerPlanckSolver<dim>::set_from_cell_values(               \
    const CellValues &);                                                     \
  template void FokkerPlanckSolver<dim>::rebuild_mesh(const CellValues &);   \
  template void FokkerPlanckSolver<dim>::resume_from_checkpoint(LoopState &, \
                                                                RunSummary &);

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
