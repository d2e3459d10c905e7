// The finite-element solver of (4.1): construction, the mesh of the box, the
// system on it and the initial density. The time loop, one step, the mesh
// adaptation, the moving box, the outputs and the checkpoints are in the
// other solver_*.cc files.

#include <kwfp/base/dense_algebra.h>
#include <kwfp/base/errors.h>
#include <kwfp/base/memory_need.h>
#include <kwfp/fokker_planck/nodal_interpolation.h>
#include <kwfp/fokker_planck/solver.h>
#include <kwfp/potential/batch_cached_potential.h>
#include <kwfp/potential/expression_potential.h>

#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/shared_tria.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_generator.h>

#include <chrono>
#include <cmath>
#include <exception>
#include <limits>
#include <map>
#include <sstream>

namespace kwfp
{
  using namespace dealii;

  template <int dim>
  FokkerPlanckSolver<dim>::FokkerPlanckSolver(
    const FokkerPlanckParameters &parameters,
    const std::string            &parameters_text,
    const MPI_Comm                communicator,
    std::ostream                 &console_stream)
    : parameters(parameters)
    , parameters_text(parameters_text)
    , communicator(communicator)
    , console(console_stream,
              Utilities::MPI::this_mpi_process(communicator) == 0)
    , potential(create_potential(parameters.potential, parameters.dimension))
    , initial_density(parameters.initial_density, parameters.dimension)
    , timer_storage(std::make_unique<TimerOutput>(communicator,
                                                  console,
                                                  TimerOutput::never,
                                                  TimerOutput::wall_times))
    , timer(*timer_storage)
    , fe(parameters.mesh.degree)
    , linear_solver(parameters.linear_solver,
                    parameters.mesh.degree,
                    console,
                    timer)
    , time_integrator(this->parameters,
                      kw_operator,
                      flux_correction,
                      linear_solver,
                      moment_functionals,
                      constraints,
                      timer,
                      console)
  {
    AssertThrow(parameters.dimension == dim,
                ExcMessage("solver instantiated for the wrong dimension"));
    for (unsigned int a = 0; a < dim; ++a)
      {
        box_lower[a] = parameters.mesh.lower_corner[a];
        box_upper[a] = parameters.mesh.upper_corner[a];
      }
    PostprocessorSettings settings;
    settings.output_directory    = parameters.output.directory;
    settings.output_interval     = parameters.output.interval;
    settings.compression         = parameters.output.compression;
    settings.communicator        = communicator;
    settings.console             = &console;
    settings.decay_fit_begin     = parameters.comparison.decay_fit_begin;
    settings.decay_fit_end       = parameters.comparison.decay_fit_end;
    settings.stationary_gaussian = potential->stationary_gaussian();
    // a closed form exists as setup() decides (closed_form)
    settings.has_closed_form =
      initial_density.gaussian() && settings.stationary_gaussian;
    for (const std::string &name : parameters.output.postprocessors)
      postprocessor_manager.add(create_postprocessor<dim>(name, settings));
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::check_box_holds_mass() const
  {
    const auto &lower = parameters.mesh.lower_corner;
    const auto &upper = parameters.mesh.upper_corner;
    const auto  check = [&](const Gaussian &g, const std::string &what) {
      const std::vector<double> outside = g.mass_outside_box(lower, upper);
      double                    total   = 0;
      for (const double m : outside)
        total += m;
      if (total <= 1e-6)
        return;
      // z with P(N(0,1) > z) about 2e-8: far enough to leave < 1e-6 in all.
      const double       z = 5.5;
      std::ostringstream advice;
      advice.precision(4);
      for (unsigned int a = 0; a < dim; ++a)
        {
          const double sigma = std::sqrt(g.covariance()(a, a));
          if (outside[2 * a] > 1e-7)
            advice << " lower 'Mesh/Lower corner' coordinate " << a + 1 << " ("
                   << outside[2 * a] << " of the mass lies below " << lower[a]
                   << ") to at most " << g.mean()[a] - z * sigma << ";";
          if (outside[2 * a + 1] > 1e-7)
            advice << " raise 'Mesh/Upper corner' coordinate " << a + 1 << " ("
                   << outside[2 * a + 1] << " of the mass lies above "
                   << upper[a] << ") to at least " << g.mean()[a] + z * sigma
                   << ";";
        }
      std::ostringstream message;
      message.precision(3);
      message << "the box misses " << total << " of the mass of the " << what
              << " (more than 1e-6):" << advice.str();
      bool below = false;
      for (unsigned int a = 0; a < dim; ++a)
        below = below || outside[2 * a] > 1e-7;
      throw InputError(below ? "Mesh/Lower corner" : "Mesh/Upper corner",
                       message.str());
    };
    if (initial_density.gaussian())
      check(*initial_density.gaussian(), "initial density N(m_0, C_0)");
    if (const auto stationary = potential->stationary_gaussian();
        stationary && !parameters.mesh.moving_box)
      check(*stationary, "stationary density N(u_0, B)");
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::check_mesh_resolves_gaussians() const
  {
    // Along the lines of nodes parallel to axis a, N(m, C) has the
    // standard deviation 1/sqrt((C^{-1})_aa) (that of the conditional
    // density): it is compared with the side h_a of the finest cells along
    // a, so that long thin boxes with cells to match are not warned about.
    const auto        &m = parameters.mesh;
    const unsigned int level =
      m.adaptive ? std::max(m.maximum_level, m.global_refinements) :
                   m.global_refinements;
    const auto check = [&](const Gaussian &g, const std::string &what) {
      const DenseMatrix &precision = g.precision();
      for (unsigned int a = 0; a < dim; ++a)
        {
          const double h = (m.upper_corner[a] - m.lower_corner[a]) /
                           (m.subdivisions[a] * std::pow(2., level));
          const double sd = 1 / std::sqrt(precision(a, a));
          if (sd >= h)
            continue;
          std::ostringstream message;
          message.precision(3);
          message << "the " << what << " has a standard deviation of "
                  << std::sqrt(eigenvalue_range(g.covariance()).first)
                  << " in its narrowest direction and of " << sd
                  << " along the lines of axis " << a + 1 << ", "
                  << (sd < h / 4 ? "less than a quarter of" : "less than")
                  << " the side " << h
                  << " of the finest cells along that axis, which cannot "
                     "resolve it (its moments would be wrong); raise "
                     "'Mesh/Global refinements'"
                  << (m.adaptive ? " or 'Mesh/Maximum refinement level'" : "")
                  << ", or shrink the box";
          console << "kwfp: warning: " << message.str() << std::endl;
          return; // one warning for each density
        }
    };
    if (initial_density.gaussian())
      check(*initial_density.gaussian(), "initial density N(m_0, C_0)");
    if (const auto stationary = potential->stationary_gaussian();
        stationary && !m.moving_box)
      check(*stationary, "stationary density N(u_0, B)");
  }


  template <int dim>
  FokkerPlanckSolver<dim>::~FokkerPlanckSolver()
  {
    if (std::uncaught_exceptions() > 0)
      (void)timer_storage.release(); // deliberately not destroyed
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::check_memory_for_mesh(
    const double bytes_beside) const
  {
    // Lower bounds of the peak memory per unknown, below the peaks of runs
    // of one step (2026-12-05; 263,169 unknowns in 2-D, 117,649 in 3-D,
    // 200,001 in 1-D, less 150 MB of libraries): Q1 and Q2, Galerkin or
    // flux-corrected, 2.1-3.8 kB in 2-D, 6.1-16 kB in 3-D, 1 kB in 1-D.
    const auto  &m      = parameters.mesh;
    const double factor = std::pow(2., m.global_refinements);
    double       cells = 1, unknowns = 1;
    for (unsigned int a = 0; a < dim; ++a)
      {
        cells *= double(m.subdivisions[a]) * factor;
        unknowns *= double(m.degree) * m.subdivisions[a] * factor + 1;
      }
    const double       per_unknown = dim == 1 ? 800. : dim == 2 ? 1500. : 4000.;
    std::ostringstream what;
    what.precision(3);
    what << "the mesh of 'Mesh/Subdivisions' and 'Mesh/Global refinements' ("
         << cells << " cells, " << unknowns << " unknowns of Q" << m.degree
         << ")";
    if (bytes_beside > 0)
      what << " beside the particles' " << bytes_beside / 1e9 << " GB";
    check_memory_need(1e8 + unknowns * per_unknown + bytes_beside,
                      communicator,
                      "Mesh/Subdivisions",
                      what.str());
  }


  template <int dim>
  std::unique_ptr<parallel::TriangulationBase<dim>>
  FokkerPlanckSolver<dim>::coarse_mesh() const
  {
    std::unique_ptr<parallel::TriangulationBase<dim>> tria;
    if constexpr (dim == 1)
      tria =
        std::make_unique<parallel::shared::Triangulation<dim>>(communicator);
    else
      tria = std::make_unique<parallel::distributed::Triangulation<dim>>(
        communicator);
    GridGenerator::subdivided_hyper_rectangle(*tria,
                                              parameters.mesh.subdivisions,
                                              box_lower,
                                              box_upper);
    return tria;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::check_input(const bool   resuming,
                                       const double bytes_beside)
  {
    check_box_holds_mass();
    check_mesh_resolves_gaussians();
    if (parameters.potential.type == PotentialType::expression)
      {
        // Compare the user's gradient with differences of Phi_R at points
        // spread over the box.
        std::vector<std::vector<double>> points;
        for (const double s : {0.5, 0.25, 0.75, 0.4})
          {
            std::vector<double> p(dim);
            for (unsigned int a = 0; a < dim; ++a)
              {
                const double t = (a % 2 == 0) ? s : 1 - s;
                p[a]           = parameters.mesh.lower_corner[a] +
                       t * (parameters.mesh.upper_corner[a] -
                            parameters.mesh.lower_corner[a]);
              }
            points.push_back(p);
          }
        check_gradient_against_differences(*potential,
                                           points,
                                           "Potential/Expression/Gradient");
      }
    if (!resuming)
      check_memory_for_mesh(bytes_beside);
    input_checked = true;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::setup(const std::vector<CellId> *cells)
  {
    TimerOutput::Scope scope(timer, "setup");
    if (!input_checked)
      check_input(cells != nullptr);

    // The mesh of the box.
    triangulation = coarse_mesh();
    if (cells)
      {
        // A resumed run: the mesh of the checkpoint (coarsening may have
        // gone below the global refinements); the caller sets the density.
        refine_to(*triangulation, *cells);
        setup_system();
      }
    else
      {
        triangulation->refine_global(parameters.mesh.global_refinements);
        setup_system();
        set_initial_density();
        if (parameters.mesh.adaptive)
          for (unsigned int cycle = 0; cycle < parameters.mesh.initial_cycles;
               ++cycle)
            {
              refine_mesh(false);
              set_initial_density();
            }
      }
    // A moving box is meant to leave the first one.
    if (!potential->stationary_gaussian() && !parameters.mesh.moving_box)
      warn_if_large_on_boundary(stationary, "stationary density");

    if (initial_density.gaussian() && potential->stationary_gaussian())
      closed_form.emplace(*initial_density.gaussian(),
                          *potential->stationary_gaussian(),
                          parameters.diffusion_matrix,
                          parameters.fixed_diffusion_matrix);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::setup_system()
  {
    dof_handler.reinit(*triangulation);
    dof_handler.distribute_dofs(fe);
    owned_dofs = dof_handler.locally_owned_dofs();
    DoFTools::extract_locally_relevant_dofs(dof_handler, relevant_dofs);
    constraints.clear();
    constraints.reinit(relevant_dofs);
    DoFTools::make_hanging_node_constraints(dof_handler, constraints);
    constraints.close();

    // Exact for the moments; the drift term sees grad Phi_R of any form.
    const QGauss<dim> quadrature(fe.degree + 2);
    // With an external forward model, Phi_R and grad Phi_R at the
    // quadrature points are one call for the diagnostics and the operator
    // (the same points): the second is answered from the first.
    const BatchCachedPotential cached_potential(*potential);
    const Potential           &quadrature_potential =
      potential->prefers_one_batch() ?
                  static_cast<const Potential &>(cached_potential) :
                  *potential;
    density_diagnostics.reinit(dof_handler,
                               quadrature,
                               quadrature_potential,
                               communicator);
    kw_operator.reinit(dof_handler,
                       constraints,
                       quadrature_potential,
                       quadrature,
                       communicator,
                       parameters.mesh.flux_corrected);
    // Phi_R at the nodes, in one batch (one call of an external forward
    // model per mesh), for the flux correction and the stationary density
    TrilinosWrappers::MPI::Vector nodal_Phi(owned_dofs, communicator);
    {
      const Potential &Phi = *potential;
      interpolate_scalar_batch(
        dof_handler,
        [&Phi](const DenseMatrix &points, std::vector<double> &values) {
          Phi.values(points, values);
        },
        nodal_Phi);
    }
    if (parameters.mesh.flux_corrected)
      {
        flux_correction.set_skip_unlimited_steps(
          parameters.mesh.skip_unlimited_steps);
        flux_correction.set_cutoff_tolerance(parameters.mesh.cutoff_tolerance);
        flux_correction.reinit(dof_handler,
                               kw_operator,
                               constraints,
                               nodal_Phi,
                               owned_dofs,
                               relevant_dofs,
                               communicator);
      }
    moment_functionals.reinit(dof_handler,
                              quadrature,
                              (box_lower + box_upper) / 2.,
                              communicator);

    // The history vectors share density's map (they are swapped every
    // step; the ghost exchange plan and Epetra's map checks then see the
    // same map, without a collective comparison).
    density.reinit(owned_dofs, communicator);
    old_density.reinit(density);
    older_density.reinit(density);
    lumped_mass.reinit(owned_dofs, communicator);
    {
      TrilinosWrappers::MPI::Vector ones(owned_dofs, communicator);
      ones = 1.;
      kw_operator.mass_matrix().vmult(lumped_mass, ones);
      for (const auto i : owned_dofs)
        if (constraints.is_constrained(i))
          lumped_mass[i] = 0;
      lumped_mass.compress(VectorOperation::insert);
    }
    ghosted.reinit(owned_dofs, relevant_dofs, communicator);
    ghost_exchange.reinit(density, ghosted);
    time_integrator.reinit(owned_dofs, communicator);
    stationary.reinit(owned_dofs, relevant_dofs, communicator);
    {
      TrilinosWrappers::MPI::Vector owned(owned_dofs, communicator);
      const double log_Z = density_diagnostics.log_normalization();
      for (const auto i : owned_dofs)
        owned[i] = std::exp(-nodal_Phi[i] - log_Z);
      owned.compress(VectorOperation::insert);
      constraints.distribute(owned);
      stationary = owned;
    }


    if (parameters.mesh.moving_box)
      {
        std::map<types::global_dof_index, Point<dim>> points;
        DoFTools::map_dofs_to_support_points(MappingQ1<dim>(),
                                             dof_handler,
                                             points);
        owned_support_points.clear();
        for (const auto i : owned_dofs)
          owned_support_points.push_back(points.at(i));
      }

    // A new matrix needs a new preconditioner.
    linear_solver.reinit(kw_operator,
                         parameters.mesh.flux_corrected ? &flux_correction :
                                                          nullptr,
                         communicator);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::warn_if_large_on_boundary(
    const TrilinosWrappers::MPI::Vector &v,
    const std::string                   &what) const
  {
    const IndexSet boundary = DoFTools::extract_boundary_dofs(dof_handler);
    double         local    = 0;
    for (const auto i : boundary)
      if (owned_dofs.is_element(i))
        local = std::max(local, static_cast<double>(v[i]));
    double local_maximum = 0;
    for (const auto i : owned_dofs)
      local_maximum = std::max(local_maximum, static_cast<double>(v[i]));
    const double on_boundary = Utilities::MPI::max(local, communicator);
    const double maximum     = Utilities::MPI::max(local_maximum, communicator);
    if (on_boundary > 1e-6 * maximum)
      console << "Warning: the " << what << " on the boundary reaches "
              << on_boundary / maximum
              << " of its maximum; the no-flux box may truncate it. "
                 "Consider a larger box (Mesh/Lower corner, Mesh/Upper "
                 "corner)."
              << std::endl;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::set_initial_density()
  {
    const InitialDensity &rho_0 = initial_density;
    interpolate_scalar(
      dof_handler,
      [&rho_0](const ArrayView<const double> &u) { return rho_0.value(u); },
      density);

    // Every rank must agree on the error: gather the first bad node.
    std::vector<double> bad_node;
    for (const auto i : owned_dofs)
      if (const double v = density[i]; !std::isfinite(v) || v < 0)
        {
          std::map<types::global_dof_index, Point<dim>> support_points;
          DoFTools::map_dofs_to_support_points(MappingQ1<dim>(),
                                               dof_handler,
                                               support_points);
          bad_node.push_back(density[i]);
          for (unsigned int a = 0; a < dim; ++a)
            bad_node.push_back(support_points[i][a]);
          break;
        }
    const auto all_bad = Utilities::MPI::all_gather(communicator, bad_node);
    for (const auto &b : all_bad)
      if (!b.empty())
        throw InputError(
          "Initial density/Expression",
          std::string(std::isfinite(b[0]) ? "is negative" : "is not finite") +
            " at u = " +
            format_point(std::vector<double>(b.begin() + 1, b.end())));

    // Hanging nodes take the values of their constraints (with Q2 these
    // can be slightly negative: its hanging-node weights include -1/8).
    constraints.distribute(density);
    const double mass = moment_functionals.mass(density);
    if (!(mass > 0) || !std::isfinite(mass))
      throw InputError("Initial density",
                       "has no positive mass inside the box");
    density /= mass;

    if (!initial_density.gaussian())
      warn_if_large_on_boundary(density, "initial density");
  }


  template <int dim>
  DenseMatrix
  FokkerPlanckSolver<dim>::diffusion_matrix(const Moments &moments) const
  {
    switch (parameters.diffusion_matrix)
      {
        case DiffusionMatrixType::wasserstein:
          return identity_matrix(dim);
        case DiffusionMatrixType::fixed:
          return parameters.fixed_diffusion_matrix;
        default:
          return moments.covariance;
      }
  }


  template <int dim>
  double
  FokkerPlanckSolver<dim>::matvec_seconds()
  {
    const auto &system_matrix = linear_solver.matrix();
    if (system_matrix.m() == 0 || system_matrix.n_nonzero_elements() == 0)
      return 0;
    constexpr unsigned int n_products = 20;
    // density has the matrix's row layout
    TrilinosWrappers::MPI::Vector product(density);
    MPI_Barrier(communicator);
    const auto start = std::chrono::steady_clock::now();
    for (unsigned int i = 0; i < n_products; ++i)
      system_matrix.vmult(product, density);
    MPI_Barrier(communicator);
    const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
        .count();
    return Utilities::MPI::max(seconds, communicator) / n_products;
  }


  template class FokkerPlanckSolver<1>;
  template class FokkerPlanckSolver<2>;
  template class FokkerPlanckSolver<3>;
} // namespace kwfp
