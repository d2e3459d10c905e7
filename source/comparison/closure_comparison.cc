#include <kwfp/comparison/closure_comparison.h>
#include <kwfp/comparison/density_metrics.h>
#include <kwfp/output/csv_rows.h>

#include <deal.II/base/mpi.h>

#include <cmath>
#include <vector>

namespace kwfp
{
  template <int dim>
  ClosureComparison<dim>::ClosureComparison(
    const FokkerPlanckParameters &parameters,
    GaussianClosureSolver        &closure,
    const MPI_Comm                communicator)
    : directory(parameters.output.directory)
    , closure(closure)
    , communicator(communicator)
  {}


  template <int dim>
  void
  ClosureComparison<dim>::open(const std::optional<std::uint64_t> &resume_rows)
  {
    opened = true;
    if (dealii::Utilities::MPI::this_mpi_process(communicator) != 0)
      return;
    open_csv(csv,
             directory + "/closure_comparison.csv",
             "time,mean_difference,cov_difference,kl_fe_closure,"
             "kl_closure_fe,l1_fe_closure,hellinger_fe_closure,"
             "kl_moments_closure,w2_moments_closure",
             resume_rows);
  }


  template <int dim>
  void
  ClosureComparison<dim>::execute(FieldObservation<dim> &observation)
  {
    if (!opened)
      open(std::nullopt);
    if (observation.time > closure.current_time())
      closure.advance_to(observation.time);
    const Gaussian q = closure.current_gaussian();

    const auto &points = observation.diagnostics->quadrature_points();
    const std::vector<double> p =
      observation.diagnostics->values(*observation.density);
    std::vector<double> q_values(points.size());
    for (std::size_t k = 0; k < points.size(); ++k)
      {
        double u[dim];
        for (unsigned int a = 0; a < dim; ++a)
          u[a] = points[k][a];
        q_values[k] = std::exp(
          closure.log_density(dealii::ArrayView<const double>(u, dim)));
      }
    const DensityMetrics metrics = density_metrics(
      p, q_values, observation.diagnostics->quadrature_weights(), communicator);
    const Gaussian          moments(observation.mean, observation.covariance);
    const GaussianDistances g = gaussian_distances(moments, q);
    DenseVector             dm(observation.mean);
    dm -= q.mean();
    ++n_rows;
    if (dealii::Utilities::MPI::this_mpi_process(communicator) != 0)
      return;
    write_csv_number(csv, observation.time, false);
    write_csv_number(csv, dm.l2_norm());
    write_csv_number(csv,
                     frobenius_distance(observation.covariance,
                                        q.covariance()));
    write_csv_number(csv, metrics.kl_pq);
    write_csv_number(csv, metrics.kl_qp);
    write_csv_number(csv, metrics.l1);
    write_csv_number(csv, metrics.hellinger);
    write_csv_number(csv, g.kl_pq);
    write_csv_number(csv, g.w2);
    csv << '\n' << std::flush;
  }


  template <int dim>
  void
  ClosureComparison<dim>::save(CheckpointWriter &out) const
  {
    closure.save(out);
    out.io(n_rows);
  }


  template <int dim>
  void
  ClosureComparison<dim>::load(CheckpointReader &in)
  {
    closure.resume(in);
    in.io(n_rows);
    open(n_rows);
  }


  template class ClosureComparison<1>;
  template class ClosureComparison<2>;
  template class ClosureComparison<3>;
} // namespace kwfp
