// Mesh adaptation of the finite-element solver (Mesh/Adaptive refinement):
// Kelly's indicator of the density, the transfer of rho^n, rho^{n-1},
// rho^{n-2} to the new mesh and the restoration of their masses (also after
// a box move, solver_moving_box.cc).

#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/solver.h>

#include <deal.II/distributed/grid_refinement.h>
#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/numerics/error_estimator.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace kwfp
{
  using namespace dealii;

  template <int dim>
  void
  FokkerPlanckSolver<dim>::refine_mesh(const bool transfer_solution)
  {
    if constexpr (dim == 1)
      {
        (void)transfer_solution;
        throw InputError("Mesh/Adaptive refinement",
                         "is available in dimension 2 and 3 only");
      }
    else
      {
        TimerOutput::Scope scope(timer, "mesh adaptation");
        auto &tria = dynamic_cast<parallel::distributed::Triangulation<dim> &>(
          *triangulation);
        const auto &m = parameters.mesh;

        // Kelly's indicator of the density: h^(1/2) times the jumps of its
        // normal derivative over the faces; small where the density is flat
        // or has left.
        ghosted = density;
        Vector<float> indicator(tria.n_active_cells());
        KellyErrorEstimator<dim>::estimate(
          dof_handler, QGauss<dim - 1>(fe.degree + 1), {}, ghosted, indicator);
        parallel::distributed::GridRefinement::refine_and_coarsen_fixed_number(
          tria,
          indicator,
          m.refine_fraction,
          m.coarsen_fraction,
          m.maximum_cells > 0 ?
            types::global_cell_index(m.maximum_cells) :
            std::numeric_limits<types::global_cell_index>::max());
        for (const auto &cell : tria.active_cell_iterators())
          if (cell->is_locally_owned())
            {
              if (cell->level() >= static_cast<int>(m.maximum_level))
                cell->clear_refine_flag();
              if (cell->level() <= static_cast<int>(m.minimum_level))
                cell->clear_coarsen_flag();
            }

        // The solution and its BDF2 history, with ghosts, and their masses.
        std::vector<TrilinosWrappers::MPI::Vector *> owned_vectors{
          &density, &old_density, &older_density};
        std::vector<TrilinosWrappers::MPI::Vector> old_vectors;
        std::vector<double>                        masses;
        for (auto *v : owned_vectors)
          {
            old_vectors.emplace_back(owned_dofs, relevant_dofs, communicator);
            old_vectors.back() = *v;
            masses.push_back(moment_functionals.mass(*v));
          }
        std::vector<const TrilinosWrappers::MPI::Vector *> inputs;
        for (const auto &v : old_vectors)
          inputs.push_back(&v);

        parallel::distributed::SolutionTransfer<dim,
                                                TrilinosWrappers::MPI::Vector>
          transfer(dof_handler);
        tria.prepare_coarsening_and_refinement();
        if (transfer_solution)
          transfer.prepare_for_coarsening_and_refinement(inputs);
        tria.execute_coarsening_and_refinement();
        ++adaptation.n_adaptations;
        const auto n_cells = tria.n_global_active_cells();
        adaptation.max_cells =
          std::max<unsigned long long>(adaptation.max_cells, n_cells);
        if (!transfer_solution)
          {
            rebuild_mesh({});
            return;
          }
        // Interpolate on the adapted mesh, then move to the same mesh built
        // from the coarse mesh (rebuild_mesh()).
        {
          dof_handler.distribute_dofs(fe);
          const IndexSet owned = dof_handler.locally_owned_dofs();
          IndexSet       relevant;
          DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
          std::vector<TrilinosWrappers::MPI::Vector> adapted(
            owned_vectors.size(),
            TrilinosWrappers::MPI::Vector(owned, communicator));
          std::vector<TrilinosWrappers::MPI::Vector *> outputs;
          for (auto &v : adapted)
            outputs.push_back(&v);
          transfer.interpolate(outputs);
          std::vector<TrilinosWrappers::MPI::Vector> ghosted_adapted;
          for (auto &v : adapted)
            {
              ghosted_adapted.emplace_back(owned, relevant, communicator);
              ghosted_adapted.back() = v;
            }
          std::vector<const TrilinosWrappers::MPI::Vector *> inputs;
          for (const auto &v : ghosted_adapted)
            inputs.push_back(&v);
          rebuild_mesh(cell_values(inputs));
        }
        // Refinement interpolates exactly, coarsening (interpolation at the
        // coarse nodes) does not conserve mass; Q2 interpolation can create
        // negative values at new nodes (Q1 cannot).
        restore_masses_after_transfer(masses);
      }
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::restore_masses_after_transfer(
    const std::vector<double> &masses)
  {
    AssertDimension(masses.size(), 3);
    const std::array<TrilinosWrappers::MPI::Vector *, 3> owned_vectors{
      {&density, &old_density, &older_density}};
    for (auto *v : owned_vectors)
      constraints.distribute(*v);
    if (parameters.mesh.flux_corrected && masses[0] > 0)
      {
        TrilinosWrappers::MPI::Vector lift(owned_dofs, communicator);
        double                        smallest = 0, largest = 0;
        for (const auto i : owned_dofs)
          if (!constraints.is_constrained(i))
            {
              smallest = std::min(smallest, double(density[i]));
              largest  = std::max(largest, double(density[i]));
              if (density[i] < 0)
                lift[i] = -density[i];
            }
        lift.compress(VectorOperation::insert);
        constraints.distribute(lift);
        for (auto *v : owned_vectors)
          v->add(1., lift);
        smallest = Utilities::MPI::min(smallest, communicator);
        largest  = Utilities::MPI::max(largest, communicator);
        if (largest > 0)
          adaptation.max_clipped =
            std::max(adaptation.max_clipped, -smallest / largest);
      }
    const double mass = moment_functionals.mass(density);
    if (masses[0] > 0 && mass > 0)
      {
        adaptation.max_mass_defect =
          std::max(adaptation.max_mass_defect,
                   std::abs(mass - masses[0]) / masses[0]);
        for (auto *v : owned_vectors)
          *v *= masses[0] / mass;
        for (unsigned int k = 1; k < owned_vectors.size(); ++k)
          if (masses[k] > 0)
            owned_vectors[k]->add((masses[k] -
                                   moment_functionals.mass(*owned_vectors[k])) /
                                    masses[0],
                                  density);
      }
    // The step controller's error estimate and the extrapolated C difference
    // the moments of rho^n, rho^{n-1}, rho^{n-2}: all of them on the new
    // mesh, or the differences see the transfer (rho^{n-1}, rho^{n-2} are
    // zero in the first steps and keep their moments).
    for (unsigned int k = 0; k < owned_vectors.size(); ++k)
      if (masses[k] > 0)
        moment_history[k] = moment_functionals.compute(*owned_vectors[k]);
  }


#define KWFP_INSTANTIATE(dim)                                           \
  template void FokkerPlanckSolver<dim>::refine_mesh(const bool);       \
  template void FokkerPlanckSolver<dim>::restore_masses_after_transfer( \
    const std::vector<double> &);

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
