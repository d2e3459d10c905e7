#include <kwfp/base/checkpoint.h>
#include <kwfp/base/compensated_sum.h>
#include <kwfp/base/errors.h>
#include <kwfp/base/interruption.h>
#include <kwfp/base/time_grid.h>
#include <kwfp/fokker_planck/solver.h>
#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/output/output_directory.h>
#include <kwfp/potential/expression_potential.h>

#include <deal.II/base/function.h>
#include <deal.II/base/mpi.h>
#include <deal.II/base/quadrature_lib.h>
#include <deal.II/distributed/grid_refinement.h>
#include <deal.II/distributed/shared_tria.h>
#include <deal.II/distributed/solution_transfer.h>
#include <deal.II/distributed/tria.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>
#include <deal.II/grid/grid_generator.h>
#include <deal.II/lac/solver_control.h>
#include <deal.II/lac/solver_gmres.h>
#include <deal.II/lac/trilinos_solver.h>
#include <deal.II/numerics/error_estimator.h>
#include <deal.II/numerics/vector_tools.h>

#include <Epetra_Import.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <tuple>

namespace kwfp
{
  using namespace dealii;

  namespace
  {
    /// A step whose linear systems could not be solved at this dt (the
    /// adaptive time step retries it with a smaller one).
    class StepSolveFailure : public RunFailure
    {
    public:
      using RunFailure::RunFailure;
    };

    /// A dimension-free scalar function seen as a deal.II Function<dim>.
    template <int dim, typename F>
    class FunctionFromLambda : public Function<dim>
    {
    public:
      explicit FunctionFromLambda(const F &f)
        : f(f)
      {}
      double
      value(const Point<dim> &p, const unsigned int = 0) const override
      {
        return f(make_array_view(p.begin_raw(), p.end_raw()));
      }

    private:
      const F f;
    };

    template <int dim, typename F>
    void
    interpolate(const DoFHandler<dim>         &dof_handler,
                const F                       &f,
                TrilinosWrappers::MPI::Vector &v)
    {
      VectorTools::interpolate(dof_handler, FunctionFromLambda<dim, F>(f), v);
    }

    std::string
    format_point(const std::vector<double> &p)
    {
      std::ostringstream s;
      s << "(";
      for (unsigned int a = 0; a < p.size(); ++a)
        s << (a ? ", " : "") << p[a];
      return s.str() + ")";
    }

    double
    local_min(const TrilinosWrappers::MPI::Vector &v)
    {
      double m = std::numeric_limits<double>::max();
      for (const double x : v)
        m = std::min(m, x);
      return m;
    }

