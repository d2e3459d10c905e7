#include <kwfp/base/errors.h>
#include <kwfp/base/interruption.h>
#include <kwfp/gaussian_closure/gaussian_closure_solver.h>
#include <kwfp/gaussian_closure/mixture_closure_model.h>
#include <kwfp/model/initial_density.h>
#include <kwfp/output/csv_rows.h>
#include <kwfp/output/diagnostics_csv.h>
#include <kwfp/output/output_directory.h>
#include <kwfp/potential/expression_potential.h>
#include <kwfp/potential/inverse_problem_potential.h>
#include <kwfp/potential/potential_factory.h>

#include <deal.II/base/mpi.h>

#include <cmath>
#include <tuple>

namespace kwfp
{
  namespace
  {
    /// The initial Gaussian of @p p: rho_0 itself, or the Gaussian with
    /// the moments of a product density.
    Gaussian
    initial_gaussian(const InitialDensityParameters &p, const unsigned int d)
    {
      if (p.type != InitialDensityType::gaussian &&
          p.type != InitialDensityType::product)
        throw InputError("Initial density/Type",
                         "the Gaussian closure starts from a Gaussian: "
                         "'gaussian', or 'product' (the Gaussian with its "
                         "mean and covariance)");
      const InitialDensity rho_0(p, d);
      if (rho_0.gaussian())
        return *rho_0.gaussian();
      const auto moments = rho_0.moments();
      if (!moments)
        throw InputError("Initial density/Type",
                         "the initial density has no mean and covariance");
      return Gaussian(moments->first, moments->second);
    }


    std::string
    cubature_description(const GaussianClosureParameters &p,
                         const unsigned int               n_nodes)
    {
      std::string s = cubature_selection().name(p.cubature);
      if (p.cubature == CubatureType::gauss_hermite)
        s += " (" + std::to_string(p.gauss_hermite_points) + " per axis)";
      if (p.cubature == CubatureType::smolyak)
        s += " (level " + std::to_string(p.smolyak_level) + ")";
      return s + ", " + std::to_string(n_nodes) + " nodes, " +
             expectation_form_selection().name(p.form) + " form";
    }

    /**
     * Where a user's gradient is compared with differences of Phi_R
     * (check_gradient_against_differences()): the mean of every initial
     * component and a point half a standard deviation from it in every
     * coordinate, with alternating signs, so that a gradient that is wrong
     * only away from the mean (2 x for x) is caught too; the cubature
     * evaluates the potential about there.
     */
    std::vector<std::vector<double>>
    gradient_check_points(const std::vector<ClosureState> &components)
    {
      std::vector<std::vector<double>> points;
      for (const ClosureState &c : components)
        {
          const unsigned int  d = c.mean.size();
          std::vector<double> mean(d), shifted(d);
          for (unsigned int a = 0; a < d; ++a)
            {
              mean[a]    = c.mean[a];
              shifted[a] = c.mean[a] + (a % 2 == 0 ? 0.5 : -0.5) *
                                         std::sqrt(c.covariance(a, a));
            }
          points.push_back(mean);
          points.push_back(shifted);
        }
      return points;
    }
  } // namespace


