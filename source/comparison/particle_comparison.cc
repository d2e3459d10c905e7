#include <kwfp/base/errors.h>
#include <kwfp/comparison/particle_comparison.h>
#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>

#include <deal.II/base/mpi.h>
#include <deal.II/dofs/dof_tools.h>
#include <deal.II/fe/mapping_q1.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

namespace kwfp
{
  namespace
  {
    const char *pair_names[3] = {"fe_particles", "fe_exact", "particles_exact"};
    const char *metric_names[9] = {"l1",
                                   "l2",
                                   "hellinger",
                                   "kl",
                                   "kl_reverse",
                                   "symkl",
                                   "gaussian_kl",
                                   "gaussian_kl_reverse",
                                   "gaussian_w2"};
  } // namespace


  template <int dim>
  ParticleComparison<dim>::ParticleComparison(
    const FokkerPlanckParameters &parameters,
    const ParticleSolver         &particles,
    const MPI_Comm                communicator)
    : parameters(parameters)
    , particles(particles)
    , communicator(communicator)
    , rule(parse_bandwidth_rule(parameters.comparison.bandwidth_rule))
  {}


  template <int dim>
  void
  ParticleComparison<dim>::write_header(
    const bool                          has_exact,
    const std::optional<std::uint64_t> &resume_rows)
  {
    if (dealii::Utilities::MPI::this_mpi_process(communicator) != 0)
      return;
    std::string header = "time,n_particles,bandwidth,kde_l1_bound,log_floor";
    for (unsigned int p = 0; p < (has_exact ? 3u : 1u); ++p)
      for (const char *m : metric_names)
        header += std::string(",") + pair_names[p] + "_" + m;
    header += ",fe_kl_stationary,particles_kl_stationary";
    open_csv(csv,
             parameters.output.directory + "/comparison.csv",
             header,
             resume_rows);
  }


  template <int dim>
  void
  ParticleComparison<dim>::save(CheckpointWriter &out) const
  {
    out.io(header_written);
    out.io(header_has_exact);
    out.io(n_rows);
    out.io(n_snapshots);
  }


  template <int dim>
  void
  ParticleComparison<dim>::load(CheckpointReader &in)
  {
    in.io(header_written);
    in.io(header_has_exact);
    in.io(n_rows);
    in.io(n_snapshots);
    if (header_written)
      write_header(header_has_exact, n_rows);
  }


  template <int dim>
  void
  ParticleComparison<dim>::execute(FieldObservation<dim> &observation)
  {
    // ParticleCoupling advanced the particles to the observation's time.
    Assert(std::abs(particles.current_time() - observation.time) <=
             1e-9 * std::max(1., observation.time),
           dealii::ExcMessage(
             "the particles are not at the time of the observation"));
    const DenseMatrix           U = particles.ensemble().gather();
    const KernelDensityEstimate kde(U, rule);

    const auto &points = observation.diagnostics->quadrature_points();
    const auto &JxW    = observation.diagnostics->quadrature_weights();
    const std::vector<double> fe =
      observation.diagnostics->values(*observation.density);
    const std::vector<double> stationary =
      observation.diagnostics->stationary_values();
    std::vector<double> kde_values(points.size()), exact_values;
    for (std::size_t k = 0; k < points.size(); ++k)
      kde_values[k] = kde.value(&points[k][0]);
    const bool has_exact = observation.exact.has_value();
    if (has_exact)
      {
        exact_values.resize(points.size());
        for (std::size_t k = 0; k < points.size(); ++k)
          exact_values[k] = observation.exact->density(
            dealii::ArrayView<const double>(&points[k][0], dim));
      }
    if (!header_written)
      {
        write_header(has_exact, {});
        header_written   = true;
        header_has_exact = has_exact;
      }
    const double floor =
      log_floor({&fe, &kde_values, &stationary}, communicator);

    // moments of the ensemble, for the Gaussian distances
    const EnsembleMoments ensemble = particles.ensemble().moments();
    const Gaussian        fe_gaussian(observation.mean, observation.covariance);
    const Gaussian        particle_gaussian(ensemble.mean, ensemble.covariance);

    std::vector<double> row;
    const auto          add_pair = [&](const std::vector<double> &p,
                              const std::vector<double> &q,
                              const Gaussian            &gp,
                              const Gaussian            &gq) {
      const DensityMetrics m = density_metrics(p, q, JxW, communicator, floor);
      const GaussianDistances g = gaussian_distances(gp, gq);
      row.insert(row.end(),
                 {m.l1,
                  m.l2,
                  m.hellinger,
                  m.kl_pq,
                  m.kl_qp,
                  m.symkl,
                  g.kl_pq,
                  g.kl_qp,
                  g.w2});
    };
    add_pair(fe, kde_values, fe_gaussian, particle_gaussian);
    if (has_exact)
      {
        add_pair(fe, exact_values, fe_gaussian, *observation.exact);
        add_pair(kde_values,
                 exact_values,
                 particle_gaussian,
                 *observation.exact);
      }
    row.push_back(
      density_metrics(fe, stationary, JxW, communicator, floor).kl_pq);
    row.push_back(
      density_metrics(kde_values, stationary, JxW, communicator, floor).kl_pq);
    ++n_rows;
    if (csv.is_open())
      {
        write_csv_number(csv, observation.time, false);
        csv << ',' << ensemble.n_particles;
        const double bound =
          KernelDensityEstimate::gaussian_l1_error_bound(dim,
                                                         ensemble.n_particles,
                                                         kde.bandwidth());
        for (const double x : {kde.bandwidth(), bound, floor})
          write_csv_number(csv, x);
        for (const double x : row)
          write_csv_number(csv, x);
        csv << '\n' << std::flush;
      }

    set_particle_density(observation, kde, U);
    set_histogram(observation, U);
    observation.nodal_fields.emplace_back("particle_density",
                                          &particle_density);
    observation.cell_fields.emplace_back("particle_histogram", &histogram);
  }