    double
    local_max(const TrilinosWrappers::MPI::Vector &v)
    {
      double m = -std::numeric_limits<double>::max();
      for (const double x : v)
        m = std::max(m, x);
      return m;
    }
  } // namespace


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
    , timer(communicator, console, TimerOutput::never, TimerOutput::wall_times)
    , potential(create_potential(parameters.potential, parameters.dimension))
    , initial_density(parameters.initial_density, parameters.dimension)
    , fe(parameters.mesh.degree)
    , linear_solver(parameters.linear_solver,
                    parameters.mesh.degree,
                    console,
                    timer)
  {
    AssertThrow(parameters.dimension == dim,
                ExcMessage("solver instantiated for the wrong dimension"));
    for (unsigned int a = 0; a < dim; ++a)
      {
        box_lower[a] = parameters.mesh.lower_corner[a];
        box_upper[a] = parameters.mesh.upper_corner[a];
      }
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
  FokkerPlanckSolver<dim>::setup(const std::vector<CellId> *cells)
  {
    TimerOutput::Scope scope(timer, "setup");
    check_box_holds_mass();

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
    density_diagnostics.reinit(dof_handler,
                               quadrature,
                               *potential,
                               communicator);
    kw_operator.reinit(dof_handler,
                       constraints,
                       *potential,
                       quadrature,
                       communicator,
                       parameters.mesh.flux_corrected);
    if (parameters.mesh.flux_corrected)
      {
        TrilinosWrappers::MPI::Vector nodal_Phi(owned_dofs, communicator);
        const Potential              &Phi = *potential;
        interpolate(
          dof_handler,
          [&Phi](const ArrayView<const double> &u) { return Phi.value(u); },
          nodal_Phi);
        flux_correction.set_skip_unlimited_steps(
          parameters.mesh.skip_unlimited_steps);
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
    ghost_import =
      std::make_unique<Epetra_Import>(ghosted.trilinos_vector().Map(),
                                      density.trilinos_vector().Map());
    step_history.reinit(owned_dofs, communicator);
    step_rhs.reinit(owned_dofs, communicator);
    stationary.reinit(owned_dofs, relevant_dofs, communicator);
    {
      TrilinosWrappers::MPI::Vector owned(owned_dofs, communicator);
      const double     log_Z = density_diagnostics.log_normalization();
      const Potential &Phi   = *potential;
      interpolate(
        dof_handler,
        [&Phi, log_Z](const ArrayView<const double> &u) {
          return std::exp(-Phi.value(u) - log_Z);
        },
        owned);
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


  template <int dim>
  void
  FokkerPlanckSolver<dim>::write_final_density() const
  {
    // Nodal values at the support points, gathered on rank 0, for plots
    // (contours of the density under the particle clouds).
    std::map<types::global_dof_index, Point<dim>> points;
    DoFTools::map_dofs_to_support_points(MappingQ1<dim>(), dof_handler, points);
    std::vector<double> local;
    for (const auto i : owned_dofs)
      {
        for (unsigned int a = 0; a < dim; ++a)
          local.push_back(points[i][a]);
        local.push_back(density[i]);
      }
    const auto all = Utilities::MPI::gather(communicator, local, 0);
    if (Utilities::MPI::this_mpi_process(communicator) != 0)
      return;
    write_atomically(parameters.output.directory + "/density_final.csv",
                     [&](std::ostream &out) {
                       for (unsigned int a = 0; a < dim; ++a)
                         out << "u_" << a + 1 << ',';
                       out << "density\n";
                       for (const auto &part : all)
                         for (std::size_t k = 0; k < part.size(); ++k)
                           {
                             write_csv_number(out, part[k], false);
                             out << ((k + 1) % (dim + 1) == 0 ? '\n' : ',');
                           }
                     });
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
    interpolate(
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
    AssertThrow(ghosted.trilinos_vector().Import(density.trilinos_vector(),
                                                 *ghost_import,
                                                 Insert) == 0,
                ExcMessage("ghost exchange of the density failed"));
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
  FokkerPlanckSolver<dim>::set_observer(
    std::function<void(FieldObservation<dim> &)> new_observer)
  {
    observer = std::move(new_observer);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::output_step(const double   time,
                                       const Moments &moments,
                                       const bool     write)
  {
    FieldObservation<dim> observation;
    if (observer)
      {
        ghosted                 = density;
        observation.time        = time;
        observation.dof_handler = &dof_handler;
        observation.density     = &ghosted;
        observation.diagnostics = &density_diagnostics;
        observation.mean        = moments.mean;
        observation.covariance  = moments.covariance;
        observation.exact       = exact_at_current_time;
        TimerOutput::Scope scope(timer, "comparison with particles");
        observer(observation);
      }
    if (write)
      write_fields(time, observation);
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::write_fields(
    const double                 time,
    const FieldObservation<dim> &observation)
  {
    TimerOutput::Scope scope(timer, "output");
    ghosted = density;
    TrilinosWrappers::MPI::Vector owned(owned_dofs, communicator);
    TrilinosWrappers::MPI::Vector log10_density(owned_dofs,
                                                relevant_dofs,
                                                communicator);
    // log10 with a floor of 1e-20, so that the far tails and round-off
    // around zero stay visible on a log scale.
    for (const auto i : owned_dofs)
      owned[i] = std::log10(std::max(static_cast<double>(density[i]), 1e-20));
    owned.compress(VectorOperation::insert);
    log10_density = owned;

    std::vector<std::pair<std::string, const TrilinosWrappers::MPI::Vector *>>
      fields{{"density", &ghosted},
             {"log10_density", &log10_density},
             {"stationary_density", &stationary}};

    TrilinosWrappers::MPI::Vector exact(owned_dofs,
                                        relevant_dofs,
                                        communicator);
    TrilinosWrappers::MPI::Vector error(owned_dofs,
                                        relevant_dofs,
                                        communicator);
    if (exact_at_current_time)
      {
        const Gaussian &g = *exact_at_current_time;
        interpolate(
          dof_handler,
          [&g](const ArrayView<const double> &u) { return g.density(u); },
          owned);
        exact = owned;
        owned.sadd(-1., 1., density); // rho_h - rho_exact
        error = owned;
        fields.emplace_back("exact_density", &exact);
        fields.emplace_back("error", &error);
      }
    fields.insert(fields.end(),
                  observation.nodal_fields.begin(),
                  observation.nodal_fields.end());
    field_output->write(dof_handler, fields, time, observation.cell_fields);
  }


  template <int dim>
  RunSummary
  FokkerPlanckSolver<dim>::run(const bool resume)
  {
    RunSummary summary;
    LoopState  loop;
    const bool is_writer = Utilities::MPI::this_mpi_process(communicator) == 0;
    if (resume)
      resume_from_checkpoint(loop, summary);
    else
      {
        setup();
        prepare_output_directory(parameters.output.directory,
                                 parameters_text,
                                 communicator);
        csv = std::make_unique<DiagnosticsCsv>(parameters.output.directory +
                                                 "/diagnostics.csv",
                                               dim,
                                               closed_form.has_value(),
                                               is_writer);
        field_output =
          std::make_unique<FieldOutput<dim>>(parameters.output.directory,
                                             communicator);
      }
    summary.n_dofs  = dof_handler.n_dofs();
    summary.n_cells = triangulation->n_global_active_cells();

    const auto &ts = parameters.time_stepping;
    // Without adaptivity: n_steps equal steps ending at T exactly.
    const FixedTimeGrid time_grid(ts.final_time, ts.time_step);
    const auto         n_steps = static_cast<unsigned int>(time_grid.n_steps());
    const double       uniform_dt = time_grid.step();
    const unsigned int interval   = parameters.output.interval;
    // Status lines print diagnostics rows: a multiple of their interval.
    const unsigned int diagnostics_every =
      parameters.output.diagnostics_interval;
    const unsigned int status_every =
      (((interval > 0 ? interval :
                        (ts.adaptive ? 20u : std::max(1u, n_steps / 10))) +
        diagnostics_every - 1) /
       diagnostics_every) *
      diagnostics_every;

    console << "kwfp: d = " << dim << ", Q" << fe.degree << ", "
            << summary.n_cells << " cells, " << summary.n_dofs << " unknowns, "
            << Utilities::MPI::n_mpi_processes(communicator) << " MPI rank(s)\n"
            << "      Phi_R: " << potential->description() << "\n"
            << "      ";
    if (ts.adaptive)
      console << "adaptive variable-step BDF2 from dt = " << ts.time_step
              << " (local error tolerance " << ts.error_tolerance << ")";
    else
      console << n_steps << " steps of BDF" << ts.bdf_order
              << " with dt = " << uniform_dt;
    console << " to T = " << ts.final_time << "; output in "
            << parameters.output.directory << std::endl;

    const auto status = [&](const DiagnosticsRow &row) {
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
    };
    const auto check = [&](const Moments     &m,
                           const unsigned int step,
                           const double       time) {
      if (!std::isfinite(m.mass) || !(m.mass > 0))
        {
          std::ostringstream message;
          message << (std::isfinite(m.mass) ? "the mass became non-positive (" :
                                              "the density became NaN or "
                                              "infinite (mass ")
                  << m.mass << ") at step " << step << ", time " << time;
          throw RunFailure(message.str());
        }
    };

    Moments        moments;
    DiagnosticsRow row;
    DenseMatrix   &C_now = loop.C_now;
    DenseMatrix   &C_old = loop.C_old;
    if (resume)
      {
        moments = moment_history[0];
        console << "kwfp: resumed from the checkpoint at step " << loop.step
                << ", t = " << loop.time << std::endl;
      }
    else
      {
        {
          TimerOutput::Scope scope(timer, "moments and C");
          moments = moment_functionals.compute(density);
        }
        check(moments, 0, 0);
        moment_history.fill(moments);
        C_now = diffusion_matrix(moments);
        C_old = C_now;

        if (!ts.adaptive)
          summary.kl_samples.reserve(n_steps + 1);
        row = diagnostics(0, 0, 0, moments);
        csv->write(row);
        record_row(summary, row);
        output_step(0, moments, interval > 0);
        status(row);
      }

    const bool kalman_wasserstein =
      parameters.diffusion_matrix == DiffusionMatrixType::kalman_wasserstein;
    TrilinosWrappers::MPI::Vector next(density);

    double &time        = loop.time;
    double &dt_previous = loop.dt_previous; // t_n - t_{n-1}
    double &dt_before   = loop.dt_before;   // t_{n-1} - t_{n-2}
    double &dt_next     = loop.dt_next;
    if (!resume)
      {
        dt_next        = ts.adaptive ? ts.time_step : uniform_dt;
        summary.min_dt = std::numeric_limits<double>::max();
        summary.max_dt = 0;
      }
    const double dt_maximum =
      ts.maximum_time_step > 0 ? ts.maximum_time_step : ts.final_time;
    CheckpointSchedule schedule(parameters.output.checkpoint_interval,
                                parameters.output.checkpoint_minutes);
    const auto         loop_start = std::chrono::steady_clock::now();
    // For the failure report: the step being computed, the time of the last
    // accepted one, and whether `density` already holds the new step (whose
    // checks may still fail) with the last good one in old_density.
    unsigned int failed_step      = 0;
    double       last_good_time   = loop.time;
    bool         density_accepted = false;
    // Steps accepted since the last transfer to a new mesh: the error
    // estimate of the next three steps differences moments of rho^n,
    // rho^{n-1}, rho^{n-2} that were transferred.
    unsigned int steps_since_transfer = 3;
    try
      {
        for (unsigned int step = loop.step + 1;
             ts.adaptive ? time < ts.final_time * (1 - 1e-12) : step <= n_steps;
             ++step)
          {
            failed_step      = step;
            density_accepted = false;
            double dt        = dt_next;
            if (ts.adaptive)
              {
                // End at T exactly, without a last step much shorter than dt.
                const double left = ts.final_time - time;
                if (dt >= left || left - dt < 0.1 * dt)
                  dt = left;
              }
            double estimate = 0;
            // Moments of the accepted candidate when the estimate needed them.
            std::optional<Moments> candidate_moments;
            for (unsigned int attempt = 1;; ++attempt)
              {
                const double omega =
                  ts.bdf_order == 2 && step > 1 ? dt / dt_previous : 0;
                // A rejected attempt does not count as a corrected (or
                // specially solved) step.
                const auto counted =
                  std::make_tuple(summary.corrected_steps,
                                  summary.low_order_preconditioned_steps,
                                  summary.direct_steps,
                                  summary.low_order_steps);
                const auto forget_attempt = [&]() {
                  std::tie(summary.corrected_steps,
                           summary.low_order_preconditioned_steps,
                           summary.direct_steps,
                           summary.low_order_steps) = counted;
                };
                try
                  {
                    // rho^{n-2} exists from step 3 on (a resumed run has it
                    // from its checkpoint).
                    const double omega_before =
                      omega > 0 && step > 2 && dt_before > 0 ?
                        dt_previous / dt_before :
                        0;
                    compute_step(step,
                                 dt,
                                 omega,
                                 omega_before,
                                 C_now,
                                 C_old,
                                 summary,
                                 next);
                  }
                catch (const StepSolveFailure &failure)
                  {
                    // Smaller steps make the system more diagonally dominant.
                    if (attempt >= 20)
                      throw RunFailure(std::string(failure.what()) +
                                       " (also after 20 reductions of dt)");
                    forget_attempt();
                    ++summary.rejected_steps;
                    dt = std::min(std::max(ts.minimum_time_step, dt / 4),
                                  ts.final_time - time);
                    continue;
                  }
                // The local error of variable-step BDF2 needs four solutions.
                if (!ts.adaptive || step < 3)
                  break;
                if (ts.error_estimate == TimeErrorEstimate::density)
                  estimate =
                    local_error_estimate(next, dt, dt_previous, dt_before);
                else
                  {
                    {
                      TimerOutput::Scope scope(timer, "moments and C");
                      candidate_moments = moment_functionals.compute(next);
                    }
                    estimate = moment_error_estimate(*candidate_moments,
                                                     moment_history,
                                                     dt,
                                                     dt_previous,
                                                     dt_before);
                  }
                if (!std::isfinite(estimate))
                  estimate = std::numeric_limits<double>::max();

                if (estimate <= 2 * ts.error_tolerance ||
                    dt <= ts.minimum_time_step * (1 + 1e-12))
                  break;
                if (attempt >= 20)
                  {
                    std::ostringstream message;
                    message
                      << "the adaptive time step was rejected 20 times at "
                         "step "
                      << step << ", time " << time << " (dt " << dt
                      << ", error estimate " << estimate
                      << "); lower 'Time stepping/Minimum time step' or "
                         "raise 'Time stepping/Error tolerance'";
                    throw RunFailure(message.str());
                  }
                forget_attempt();
                ++summary.rejected_steps;
                if (steps_since_transfer < 3)
                  ++summary.rejected_after_transfer;
                dt = std::min(
                  ts.final_time - time,
                  std::max(ts.minimum_time_step,
                           dt * std::max(0.2,
                                         0.9 * std::cbrt(ts.error_tolerance /
                                                         estimate))));
              }
            if (ts.adaptive)
              {
                // Grow by at most 2 (variable-step BDF2 is zero-stable for
                // ratios below 1 + sqrt(2)), shrink by at most 5. Steps 1
                // and 2 have no estimate (it needs four solutions): dt stays
                // the given 'Time step', which a stiff start chose small on
                // purpose, until the estimate of step 3 decides.
                double factor = step < 3 ? 1. : 2.;
                if (step >= 3 && estimate > 0)
                  factor = std::min(
                    2.,
                    std::max(0.2,
                             0.9 * std::cbrt(ts.error_tolerance / estimate)));
                dt_next = std::min(dt_maximum,
                                   std::max(ts.minimum_time_step, dt * factor));
              }
            summary.min_dt = std::min(summary.min_dt, dt);
            summary.max_dt = std::max(summary.max_dt, dt);
            // The last step is decided by counting (fixed steps) or by the
            // step that was cut to land on T (adaptive), and its time is T
            // exactly: step * (T / n) rounds below T for some (T, n).
            const bool last = ts.adaptive ? ts.final_time - (time + dt) <
                                              1e-12 * ts.final_time :
                                            time_grid.is_last(step);
            time            = ts.adaptive ? (last ? ts.final_time : time + dt) :
                                            time_grid.time(step);

            {
              TimerOutput::Scope scope(timer, "copies and checks");
              // Shift the history by swapping storage (next is recomputed
              // before its next use).
              older_density.swap(old_density);
              old_density.swap(density);
              density.swap(next);
            }
            density_accepted = true;
            ++steps_since_transfer;
            moment_history[2] = moment_history[1];
            moment_history[1] = moment_history[0];
            dt_before         = dt_previous;
            dt_previous       = dt;
            {
              TimerOutput::Scope scope(timer, "moments and C");
              moments = candidate_moments ? *candidate_moments :
                                            moment_functionals.compute(density);
            }
            check(moments, step, time);
            moment_history[0] = moments;
            C_old             = C_now;
            C_now             = diffusion_matrix(moments);
            if (kalman_wasserstein)
              try
                {
                  cholesky_factor(C_now);
                }
              catch (const std::domain_error &)
                {
                  std::ostringstream message;
                  message << "the covariance C(rho) stopped being positive "
                             "definite at step "
                          << step << ", time " << time << ": "
                          << format_matrix(C_now);
                  throw RunFailure(message.str());
                }

            // SIGINT/SIGTERM: this step is done and written; stop as at T.
            const bool interrupted =
              !last && interruption_signal(communicator) != 0;
            if (last || interrupted || step % diagnostics_every == 0)
              {
                row = diagnostics(step, time, dt, moments);
                TimerOutput::Scope scope(timer, "copies and checks");
                csv->write(row);
                record_row(summary, row);
              }
            {
              TimerOutput::Scope scope(timer, "copies and checks");
              const double       extremes[2] = {local_min(density),
                                                -local_max(density)};
              double             global[2];
              Utilities::MPI::min(extremes, communicator, global);
              summary.min_relative_density =
                std::min(summary.min_relative_density, -global[0] / global[1]);
            }
            summary.n_steps = step;
            if (last || (interval > 0 && step % interval == 0))
              output_step(time, moments, interval > 0);
            if (step % status_every == 0 || last)
              status(row);
            last_good_time   = time;
            density_accepted = false;
            // The fields written because of the interruption are not part
            // of the run that the checkpoint continues.
            const std::size_t n_outputs = field_output->written().size();
            if (interrupted && !(interval > 0 && step % interval == 0))
              output_step(time, moments, interval > 0);
            // After a transfer to a new mesh, the moments and C of rho^n and
            // rho^{n-1} are those of the transferred vectors
            // (restore_masses_after_transfer recomputed the history).
            const auto use_transferred_history = [&]() {
              steps_since_transfer = 0;
              next.reinit(density);
              moments = moment_history[0];
              C_now   = diffusion_matrix(moment_history[0]);
              C_old   = diffusion_matrix(moment_history[1]);
            };
            if (parameters.mesh.adaptive && !last &&
                step % parameters.mesh.refinement_interval == 0)
              {
                refine_mesh(true);
                use_transferred_history();
              }
            ++adaptation.steps_since_box_move;
            if (parameters.mesh.moving_box && !last && !interrupted)
              if (const auto box = box_to_move_to(moments))
                {
                  move_box(box->first, box->second);
                  use_transferred_history();
                }
            loop.step = step;
            // The checkpoint holds the state after the mesh adaptation, so
            // that the resumed run starts with step + 1.
            if (!last && (interrupted || schedule.due(step, communicator)))
              {
                write_checkpoint_now(loop, summary, n_outputs);
                schedule.written();
              }
            if (interrupted)
              {
                status(row);
                summary.interrupted = true;
                console << "kwfp: interrupted by a signal after step " << step
                        << ", t = " << time
                        << "; the outputs up to this step are complete"
                        << " and a checkpoint is written" << std::endl;
                break;
              }
          }
      }
    catch (const RunFailure &failure)
      {
        // Write the last good state, so that the user can look at it in
        // ParaView (solution.pvd) and density_final.csv, then stop.
        try
          {
            if (density_accepted)
              density = old_density;
            write_fields(last_good_time, FieldObservation<dim>());
            write_final_density();
          }
        catch (const std::exception &)
          {
            // Keep the original failure; the step's diagnostics are written.
          }
        std::ostringstream message;
        message << failure.what() << " [step " << failed_step
                << "; the last good state, t = " << last_good_time
                << ", is the last entry of " << parameters.output.directory
                << "/solution.pvd and in density_final.csv]";
        throw RunFailure(message.str());
      }
    {
      // The posterior moments by quadrature of rho_inf (posterior.csv), on
      // the last mesh (an adapted mesh resolves rho_inf best at the end).
      double      mass;
      DenseVector mean;
      DenseMatrix covariance;
      density_diagnostics.stationary_moments(mass, mean, covariance);
      summary.posterior_mean       = mean;
      summary.posterior_covariance = covariance;
      if (is_writer)
        write_atomically(parameters.output.directory + "/posterior.csv",
                         [&](std::ostream &out) {
                           out << "mass" << moment_columns(dim) << '\n';
                           write_csv_number(out, mass, false);
                           for (unsigned int a = 0; a < dim; ++a)
                             write_csv_number(out, mean[a]);
                           for (unsigned int a = 0; a < dim; ++a)
                             for (unsigned int b = a; b < dim; ++b)
                               write_csv_number(out, covariance(a, b));
                           out << '\n';
                         });
      console << "      posterior by quadrature of exp(-Phi_R)/Z: mean "
              << format_point(std::vector<double>(mean.begin(), mean.end()))
              << ", covariance " << format_matrix(covariance) << std::endl;
    }

    write_final_density();
    summary.loop_seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - loop_start)
                             .count();
    console << "kwfp: " << summary.n_steps << " steps in "
            << summary.loop_seconds << " s ("
            << 1e3 * summary.loop_seconds / summary.n_steps << " ms per step), "
            << summary.linear_iterations << " GMRES iterations" << std::endl;
    summary.matvec_seconds = matvec_seconds();
    if (summary.matvec_seconds > 0 && summary.n_steps > 0)
      console << "kwfp: one product with the system matrix takes "
              << 1e3 * summary.matvec_seconds << " ms; a step costs "
              << summary.loop_seconds / summary.n_steps / summary.matvec_seconds
              << " of them" << std::endl;
    if (ts.adaptive)
      console << "kwfp: adaptive dt between " << summary.min_dt << " and "
              << summary.max_dt << ", " << summary.rejected_steps
              << " steps rejected and repeated" << std::endl;
    if (parameters.mesh.flux_corrected)
      console << "kwfp: flux correction changed " << summary.corrected_steps
              << " of " << summary.n_steps << " steps (at most "
              << summary.max_limited_nodes
              << " unknowns limited in one step, BDF2 source scaled by "
              << summary.min_source_scaling << " at least); "
              << summary.low_order_preconditioned_steps
              << " steps needed the low-order preconditioner, "
              << summary.direct_steps << " the direct solver, "
              << summary.low_order_steps << " the low-order scheme alone"
              << std::endl;
    summary.n_dofs        = dof_handler.n_dofs();
    summary.n_cells       = triangulation->n_global_active_cells();
    summary.n_adaptations = adaptation.n_adaptations;
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
    if (parameters.mesh.moving_box)
      {
        console << "kwfp: the box moved " << adaptation.n_box_moves
                << " time(s); the last box is";
        for (unsigned int a = 0; a < dim; ++a)
          console << (a == 0 ? " [" : " x [") << box_lower[a] << ", "
                  << box_upper[a] << "]";
        console << std::endl;
      }
    if (parameters.mesh.adaptive)
      console << "kwfp: " << adaptation.n_adaptations
              << " mesh adaptations, at most " << summary.max_cells
              << " cells, at the end " << summary.n_cells << " cells and "
              << summary.n_dofs
              << " unknowns; largest relative mass change of a transfer "
                 "before rescaling "
              << adaptation.max_mass_defect
              << ", largest negative value set to zero "
              << adaptation.max_clipped << " of the maximum" << std::endl;
    console << "kwfp: smallest nodal density / largest: "
            << summary.min_relative_density << std::endl;
    summary.kl_decay = kl_decay_analysis(summary.kl_samples);
    timer.print_summary();
    return summary;
  }


  template <int dim>
  double
  FokkerPlanckSolver<dim>::matvec_seconds()
  {
    const auto &system_matrix = linear_solver.matrix();
    if (system_matrix.m() == 0 || system_matrix.n_nonzero_elements() == 0)
      return 0;
    constexpr unsigned int n_products = 20;
    // density has the matrix's row layout; step_rhs is the step's scratch
    // vector, free after the loop.
    MPI_Barrier(communicator);
    const auto start = std::chrono::steady_clock::now();
    for (unsigned int i = 0; i < n_products; ++i)
      system_matrix.vmult(step_rhs, density);
    MPI_Barrier(communicator);
    const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
        .count();
    return Utilities::MPI::max(seconds, communicator) / n_products;
  }


  template <int dim>
  void
  FokkerPlanckSolver<dim>::compute_step(const unsigned int step,
                                        const double       dt,
                                        const double       omega,
                                        const double       omega_before,
                                        const DenseMatrix &C_now,
                                        const DenseMatrix &C_old,
                                        RunSummary        &summary,
                                        TrilinosWrappers::MPI::Vector &next)
  {
    const auto &ts = parameters.time_stepping;
    Assert(dt > 0 && std::isfinite(dt), ExcMessage("dt must be positive"));
    Assert(omega >= 0 && omega_before >= 0,
           ExcMessage("the step ratios of BDF2 must be >= 0"));
    AssertDimension(C_now.m(), dim);
    AssertDimension(C_old.m(), dim);
    const bool kalman_wasserstein =
      parameters.diffusion_matrix == DiffusionMatrixType::kalman_wasserstein;
    // Variable-step BDF2 with omega = dt_n / dt_{n-1} (BDF1 for omega = 0):
    //   alpha rho^{n+1} - history = dt f(rho^{n+1}),
    //   alpha = (1 + 2 omega) / (1 + omega),
    //   history = (1 + omega) rho^n - omega^2 / (1 + omega) rho^{n-1};
    // omega = 1 gives 3/2 rho^{n+1} - 2 rho^n + rho^{n-1}/2.
    const bool   bdf2  = omega > 0;
    const double alpha = bdf2 ? (1 + 2 * omega) / (1 + omega) : 1.0;
    // allocated once per mesh (setup_system), not per step
    TrilinosWrappers::MPI::Vector &history = step_history;
    TrilinosWrappers::MPI::Vector &rhs     = step_rhs;
    {
      TimerOutput::Scope scope(timer, "right-hand side");
      if (bdf2)
        {
          history.equ(1 + omega, density);
          history.add(-omega * omega / (1 + omega), old_density);
          // The initial guess of GMRES: rho^{n+1} extrapolated from rho^n,
          // rho^{n-1} and, when it exists, rho^{n-2} (Lagrange weights at
          // t_{n+1} from t_n, t_n - k1, t_n - k1 - k2; k0 = dt).
          if (omega_before > 0)
            {
              const double k0 = 1, k1 = 1 / omega, k2 = k1 / omega_before;
              next.equ((k0 + k1) * (k0 + k1 + k2) / (k1 * (k1 + k2)), density);
              next.add(-k0 * (k0 + k1 + k2) / (k1 * k2), old_density);
              next.add(k0 * (k0 + k1) / ((k1 + k2) * k2), older_density);
            }
          else
            {
              next.equ(1 + omega, density);
              next.add(-omega, old_density);
            }
        }
      else
        {
          history = density;
          next    = density;
        }
      kw_operator.mass_matrix().vmult(rhs, history);
      rhs /= dt;
    }

    // C at t_{n+1}: lagged for BDF1, linearly extrapolated for BDF2.
    DenseMatrix C = C_now;
    if (bdf2 && kalman_wasserstein)
      {
        DenseMatrix extrapolated(C_now);
        extrapolated *= 1 + omega;
        extrapolated.add(-omega, C_old);
        try
          {
            cholesky_factor(extrapolated);
            C = extrapolated;
          }
        catch (const std::domain_error &)
          {
            // Not SPD (C changes too fast for dt): keep C^n.
          }
      }

    bool       low_order_only      = false;
    const auto take_low_order_step = [&]() {
      TimerOutput::Scope scope(timer, "flux correction");
      summary.linear_iterations += flux_correction.low_order_step(
        dt,
        density,
        C,
        parameters.linear_solver.relative_tolerance,
        parameters.linear_solver.max_iterations,
        next);
      low_order_only = true;
      ++summary.low_order_steps;
    };
    for (unsigned int iteration = 1;; ++iteration)
      {
        if (parameters.mesh.low_order_scheme)
          take_low_order_step();
        else
          {
            typename StepLinearSolver<dim>::Statistics solve;
            const bool solved = linear_solver.solve(
              alpha / dt, C, rhs, next, density, step, solve);
            summary.linear_iterations += solve.iterations;
            summary.low_order_preconditioned_steps +=
              solve.low_order_preconditioned;
            summary.direct_steps += solve.direct;
            if (!solve.failure.empty() && solve.low_order_preconditioned &&
                summary.low_order_preconditioned_steps == 1)
              console << "kwfp: step " << step << ": " << solve.failure
                      << "; this and such later steps precondition GMRES "
                         "with ILU(0) of the low-order M-matrix"
                      << std::endl;
            if (!solved)
              {
                // Every solver failed (flux correction only): a smaller
                // step when the step is adaptive, else the positive
                // low-order step alone.
                if (ts.adaptive && dt > ts.minimum_time_step * (1 + 1e-12))
                  throw StepSolveFailure(solve.failure);
                take_low_order_step();
                if (summary.low_order_steps == 1)
                  console << "kwfp: step " << step << ": " << solve.failure
                          << "; this and such later steps use the low-order "
                             "(first-order, positive) scheme"
                          << std::endl;
              }
          }
        if (!(ts.implicit_covariance && kalman_wasserstein))
          break;
        // The moments weigh the hanging nodes too: give them their values.
        constraints.distribute(next);
        Moments m_next;
        {
          TimerOutput::Scope scope(timer, "moments and C");
          m_next = moment_functionals.compute(next);
        }
        if (!std::isfinite(m_next.mass) || !(m_next.mass > 0))
          throw RunFailure("the density became NaN, infinite or of "
                           "non-positive mass in the C iteration of step " +
                           std::to_string(step));
        // Converged: keep C as it is, the C of the solve that produced
        // `next`, so that the flux correction below rebuilds the step from
        // the same operator A(C) (with C(rho^{n+1}) instead, even unlimited
        // fluxes would not give back rho^H).
        const double change = frobenius_distance(m_next.covariance, C);
        if (change <=
            ts.implicit_tolerance * m_next.covariance.frobenius_norm())
          break;
        C = m_next.covariance;
        if (iteration >= ts.max_implicit_iterations)
          {
            std::ostringstream message;
            message << "the fixed-point iteration in C did not converge in "
                    << iteration << " iterations at step " << step
                    << " (last change " << change
                    << "); raise 'Time stepping/Maximum implicit iterations' "
                       "or lower 'Time stepping/Time step'";
            throw RunFailure(message.str());
          }
      }

    // Hanging nodes take the values their constraints give them.
    constraints.distribute(next);
    if (parameters.mesh.flux_corrected && !low_order_only)
      {
        TimerOutput::Scope scope(timer, "flux correction");
        history /= dt; // b in rhodot = a rho - b
        const auto statistics =
          flux_correction.correct(dt,
                                  alpha / dt,
                                  history,
                                  density,
                                  C,
                                  parameters.linear_solver.relative_tolerance,
                                  parameters.linear_solver.max_iterations,
                                  next);
        summary.linear_iterations += statistics.iterations;
        summary.corrected_steps += statistics.corrected;
        summary.max_limited_nodes =
          std::max(summary.max_limited_nodes, statistics.limited_nodes);
        summary.min_source_scaling =
          std::min(summary.min_source_scaling, statistics.source_scaling);
        summary.max_correction_residual =
          std::max(summary.max_correction_residual,
                   statistics.galerkin_residual);
        constraints.distribute(next);
      }
  }


  template <int dim>
  double
  FokkerPlanckSolver<dim>::moment_error_estimate(
    const Moments                &next,
    const std::array<Moments, 3> &history,
    const double                  h,
    const double                  k,
    const double                  k2) const
  {
    Assert(h > 0 && k > 0 && k2 > 0,
           ExcMessage("the error estimate needs three positive steps"));
    // The local error of variable-step BDF2 (see local_error_estimate) of
    // the mean and the covariance, each entry relative to the standard
    // deviations: |e(m_a)| / sqrt(C_aa), |e(C_ab)| / sqrt(C_aa C_bb). Unlike
    // the L1 norm of the density this does not see the limiter's switching
    // in steep fronts, which is not smooth in time.
    const double omega  = h / k;
    const double factor = h * h * (h + k) * (1 + omega) / (1 + 2 * omega);
    const auto   dd3 =
      [&](const double y0, const double y1, const double y2, const double y3) {
        const double d10 = (y0 - y1) / h, d21 = (y1 - y2) / k,
                     d32 = (y2 - y3) / k2;
        return ((d10 - d21) / (h + k) - (d21 - d32) / (k + k2)) / (h + k + k2);
      };
    const DenseMatrix &C = next.covariance;
    double             e = 0;
    for (unsigned int a = 0; a < dim; ++a)
      {
        e = std::max(e,
                     std::abs(factor * dd3(next.mean[a],
                                           history[0].mean[a],
                                           history[1].mean[a],
                                           history[2].mean[a])) /
                       std::sqrt(C(a, a)));
        for (unsigned int b = a; b < dim; ++b)
          e = std::max(e,
                       std::abs(factor * dd3(C(a, b),
                                             history[0].covariance(a, b),
                                             history[1].covariance(a, b),
                                             history[2].covariance(a, b))) /
                         std::sqrt(C(a, a) * C(b, b)));
      }
    return e;
  }


  template <int dim>
  double
  FokkerPlanckSolver<dim>::local_error_estimate(
    const TrilinosWrappers::MPI::Vector &next,
    const double                         h,
    const double                         k,
    const double                         k2) const
  {
    // The local truncation error of variable-step BDF2 (h = t_{n+1} - t_n,
    // k = t_n - t_{n-1}, omega = h/k) is, by Taylor expansion,
    //   rho(t_{n+1}) - rho^{n+1} ~ h^2 (h + k) (1 + omega) /
    //                              (6 (1 + 2 omega)) d^3 rho / dt^3,
    // with d^3 rho / dt^3 ~ 6 rho[t_{n+1}, t_n, t_{n-1}, t_{n-2}] (third
    // divided difference, k2 = t_{n-1} - t_{n-2}). Its L1 norm is taken
    // with the lumped mass as quadrature.
    const double omega  = h / k;
    const double factor = h * h * (h + k) * (1 + omega) / (1 + 2 * omega);
    double       local  = 0;
    for (const auto i : owned_dofs)
      {
        const double d10 = (next[i] - density[i]) / h;
        const double d21 = (density[i] - old_density[i]) / k;
        const double d32 = (old_density[i] - older_density[i]) / k2;
        const double dd3 =
          ((d10 - d21) / (h + k) - (d21 - d32) / (k + k2)) / (h + k + k2);
        local += std::abs(lumped_mass[i]) * std::abs(factor * dd3);
      }
    return Utilities::MPI::sum(local, communicator);
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
  KlDecaySummary
  FokkerPlanckSolver<dim>::kl_decay_analysis(
    const std::vector<KlDecaySample> &history) const
  {
    // lambda: the smallest eigenvalue of the constant Hessian of a quadratic
    // Phi_R (alpha per step is in the samples)
    double lambda = std::numeric_limits<double>::quiet_NaN();
    if (const auto stationary = potential->stationary_gaussian())
      lambda = 1 / eigenvalue_range(stationary->covariance()).second;
    const auto &c         = parameters.comparison;
    const bool  is_writer = Utilities::MPI::this_mpi_process(communicator) == 0;
    const KlDecaySummary k =
      analyse_kl_decay(history,
                       c.decay_fit_begin,
                       std::min(c.decay_fit_end, history.back().time),
                       lambda,
                       parameters.output.directory + "/kl_decay.csv",
                       is_writer);
    console << "kwfp: KL decay over t in [" << c.decay_fit_begin << ", "
            << std::min(c.decay_fit_end, history.back().time)
            << "]: fitted rate " << k.fitted_rate << ", exact " << k.exact_rate
            << ", Proposition 2 bound " << k.bound_rate
            << "; largest relative dissipation defect " << k.max_relative_defect
            << " (step " << k.max_defect_step << ")" << std::endl;
    if (!std::isfinite(k.fitted_rate))
      console << "kwfp: note: fewer than 3 steps in 'Comparison/Decay fit "
                 "window', so no rate was fitted (NaN in kl_decay.csv)"
              << std::endl;
    return k;
  }


  template class FokkerPlanckSolver<1>;
  template class FokkerPlanckSolver<2>;
  template class FokkerPlanckSolver<3>;
} // namespace kwfp