  GaussianClosureSolver::GaussianClosureSolver(
    const GaussianClosureSolverParameters &parameters,
    const std::string                     &parameters_text,
    const MPI_Comm                         communicator,
    std::ostream                          &out)
    : parameters(parameters)
    , parameters_text(parameters_text)
    , communicator(communicator)
    , console(out, dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
    , potential(create_potential(parameters.potential, parameters.dimension))
    , is_writer(dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
  {
    const unsigned int d = parameters.dimension;
    if (potential->dimension() != d)
      throw InputError("Dimension",
                       "the potential has dimension " +
                         std::to_string(potential->dimension()) + ", not " +
                         std::to_string(d));
    if (parameters.closure.form == ExpectationForm::hessian &&
        !potential->has_hessian())
      throw InputError("Gaussian closure/Expectation form",
                       "'Hessian' needs a potential with a Hessian; '" +
                         potential->description() +
                         "' has none: use 'gradient' or 'derivative-free'");
    if (parameters.closure.form == ExpectationForm::kalman &&
        !dynamic_cast<const InverseProblemPotential *>(potential.get()))
      throw InputError("Gaussian closure/Expectation form",
                       "'Kalman' evaluates the forward map G of an inverse "
                       "problem ('Potential/Type = inverse problem'); '" +
                         potential->description() +
                         "' is not one: use 'gradient', 'Hessian' or "
                         "'derivative-free'");
    if (parameters.closure.form == ExpectationForm::kalman &&
        !parameters.closure.mixture_weights.empty())
      throw InputError("Gaussian closure/Expectation form",
                       "'Kalman' is for one Gaussian: a mixture's component "
                       "moves by the gradient of ln(p / pi), which is not a "
                       "function of G alone (leave 'Mixture weights' empty)");
    const auto               &closure = parameters.closure;
    std::vector<ClosureState> initial;
    if (closure.mixture_weights.empty())
      {
        const Gaussian g = initial_gaussian(parameters.initial_density, d);
        initial.push_back(
          ClosureState::from_covariance(g.mean(), g.covariance()));
        expectation =
          std::make_unique<GaussianExpectation>(*potential,
                                                make_cubature(closure, d),
                                                closure.form);
        model   = std::make_unique<GaussianClosureModel>(*expectation);
        weights = {1.0};
        const auto stationary = potential->stationary_gaussian();
        if (stationary &&
            parameters.initial_density.type == InitialDensityType::gaussian)
          closed_form.emplace(g,
                              *stationary,
                              DiffusionMatrixType::kalman_wasserstein);
      }
    else
      {
        for (unsigned int k = 0; k < closure.mixture_weights.size(); ++k)
          {
            DenseVector m(d);
            for (unsigned int a = 0; a < d; ++a)
              m[a] = closure.mixture_means(k, a);
            initial.push_back(
              ClosureState::from_covariance(m, closure.mixture_covariances[k]));
          }
        auto mixture =
          std::make_unique<MixtureClosureModel>(*potential,
                                                closure.mixture_weights,
                                                make_cubature(closure, d),
                                                closure.form,
                                                closure.weight_flow);
        weights = mixture->weights();
        model   = std::move(mixture);
      }
    if (parameters.potential.type == PotentialType::expression)
      check_gradient_against_differences(*potential,
                                         gradient_check_points(initial),
                                         "Potential/Expression/Gradient");
    integration = std::make_unique<ClosureIntegrator>(*model,
                                                      closure.step_control,
                                                      initial);
  }


  std::string
  GaussianClosureSolver::header() const
  {
    const unsigned int d = parameters.dimension;
    std::string        h = "step,time,dt" + moment_columns(d) + ",free_energy" +
                    (closed_form ? ",mean_error,cov_error" : "");
    if (weights.size() > 1)
      for (unsigned int k = 0; k < weights.size(); ++k)
        {
          std::string block =
            (model->weights_evolve() ? ",weight" : "") + moment_columns(d);
          const std::string prefix =
            ",component_" + std::to_string(k + 1) + "_";
          for (std::size_t i = 0; (i = block.find(',', i)) != std::string::npos;
               i += prefix.size())
            block.replace(i, 1, prefix);
          h += block;
        }
    return h;
  }


  void
  GaussianClosureSolver::start()
  {
    prepare_output_directory(parameters.output.directory,
                             parameters_text,
                             communicator);
    if (is_writer)
      open_csv(csv,
               parameters.output.directory + "/gaussian.csv",
               header(),
               std::nullopt);
    const auto &c = parameters.closure.step_control;
    console << "kwfp: Gaussian "
            << (weights.size() > 1 ?
                  "mixture closure, K = " + std::to_string(weights.size()) :
                  std::string("closure"))
            << ": d = " << parameters.dimension << ", "
            << cubature_description(
                 parameters.closure,
                 make_cubature(parameters.closure, parameters.dimension).size())
            << ", ROS2 "
            << (c.adaptive ? "adaptive, tolerance " : "fixed dt = ")
            << (c.adaptive ? c.tolerance : c.time_step)
            << ", to T = " << parameters.final_time
            << "\n      Phi_R: " << potential->description() << std::endl;
    started = true;
    write_row();
  }


  void
  GaussianClosureSolver::write_row()
  {
    last_row_step = integration->n_steps();
    ++n_rows;
    if (!is_writer)
      return;
    const ClosureState &s = integration->state();
    csv << integration->n_steps();
    write_csv_number(csv, integration->time());
    write_csv_number(csv,
                     integration->n_steps() > 0 ? integration->last_step() : 0);
    const auto [mean, covariance] = moments();
    write_csv_moments(csv, mean, covariance);
    write_csv_number(csv, integration->free_energy());
    if (closed_form)
      {
        const Gaussian exact = closed_form->at(integration->time());
        DenseVector    dm(s.mean);
        dm -= exact.mean();
        write_csv_number(csv, dm.l2_norm());
        write_csv_number(csv,
                         frobenius_distance(s.covariance, exact.covariance()));
      }
    if (weights.size() > 1)
      for (const ClosureState &c : integration->states())
        {
          if (model->weights_evolve())
            write_csv_number(csv, c.weight);
          write_csv_moments(csv, c.mean, c.covariance);
        }
    csv << '\n' << std::flush;
  }


  void
  GaussianClosureSolver::advance_to(const double        time,
                                    const bool          stop_on_signal,
                                    CheckpointSchedule *checkpoints)
  {
    if (!started)
      throw std::logic_error("GaussianClosureSolver: advance_to before start");
    const auto begin      = std::chrono::steady_clock::now();
    const auto after_step = [this, time, checkpoints]() {
      if (integration->n_steps() - last_row_step >=
          parameters.closure.output_interval)
        write_row();
      // after the row, so that a resumed run has it (the last row of a run
      // is finish()'s, which the checkpoint must not count)
      if (checkpoints && integration->time() < time &&
          checkpoints->due(integration->n_steps(), communicator))
        {
          write_checkpoint_now();
          checkpoints->written();
        }
    };
    if (stop_on_signal)
      integration->advance_to(time, after_step, [this]() {
        return interruption_signal(communicator) != 0;
      });
    else
      integration->advance_to(time, after_step);
    loop_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - begin)
        .count();
  }


  GaussianClosureRunSummary
  GaussianClosureSolver::finish()
  {
    if (integration->n_steps() != last_row_step)
      write_row();
    GaussianClosureRunSummary summary;
    summary.n_steps                            = integration->n_steps();
    summary.n_rejected                         = integration->n_rejected();
    summary.n_evaluations                      = integration->n_evaluations();
    summary.final_time                         = integration->time();
    summary.loop_seconds                       = loop_seconds;
    std::tie(summary.mean, summary.covariance) = moments();
    summary.free_energy                        = integration->free_energy();
    console << "kwfp: Gaussian closure: " << summary.n_steps << " steps ("
            << summary.n_rejected << " rejected) to t = " << summary.final_time
            << ", " << summary.n_evaluations << " evaluations of Phi_R, "
            << summary.loop_seconds << " s"
            << (summary.n_steps > 0 ?
                  " (" +
                    std::to_string(1e6 * summary.loop_seconds /
                                   summary.n_steps) +
                    " us per step)" :
                  std::string())
            << "; free energy " << summary.free_energy << std::endl;
    if (is_writer)
      csv.close();
    return summary;
  }


  GaussianClosureRunSummary
  GaussianClosureSolver::run(const bool resume_run, const bool own_checkpoint)
  {
    if (resume_run)
      {
        read_shared_checkpoint(
          parameters.output.directory,
          make_checkpoint_header("Gaussian closure",
                                 parameters.dimension,
                                 parameters_text,
                                 communicator),
          [this](CheckpointReader &in) { resume(in); },
          communicator);
        console << "kwfp: Gaussian closure resumed from the checkpoint at "
                   "step "
                << integration->n_steps() << ", t = " << integration->time()
                << std::endl;
      }
    else
      start();
    // alone, it stops on SIGINT/SIGTERM (beside the finite elements, their
    // time loop does) and writes its periodic checkpoints
    std::optional<CheckpointSchedule> schedule;
    if (own_checkpoint)
      schedule.emplace(parameters.output.checkpoint_interval,
                       parameters.output.checkpoint_minutes);
    advance_to(parameters.final_time, true, schedule ? &*schedule : nullptr);
    const bool interrupted = integration->time() < parameters.final_time;
    // the checkpoint before the last row that finish() writes, which a
    // resumed run cuts off (the rows as if there was no interruption)
    if (interrupted && own_checkpoint)
      write_checkpoint_now();
    GaussianClosureRunSummary summary = finish();
    summary.interrupted               = interrupted;
    return summary;
  }


  void
  GaussianClosureSolver::write_checkpoint_now() const
  {
    CheckpointWriter out;
    save(out);
    write_checkpoint(parameters.output.directory,
                     make_checkpoint_header("Gaussian closure",
                                            parameters.dimension,
                                            parameters_text,
                                            communicator),
                     out.bytes,
                     std::string(),
                     communicator);
  }


  double
  GaussianClosureSolver::current_time() const
  {
    return integration->time();
  }


  Gaussian
  GaussianClosureSolver::current_gaussian() const
  {
    const auto [mean, covariance] = moments();
    return Gaussian(mean, covariance);
  }


  std::pair<DenseVector, DenseMatrix>
  GaussianClosureSolver::moments() const
  {
    if (weights.size() == 1)
      return {integration->state().mean, integration->state().covariance};
    return mixture_moments(current_weights(), integration->states());
  }


  std::vector<double>
  GaussianClosureSolver::current_weights() const
  {
    std::vector<double> w;
    for (const ClosureState &s : integration->states())
      w.push_back(s.weight);
    return w;
  }


  double
  GaussianClosureSolver::log_density(
    const dealii::ArrayView<const double> &u) const
  {
    return mixture_log_density(current_weights(), integration->states(), u);
  }


  const ClosureIntegrator &
  GaussianClosureSolver::integrator() const
  {
    return *integration;
  }


  void
  GaussianClosureSolver::save(CheckpointWriter &out) const
  {
    integration->save(out);
    out.io(n_rows);
    out.io(last_row_step);
    out.io(loop_seconds);
    if (closed_form)
      closed_form->transfer(out);
  }


  void
  GaussianClosureSolver::resume(CheckpointReader &in)
  {
    integration->load(in);
    in.io(n_rows);
    in.io(last_row_step);
    in.io(loop_seconds);
    if (closed_form)
      closed_form->transfer(in);
    if (is_writer)
      open_csv(csv,
               parameters.output.directory + "/gaussian.csv",
               header(),
               n_rows);
    started = true;
  }
} // namespace kwfp