  template <int dim>
  void
  ParticleComparison<dim>::set_particle_density(
    const FieldObservation<dim> &observation,
    const KernelDensityEstimate &kde,
    const DenseMatrix           &U)
  {
    // the particle density at the nodes
    const auto      &dof_handler = *observation.dof_handler;
    const auto       owned       = dof_handler.locally_owned_dofs();
    dealii::IndexSet relevant;
    dealii::DoFTools::extract_locally_relevant_dofs(dof_handler, relevant);
    std::map<dealii::types::global_dof_index, dealii::Point<dim>> support;
    dealii::DoFTools::map_dofs_to_support_points(dealii::MappingQ1<dim>(),
                                                 dof_handler,
                                                 support);
    dealii::TrilinosWrappers::MPI::Vector values(owned, communicator);
    std::vector<double> snapshot; // x, y, FE density, particle density
    for (const auto &[index, point] : support)
      if (owned.is_element(index))
        {
          values[index] = kde.value(&point[0]);
          if (dim == 2)
            snapshot.insert(snapshot.end(),
                            {point[0],
                             point[dim - 1],
                             (*observation.density)[index],
                             values[index]});
        }
    values.compress(dealii::VectorOperation::insert);
    particle_density.reinit(owned, relevant, communicator);
    particle_density = values;
    if (dim == 2)
      write_snapshot(snapshot, U, observation.time);
  }


  template <int dim>
  void
  ParticleComparison<dim>::set_histogram(
    const FieldObservation<dim> &observation,
    const DenseMatrix           &U)
  {
    const auto &dof_handler = *observation.dof_handler;
    // the histogram: particles per cell / (J |cell|) on the uniform box mesh
    const auto         &mesh = parameters.mesh;
    std::vector<long>   n_cells(dim);
    std::vector<double> width(dim);
    long                total = 1;
    for (unsigned int a = 0; a < dim; ++a)
      {
        n_cells[a] = mesh.subdivisions[a] << mesh.global_refinements;
        width[a]   = (mesh.upper_corner[a] - mesh.lower_corner[a]) / n_cells[a];
        total *= n_cells[a];
      }
    std::vector<double> counts(total, 0.0);
    const auto          cell_of = [&](const double *x) -> long {
      long index = 0;
      for (int a = dim - 1; a >= 0; --a)
        {
          const long i = static_cast<long>(
            std::floor((x[a] - mesh.lower_corner[a]) / width[a]));
          if (i < 0 || i >= n_cells[a])
            return -1;
          index = index * n_cells[a] + i;
        }
      return index;
    };
    for (unsigned int j = 0; j < U.m(); ++j)
      {
        const long c = cell_of(&U(j, 0));
        if (c >= 0)
          counts[c] += 1;
      }
    double volume = 1;
    for (unsigned int a = 0; a < dim; ++a)
      volume *= width[a];
    const auto &triangulation = dof_handler.get_triangulation();
    histogram.reinit(triangulation.n_active_cells());
    for (const auto &cell : triangulation.active_cell_iterators())
      if (cell->is_locally_owned())
        {
          const auto center = cell->center();
          const long c      = cell_of(&center[0]);
          if (c >= 0)
            histogram[cell->active_cell_index()] = counts[c] / (U.m() * volume);
        }
  }


  template <int dim>
  void
  ParticleComparison<dim>::write_snapshot(const std::vector<double> &local,
                                          const DenseMatrix         &ensemble,
                                          const double               time)
  {
    const auto all = dealii::Utilities::MPI::gather(communicator, local, 0);
    if (dealii::Utilities::MPI::this_mpi_process(communicator) != 0)
      return;
    const std::string directory = parameters.output.directory + "/snapshots";
    std::filesystem::create_directories(directory);
    char name[64];
    std::snprintf(name, sizeof(name), "/density-%05u.csv", n_snapshots);
    char buffer[96];
    write_atomically(directory + name, [&](std::ostream &out) {
      out << "# time = ";
      write_csv_number(out, time, false);
      out << "\nx,y,fe_density,particle_density\n";
      for (const auto &part : all)
        for (std::size_t i = 0; i + 3 < part.size(); i += 4)
          {
            std::snprintf(buffer,
                          sizeof(buffer),
                          "%.9g,%.9g,%.9g,%.9g\n",
                          part[i],
                          part[i + 1],
                          part[i + 2],
                          part[i + 3]);
            out << buffer;
          }
    });
    std::snprintf(name, sizeof(name), "/particles-%05u.csv", n_snapshots);
    write_atomically(directory + name, [&](std::ostream &out) {
      out << "# time = ";
      write_csv_number(out, time, false);
      out << "\nu_1,u_2\n";
      for (unsigned int j = 0; j < ensemble.m(); ++j)
        {
          std::snprintf(buffer,
                        sizeof(buffer),
                        "%.9g,%.9g\n",
                        ensemble(j, 0),
                        ensemble(j, 1));
          out << buffer;
        }
    });
    ++n_snapshots;
  }


  template class ParticleComparison<1>;
  template class ParticleComparison<2>;
  template class ParticleComparison<3>;
} // namespace kwfp
