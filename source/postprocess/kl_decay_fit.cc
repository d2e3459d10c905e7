#include <kwfp/base/dense_algebra.h>
#include <kwfp/postprocess/end_of_run_files.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kwfp
{
  template <int dim>
  KlDecayFit<dim>::KlDecayFit(const PostprocessorSettings &settings)
    : EndOfRunPostprocessor<dim>("KL decay", settings)
  {}


  template <int dim>
  void
  KlDecayFit<dim>::finish(RunEnd<dim> &end)
  {
    const PostprocessorSettings &s = this->settings;
    Assert(end.summary != nullptr && !end.summary->kl_samples.empty(),
           dealii::ExcMessage("RunEnd without KL samples"));
    const std::vector<KlDecaySample> &samples = end.summary->kl_samples;
    // lambda: the smallest eigenvalue of the constant Hessian of a quadratic
    // Phi_R (alpha per step is in the samples)
    double lambda = std::numeric_limits<double>::quiet_NaN();
    if (s.stationary_gaussian)
      lambda = 1 / eigenvalue_range(s.stationary_gaussian->covariance()).second;
    const double begin   = s.decay_fit_begin;
    const double fit_end = std::min(s.decay_fit_end, samples.back().time);
    const KlDecaySummary k =
      analyse_kl_decay(samples,
                       begin,
                       fit_end,
                       lambda,
                       s.output_directory + "/kl_decay.csv",
                       dealii::Utilities::MPI::this_mpi_process(
                         s.communicator) == 0);
    end.summary->kl_decay = k;
    if (!s.console)
      return;
    *s.console << "kwfp: KL decay over t in [" << begin << ", " << fit_end
               << "]: fitted rate " << k.fitted_rate << ", exact "
               << k.exact_rate << ", Proposition 2 bound " << k.bound_rate
               << "; largest relative dissipation defect "
               << k.max_relative_defect << " (step " << k.max_defect_step << ")"
               << std::endl;
    if (!std::isfinite(k.fitted_rate))
      *s.console << "kwfp: note: fewer than 3 steps in 'Comparison/Decay fit "
                    "window', so no rate was fitted (NaN in kl_decay.csv)"
                 << std::endl;
  }


  template struct KlDecayFit<1>;
  template struct KlDecayFit<2>;
  template struct KlDecayFit<3>;
} // namespace kwfp
