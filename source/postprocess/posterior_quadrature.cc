#include <kwfp/output/atomic_file.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/postprocess/end_of_run_files.h>

namespace kwfp
{
  template <int dim>
  PosteriorQuadrature<dim>::PosteriorQuadrature(
    const PostprocessorSettings &settings)
    : EndOfRunPostprocessor<dim>("posterior", settings)
  {}


  template <int dim>
  void
  PosteriorQuadrature<dim>::finish(RunEnd<dim> &end)
  {
    const PostprocessorSettings &s = this->settings;
    Assert(end.diagnostics != nullptr && end.summary != nullptr,
           dealii::ExcMessage("RunEnd without diagnostics or summary"));
    double      mass;
    DenseVector mean;
    DenseMatrix covariance;
    end.diagnostics->stationary_moments(mass, mean, covariance);
    end.summary->posterior_mean       = mean;
    end.summary->posterior_covariance = covariance;
    if (dealii::Utilities::MPI::this_mpi_process(s.communicator) == 0)
      write_atomically(s.output_directory + "/posterior.csv",
                       [&](std::ostream &out) {
                         out << "mass" << moment_columns(dim) << '\n';
                         write_csv_number(out, mass, false);
                         write_csv_moments(out, mean, covariance);
                         out << '\n';
                       });
    if (s.console)
      *s.console << "      posterior by quadrature of exp(-Phi_R)/Z: mean "
                 << format_point(std::vector<double>(mean.begin(), mean.end()))
                 << ", covariance " << format_matrix(covariance) << std::endl;
  }


  template struct PosteriorQuadrature<1>;
  template struct PosteriorQuadrature<2>;
  template struct PosteriorQuadrature<3>;
} // namespace kwfp
