// The moving box of the finite-element solver (Mesh/Moving box): a box that
// follows the density, remeshed between two steps. The Kalman-Wasserstein
// flow moves and shrinks its density by orders of magnitude (the paper's
// Section 5 problem: from width 20 to 0.13); a fixed box would need a mesh
// fine enough for the end on the whole start.

#include <kwfp/base/errors.h>
#include <kwfp/fokker_planck/solver.h>

#include <deal.II/base/array_view.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/mpi_remote_point_evaluation.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/numerics/vector_tools_evaluate.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    /// The tails that the box follows: the coordinates below and above
    /// which this fraction of the mass lies.
    constexpr double tail_mass = 1e-6;
    /// Bins per coordinate of the marginal masses.
    constexpr unsigned int n_bins = 1024;
    /// Mass at the wall this many steps after a move: the density outran
    /// the margin.
    constexpr unsigned int steps_to_outrun = 3;
  } // namespace


  template <int dim>
  std::optional<std::pair<Point<dim>, Point<dim>>>
  FokkerPlanckSolver<dim>::box_to_move_to(const Moments &moments) const
  {
    // The marginal masses: the lumped masses M_ii max(rho_i, 0) of the
    // locally owned nodes binned by each coordinate, summed over the ranks
    // in one reduction.
    const double                    *rho  = density.trilinos_vector()[0];
    const double                    *mass = lumped_mass.trilinos_vector()[0];
    std::array<double, dim * n_bins> local{};
    for (unsigned int k = 0; k < owned_support_points.size(); ++k)
      if (rho[k] > 0)
        for (unsigned int a = 0; a < dim; ++a)
          {
            const double t = (owned_support_points[k][a] - box_lower[a]) /
                             (box_upper[a] - box_lower[a]);
            const auto bin = static_cast<unsigned int>(
              std::clamp(t * n_bins, 0., n_bins - 1.));
            local[a * n_bins + bin] += mass[k] * rho[k];
          }
    std::array<double, dim * n_bins> marginal;
    Utilities::MPI::sum(ArrayView<const double>(local.data(), local.size()),
                        communicator,
                        ArrayView<double>(marginal.data(), marginal.size()));

    const double margin_sd  = parameters.mesh.box_margin;
    bool         at_the_end = false, too_wide = false;
    Point<dim>   lower, upper;
    for (unsigned int a = 0; a < dim; ++a)
      {
        const double *m     = &marginal[a * n_bins];
        double        total = 0;
        for (unsigned int b = 0; b < n_bins; ++b)
          total += m[b];
        // The outer edges of the bins where the tails reach tail_mass.
        unsigned int first = 0, last = n_bins - 1;
        for (double below = m[0]; below <= tail_mass * total && first < last;)
          below += m[++first];
        for (double above = m[last];
             above <= tail_mass * total && last > first;)
          above += m[--last];
        const double width  = (box_upper[a] - box_lower[a]) / n_bins;
        const double q_low  = box_lower[a] + first * width;
        const double q_high = box_lower[a] + (last + 1) * width;
        const double margin = margin_sd * std::sqrt(moments.covariance(a, a));
        // The box keeps margins beyond the tails: mass in its outermost
        // bin within steps_to_outrun steps of a move means the density
        // outran them (a mesh or a time step that does not resolve it);
        // growing the box would coarsen the mesh further. Later (a tail
        // that travelled to the wall, in jumps of a coarse far-field cell)
        // or before the first move, the box grows.
        const bool touching =
          m[0] > tail_mass * total || m[n_bins - 1] > tail_mass * total;
        if (touching && adaptation.n_box_moves > 0 &&
            adaptation.steps_since_box_move <= steps_to_outrun)
          {
            std::ostringstream message;
            message << "the density reached the wall of the moving box in "
                       "coordinate "
                    << a + 1 << " (more than " << tail_mass
                    << " of the mass within " << width << " of it) "
                    << adaptation.steps_since_box_move
                    << " step(s) after the box moved with a margin of "
                    << margin_sd
                    << " standard deviations: the mesh or the time step "
                       "does not resolve the density; refine the mesh "
                       "('Mesh/Subdivisions', 'Global refinements', "
                       "'Maximum refinement level'), lower the time step or "
                       "raise 'Mesh/Box margin'";
            throw RunFailure(message.str());
          }
        lower[a]   = q_low - margin;
        upper[a]   = q_high + margin;
        at_the_end = at_the_end || q_low - margin / 2 < box_lower[a] ||
                     q_high + margin / 2 > box_upper[a];
        too_wide =
          too_wide || box_upper[a] - box_lower[a] > 2 * (upper[a] - lower[a]);
      }
    if (!at_the_end && !too_wide)
      return std::nullopt;
    return std::make_pair(lower, upper);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::interpolate_from_mesh(
    const DoFHandler<dim>                            &old_dofs,
    const std::vector<TrilinosWrappers::MPI::Vector> &old_vectors,
    const Point<dim>                                 &old_lower,
    const Point<dim>                                 &old_upper)
  {
    // The support points of setup_system(), in the order of owned_dofs.
    std::vector<types::global_dof_index> inside_dofs;
    std::vector<Point<dim>>              inside;
    unsigned int                         local = 0;
    for (const auto i : owned_dofs)
      {
        Point<dim> p      = owned_support_points[local++];
        bool       in_box = true;
        for (unsigned int a = 0; a < dim; ++a)
          {
            const double slack = 1e-12 * (old_upper[a] - old_lower[a]);
            in_box             = in_box && p[a] >= old_lower[a] - slack &&
                     p[a] <= old_upper[a] + slack;
            p[a] = std::clamp(p[a], old_lower[a], old_upper[a]);
          }
        if (in_box)
          {
            inside_dofs.push_back(i);
            inside.push_back(p);
          }
      }
    const MappingQ1<dim>                       mapping; // outlives cache
    Utilities::MPI::RemotePointEvaluation<dim> cache;
    cache.reinit(inside, old_dofs.get_triangulation(), mapping);
    if (!cache.all_points_found())
      throw RunFailure("moving box: a node of the new mesh inside the old box "
                       "was not found in the old mesh");
    const std::array<TrilinosWrappers::MPI::Vector *, 3> targets{
      {&density, &old_density, &older_density}};
    for (unsigned int k = 0; k < targets.size(); ++k)
      {
        const std::vector<double> values =
          VectorTools::point_values<1>(cache, old_dofs, old_vectors[k]);
        *targets[k] = 0;
        for (unsigned int j = 0; j < inside_dofs.size(); ++j)
          (*targets[k])[inside_dofs[j]] = values[j];
        targets[k]->compress(VectorOperation::insert);
        constraints.distribute(*targets[k]);
      }
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::move_box(const Point<dim> &lower,
                                    const Point<dim> &upper)
  {
    TimerOutput::Scope scope(timer, "moving box");
    const std::array<TrilinosWrappers::MPI::Vector *, 3> vectors{
      {&density, &old_density, &older_density}};
    std::vector<double> masses;
    for (const auto *v : vectors)
      masses.push_back(moment_functionals.mass(*v));

    // The old mesh, its unknowns numbered as in dof_handler (the same
    // mesh and element), and the three vectors with ghosts.
    const std::unique_ptr<parallel::TriangulationBase<dim>> old_mesh =
      std::move(triangulation);
    DoFHandler<dim> old_dofs(*old_mesh);
    old_dofs.distribute_dofs(fe);
    AssertThrow(old_dofs.locally_owned_dofs() == owned_dofs,
                ExcMessage("the old mesh's unknowns are numbered anew"));
    std::vector<TrilinosWrappers::MPI::Vector> old_vectors;
    for (const auto *v : vectors)
      {
        old_vectors.emplace_back(owned_dofs, relevant_dofs, communicator);
        old_vectors.back() = *v;
      }
    const Point<dim> old_lower = box_lower;
    const Point<dim> old_upper = box_upper;

    // The new box, meshed as the first one.
    box_lower     = lower;
    box_upper     = upper;
    triangulation = coarse_mesh();
    triangulation->refine_global(parameters.mesh.global_refinements);
    setup_system();
    interpolate_from_mesh(old_dofs, old_vectors, old_lower, old_upper);
    // Enough cycles to reach the finest level allowed, which the old mesh
    // may have had where the density is steep: a coarser remap changes the
    // moments (measured: C_22 by 7 % with 4 cycles for 6 levels).
    const auto        &mesh = parameters.mesh;
    const unsigned int cycles =
      mesh.adaptive ? std::max(mesh.initial_cycles,
                               mesh.maximum_level - mesh.global_refinements) :
                      0;
    for (unsigned int cycle = 0; cycle < cycles; ++cycle)
      {
        refine_mesh(false);
        interpolate_from_mesh(old_dofs, old_vectors, old_lower, old_upper);
      }
    // The fields on the old mesh go before it does.
    old_dofs.clear();
    restore_masses_after_transfer(masses);
    ++adaptation.n_box_moves;
    adaptation.steps_since_box_move = 0;
    console << "kwfp: the box moved to";
    for (unsigned int a = 0; a < dim; ++a)
      console << (a == 0 ? " [" : " x [") << box_lower[a] << ", "
              << box_upper[a] << "]";
    console << " (" << triangulation->n_global_active_cells() << " cells)"
            << std::endl;
  }


#define KWFP_INSTANTIATE(dim)                                                   \
  template std::optional<std::pair<Point<dim>, Point<dim>>>                     \
                FokkerPlanckSolver<dim>::box_to_move_to(const Moments &) const; \
  template void FokkerPlanckSolver<dim>::interpolate_from_mesh(                 \
    const DoFHandler<dim> &,                                                    \
    const std::vector<TrilinosWrappers::MPI::Vector> &,                         \
    const Point<dim> &,                                                         \
    const Point<dim> &);                                                        \
  template void FokkerPlanckSolver<dim>::move_box(const Point<dim> &,           \
                                                  const Point<dim> &);

  KWFP_INSTANTIATE(1)
  KWFP_INSTANTIATE(2)
  KWFP_INSTANTIATE(3)
#undef KWFP_INSTANTIATE
} // namespace kwfp
