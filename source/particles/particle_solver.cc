#include <kwfp/base/errors.h>
#include <kwfp/base/interruption.h>
#include <kwfp/base/memory_need.h>
#include <kwfp/base/time_grid.h>
#include <kwfp/forward_model/external_forward_model.h>
#include <kwfp/model/initial_density.h>
#include <kwfp/output/output_directory.h>
#include <kwfp/output/particle_output.h>
#include <kwfp/particles/initial_ensemble.h>
#include <kwfp/particles/particle_solver.h>
#include <kwfp/potential/expression_potential.h>
#include <kwfp/potential/potential_factory.h>

#include <deal.II/base/mpi.h>
#include <deal.II/lac/lapack_full_matrix.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

namespace kwfp
{
  namespace
  {
    /// J of @p parameters, after check_memory_need():
    /// ParticleSolver::ensemble_memory_need() and 100 MB of libraries.
    std::uint64_t
    ensemble_size_that_fits(const ParticleSolverParameters &parameters,
                            const MPI_Comm                  communicator)
    {
      const std::uint64_t J = parameters.particles.ensemble_size;
      check_memory_need(
        1e8 + ParticleSolver::ensemble_memory_need(J, parameters.dimension),
        communicator,
        "Particles/Ensemble size",
        "the ensemble of " + std::to_string(J) +
          " particles in d = " + std::to_string(parameters.dimension));
      return J;
    }

    /// G(@p point) of @p problem's forward model, evaluated on rank 0 of
    /// @p communicator and broadcast: one call of an external command for
    /// all ranks, and the same values on each (a command that is not
    /// deterministic cannot make them disagree). A failure on rank 0 is
    /// thrown on every rank as the same kind, so that the exit code is
    /// that of the failure (InputError 2, RunFailure 3, anything else 4).
    std::vector<double>
    forward_model_on_rank_0(const InverseProblem                  &problem,
                            const dealii::ArrayView<const double> &point,
                            const MPI_Comm                         communicator)
    {
      enum Kind : int
      {
        none,
        external_command,
        run_failure,
        input_error,
        other
      };
      std::vector<double> G(problem.n_data());
      // the kind, the message (for an InputError the reason) and the
      // parameter of an InputError
      std::tuple<int, std::string, std::string> failure{none, "", ""};
      if (dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
        try
          {
            problem.forward_model().evaluate(point, dealii::make_array_view(G));
          }
        catch (const ExternalCommandFailure &e)
          {
            failure = {external_command, e.what(), ""};
          }
        catch (const RunFailure &e)
          {
            failure = {run_failure, e.what(), ""};
          }
        catch (const InputError &e)
          {
            const std::string prefix = "parameter '" + e.parameter + "': ";
            failure                  = {input_error,
                                        std::string(e.what()).substr(prefix.size()),
                                        e.parameter};
          }
        catch (const dealii::ExceptionBase &e)
          {
            std::ostringstream info;
            e.print_info(info);
            failure = {other, info.str(), ""};
          }
        catch (const std::exception &e)
          {
            failure = {other, e.what(), ""};
          }
      failure = dealii::Utilities::MPI::broadcast(communicator, failure, 0);
      const auto &[kind, message, parameter] = failure;
      switch (kind)
        {
          case external_command:
            throw ExternalCommandFailure(message);
          case run_failure:
            throw RunFailure(message);
          case input_error:
            throw InputError(parameter, message);
          case other:
            throw std::runtime_error(message);
          default:
            return dealii::Utilities::MPI::broadcast(communicator, G, 0);
        }
    }
  } // namespace


  ParticleSolver::ParticleSolver(const ParticleSolverParameters &parameters,
                                 const std::string &parameters_text,
                                 const MPI_Comm     communicator,
                                 std::ostream      &out)
    : parameters(parameters)
    , parameters_text(parameters_text)
    , communicator(communicator)
    , console(out, dealii::Utilities::MPI::this_mpi_process(communicator) == 0)
    , problem(
        create_inverse_problem(parameters.potential, parameters.dimension))
    , potential(create_potential(parameters.potential, parameters.dimension))
    , particles(parameters.dimension,
                ensemble_size_that_fits(parameters, communicator),
                communicator)
  {
    update =
      std::make_unique<EnsembleKalmanUpdate>(parameters.particles.settings,
                                             potential.get(),
                                             problem.get());
    // everything that can be wrong with the input is found before any output
    if (parameters.potential.type == PotentialType::expression)
      {
        // the same check as the finite-element solver, at the initial mean
        std::vector<double> u0(parameters.dimension, 0.0);
        if (parameters.initial_density.type == InitialDensityType::gaussian)
          for (unsigned int i = 0; i < parameters.dimension; ++i)
            u0[i] = parameters.initial_density.mean[i];
        check_gradient_against_differences(*potential,
                                           {u0},
                                           "Potential/Expression/Gradient");
      }
    draw_initial_ensemble(parameters.initial_density,
                          parameters.particles,
                          particles);

    const auto method     = parameters.particles.settings.method;
    const auto stationary = potential->stationary_gaussian();
    if (parameters.initial_density.type == InitialDensityType::gaussian &&
        stationary &&
        (method == ParticleMethod::eks ||
         method == ParticleMethod::eks_gradient ||
         method == ParticleMethod::langevin))
      closed_form.emplace(*InitialDensity(parameters.initial_density,
                                          parameters.dimension)
                             .gaussian(),
                          *stationary,
                          method == ParticleMethod::langevin ?
                            DiffusionMatrixType::wasserstein :
                            DiffusionMatrixType::kalman_wasserstein);
  }


  const Ensemble &
  ParticleSolver::ensemble() const
  {
    return particles;
  }


  void
  ParticleSolver::evaluate(const std::uint64_t step, const double time)
  {
    const unsigned int           d        = parameters.dimension;
    std::vector<ParticleFailure> failures = update->evaluate(particles, state);
    const auto                   n_failed =
      dealii::Utilities::MPI::sum<unsigned long long>(failures.size(),
                                                      communicator);
    if (n_failed == 0)
      return;
    const std::string what =
      uses_forward_model(parameters.particles.settings.method) ?
        "the forward map G" :
        "grad Phi_R";
    if (!parameters.particles.drop_failed)
      {
        // the message of the failed particle with the smallest index
        std::string message;
        if (!failures.empty())
          {
            const ParticleFailure &f = failures.front();
            std::ostringstream     s;
            s.precision(17);
            s << what << " is not finite at particle " << f.index << " = (";
            for (unsigned int i = 0; i < d; ++i)
              s << (i ? ", " : "")
                << particles.blocks()[f.block].positions(f.row, i);
            s << ") at step " << step << ", time " << time << " (" << n_failed
              << " particle(s) failed; 'Particles/On forward failure = "
                 "drop' removes them)";
            message = s.str();
          }
        for (const std::string &m :
             dealii::Utilities::MPI::all_gather(communicator, message))
          if (!m.empty())
            throw RunFailure(m);
      }
    std::vector<std::pair<unsigned int, unsigned int>> rows;
    for (const ParticleFailure &f : failures)
      rows.emplace_back(f.block, f.row);
    particles.remove(rows);
    n_dropped += n_failed;
    const std::uint64_t remaining = particles.initial_size() - n_dropped;
    console << "kwfp: warning: " << what << " is not finite at " << n_failed
            << " particle(s) at step " << step << "; dropped them, "
            << remaining << " left" << std::endl;
    if (remaining < d + 2)
      throw RunFailure("only " + std::to_string(remaining) +
                       " particles are left after dropping those where " +
                       what + " is not finite (step " + std::to_string(step) +
                       "); at least d + 2 = " + std::to_string(d + 2) +
                       " are needed");
    update->evaluate(particles, state);
  }


  void
  ParticleSolver::check_row_is_finite(const ParticlesRow &row)
  {
    // Not phi_r_at_mean and misfit_at_mean: G at the ensemble mean may
    // fail where no particle is (with 'On forward failure = drop' the
    // particles can surround such a region), which is no divergence.
    std::vector<std::pair<std::string, double>> values{
      {"mean_phi_r", row.mean_phi_r},
      {"mean_misfit", row.mean_misfit},
      {"d_norm", row.d_norm},
      {"mean_error", row.mean_error},
      {"cov_error", row.cov_error}};
    for (unsigned int a = 0; a < row.mean.size(); ++a)
      values.emplace_back("mean_" + std::to_string(a + 1), row.mean[a]);
    for (unsigned int a = 0; a < row.covariance.m(); ++a)
      for (unsigned int b = a; b < row.covariance.n(); ++b)
        values.emplace_back("cov_" + std::to_string(a + 1) + "_" +
                              std::to_string(b + 1),
                            row.covariance(a, b));
    for (const auto &[name, value] : values)
      if (!std::isfinite(value))
        {
          std::ostringstream s;
          s << "the ensemble statistic " << name << " became " << value
            << " at step " << row.step << ", time " << row.time
            << " (the particles diverged: the explicit step is too long for "
               "the drift; try a smaller 'Particles/Time step' or the "
               "adaptive step); particles.csv ends at the row before";
          throw RunFailure(s.str());
        }
  }


  void
  ParticleSolver::check_covariance(const std::uint64_t step, const double time)
  {
    const DenseMatrix &C = state.moments.covariance;
    for (const double c : C)
      if (!std::isfinite(c))
        {
          std::ostringstream s;
          s << "the ensemble covariance became NaN or infinite at step " << step
            << ", time " << time
            << " (the explicit step is too long for the drift, or the "
               "particles diverged; try a smaller 'Particles/Time step' or "
               "the adaptive step)";
          throw RunFailure(s.str());
        }
    if (rank_loss_warned)
      return;
    const unsigned int               d = C.m();
    dealii::LAPACKFullMatrix<double> svd(d, d);
    svd = C;
    svd.compute_svd();
    const double largest  = svd.singular_value(0);
    const double smallest = svd.singular_value(d - 1);
    if (!(smallest > 1e-12 * largest))
      {
        rank_loss_warned = true;
        console << "kwfp: warning: the ensemble covariance C(U) has lost rank "
                   "at step "
                << step << ", time " << time << " (eigenvalues from " << largest
                << " down to " << smallest
                << "); the particles now move in a subspace of R^" << d
                << std::endl;
      }
  }


  ParticlesRow
  ParticleSolver::statistics_row(const std::uint64_t               step,
                                 const double                      time,
                                 const double                      dt,
                                 std::vector<std::vector<double>> &phi_r)
  {
    const unsigned int d = parameters.dimension;
    ParticlesRow       row;
    row.step        = step;
    row.time        = time;
    row.dt          = dt;
    row.n_particles = state.moments.n_particles;
    row.mean        = state.moments.mean;
    row.covariance  = state.moments.covariance;
    const dealii::ArrayView<const double> mean(state.moments.mean.begin(), d);
    // G at the mean once (one call of an external forward model per row)
    std::vector<double> G_at_mean;
    if (problem)
      {
        G_at_mean = forward_model_on_rank_0(*problem, mean, communicator);
        row.phi_r_at_mean =
          problem->misfit(dealii::make_array_view(G_at_mean)) +
          problem->prior_term(mean);
      }
    else
      row.phi_r_at_mean = potential->value(mean);

    phi_r = update->potential_values(particles, state);
    const bool forward =
      uses_forward_model(parameters.particles.settings.method);
    const std::vector<std::vector<double>> misfit =
      forward ? update->misfit_values(state) :
                std::vector<std::vector<double>>();
    std::vector<double> block_sums;
    for (unsigned int b = 0; b < phi_r.size(); ++b)
      {
        double s = 0, m = 0;
        for (unsigned int j = 0; j < phi_r[b].size(); ++j)
          {
            s += phi_r[b][j];
            if (forward)
              m += misfit[b][j];
          }
        block_sums.push_back(s);
        block_sums.push_back(m);
      }
    const std::vector<double> sums = particles.sum_over_blocks(block_sums, 2);
    row.mean_phi_r                 = sums[0] / row.n_particles;
    if (forward)
      {
        row.misfit_at_mean =
          problem->misfit(dealii::make_array_view(G_at_mean));
        row.mean_misfit = sums[1] / row.n_particles;
        row.d_norm      = state.D_norm;
      }
    if (closed_form)
      {
        const Gaussian exact = closed_form->at(time);
        row.has_exact        = true;
        double e             = 0;
        for (unsigned int i = 0; i < d; ++i)
          e += std::pow(row.mean[i] - exact.mean()[i], 2);
        row.mean_error = std::sqrt(e);
        row.cov_error  = frobenius_distance(row.covariance, exact.covariance());
      }
    return row;
  }


  void
  ParticleSolver::plan_steps()
  {
    const auto  &p = parameters.particles;
    const double T = parameters.final_time;
    // the end of the run: a number of steps, or the final time
    n_fixed  = p.n_steps;
    dt_fixed = p.time_step;
    if (p.n_steps == 0 && !p.adaptive_time_step)
      {
        const FixedTimeGrid grid(T, p.time_step);
        n_fixed  = grid.n_steps();
        dt_fixed = grid.step();
      }
    status_every = std::max<std::uint64_t>(
      1, (p.n_steps > 0 || !p.adaptive_time_step ? n_fixed : 1000) / 10);
  }


  void
  ParticleSolver::start()
  {
    const auto        &p = parameters.particles;
    const unsigned int d = parameters.dimension;
    const double       T = parameters.final_time;
    prepare_output_directory(parameters.output.directory,
                             parameters_text,
                             communicator);
    const bool is_writer =
      dealii::Utilities::MPI::this_mpi_process(communicator) == 0;
    csv    = std::make_unique<ParticlesCsv>(parameters.output.directory +
                                           "/particles.csv",
                                         d,
                                         uses_forward_model(p.settings.method),
                                         closed_form.has_value(),
                                         is_writer);
    output = std::make_unique<ParticleOutput>(parameters.output.directory,
                                              communicator);
    plan_steps();
    console << "kwfp: particles: " << to_string(p.settings.method)
            << (p.settings.finite_ensemble_correction ? " + ALDI" : "")
            << ", J = " << p.ensemble_size << ", d = " << d << ", "
            << dealii::Utilities::MPI::n_mpi_processes(communicator)
            << " MPI rank(s), "
            << (p.settings.split_step ? "split step (5.4)" : "Euler-Maruyama")
            << (p.adaptive_time_step ? ", adaptive dt_0 = " : ", dt = ")
            << (p.adaptive_time_step ? p.time_step : dt_fixed) << ", "
            << (p.n_steps > 0 ? std::to_string(p.n_steps) + " steps" :
                                "to T = " + std::to_string(T))
            << "\n      Phi_R: " << potential->description() << std::endl;
    if (p.ensemble_size <= d + 1)
      console << "kwfp: warning: J = " << p.ensemble_size
              << " <= d + 1 = " << d + 1
              << ": C(U) has rank at most J - 1, the particles stay in the "
                 "affine span of the initial ensemble, and the "
                 "finite-ensemble correction does not make the posterior "
                 "invariant"
              << std::endl;
    step        = 0;
    time        = 0;
    dt_previous = 0;
    loop_start  = std::chrono::steady_clock::now();
    observe(false);
  }


  void
  ParticleSolver::save(CheckpointWriter &out)
  {
    out.io(step);
    out.io(time);
    out.io(dt_previous);
    out.io(n_dropped);
    out.io(rank_loss_warned);
    out.io(last_row_step);
    out.io(last_output_step);
    out.io(csv->rows());
    out.io(output->written());
    out.io(summary.history,
           [](auto &s, auto &x) { transfer_particles_row(s, x); });
    out.io(particles.gather_indices());
    out.io(particles.gather());
    if (closed_form)
      closed_form->transfer(out);
  }


  void
  ParticleSolver::resume(CheckpointReader &in)
  {
    const auto &p = parameters.particles;
    in.io(step);
    in.io(time);
    in.io(dt_previous);
    in.io(n_dropped);
    in.io(rank_loss_warned);
    in.io(last_row_step);
    in.io(last_output_step);
    std::uint64_t n_rows = 0;
    in.io(n_rows);
    std::vector<std::pair<double, std::string>> written;
    in.io(written);
    in.io(summary.history,
          [](auto &s, auto &x) { transfer_particles_row(s, x); });
    std::vector<std::uint64_t> indices;
    DenseMatrix                positions;
    in.io(indices);
    in.io(positions);
    if (closed_form)
      closed_form->transfer(in);
    if (positions.m() != indices.size() ||
        positions.n() != parameters.dimension ||
        !std::is_sorted(indices.begin(), indices.end()) ||
        (!indices.empty() && indices.back() >= particles.initial_size()))
      throw RunFailure("the particles of the checkpoint do not fit this run "
                       "(corrupted checkpoint)");
    particles.assign(indices, positions);

    const bool is_writer =
      dealii::Utilities::MPI::this_mpi_process(communicator) == 0;
    csv    = std::make_unique<ParticlesCsv>(parameters.output.directory +
                                           "/particles.csv",
                                         parameters.dimension,
                                         uses_forward_model(p.settings.method),
                                         closed_form.has_value(),
                                         is_writer,
                                         n_rows);
    output = std::make_unique<ParticleOutput>(parameters.output.directory,
                                              communicator);
    output->resume(written);
    plan_steps();
    console << "kwfp: particles: " << to_string(p.settings.method)
            << " resumed from the checkpoint at step " << step
            << ", t = " << time << ", J = " << indices.size() << std::endl;
    loop_start = std::chrono::steady_clock::now();
    // The state of the ensemble (G or grad Phi_R, moments) as after the
    // step that was checkpointed.
    evaluate(step, time);
    update->reduce(particles, state);
    check_covariance(step, time);
  }


  void
  ParticleSolver::write_checkpoint_now()
  {
    CheckpointWriter out;
    save(out);
    const unsigned int d = parameters.dimension;
    write_checkpoint(
      parameters.output.directory,
      make_checkpoint_header("particles", d, parameters_text, communicator),
      out.bytes,
      std::string(),
      communicator);
  }


  void
  ParticleSolver::observe(const bool force)
  {
    const auto &p = parameters.particles;
    evaluate(step, time);
    update->reduce(particles, state);
    check_covariance(step, time);
    const bool write_row = step % p.statistics_interval == 0 || force;
    const bool write_ensemble =
      p.output_interval > 0 && (step % p.output_interval == 0 || force);
    if (!write_row && !write_ensemble)
      return;
    std::vector<std::vector<double>> phi_r;
    const ParticlesRow row = statistics_row(step, time, dt_previous, phi_r);
    if (write_row)
      {
        check_row_is_finite(row);
        csv->write(row);
        summary.history.push_back(row);
        last_row_step = step;
      }
    if (write_ensemble)
      {
        output->write(particles, phi_r, time);
        last_output_step = step;
      }
    if (step % status_every == 0 || force)
      {
        char line[200];
        std::snprintf(line,
                      sizeof(line),
                      "step %6llu  t = %9.5f  dt = %.3e  J = %llu  "
                      "mean Phi_R = %.6e",
                      static_cast<unsigned long long>(step),
                      time,
                      dt_previous,
                      static_cast<unsigned long long>(row.n_particles),
                      row.mean_phi_r);
        console << line << std::endl;
      }
  }


  void
  ParticleSolver::take_step(const double target)
  {
    const auto &p  = parameters.particles;
    double      dt = dt_fixed;
    if (p.adaptive_time_step)
      dt = p.time_step / (state.D_norm + p.adaptive_delta);
    dt = std::min(dt, target - time);
    update->advance(particles, state, dt, step);
    ++step;
    // keep t_n = n dt exactly for a fixed step, and land on the target
    time += dt;
    if (!p.adaptive_time_step &&
        std::abs(time - step * dt_fixed) < 1e-9 * dt_fixed)
      time = step * dt_fixed;
    if (std::abs(time - target) < 1e-12 * std::max(1.0, target))
      time = target;
    // n_fixed steps of T / n_fixed end at T exactly (the product rounds
    // below T for some pairs, e.g. 3 * 0.3). Only where the time is at T to
    // round-off: advance_to() shortens steps to meet observation times, so
    // step n_fixed can come before T.
    const double T = parameters.final_time;
    if (p.n_steps == 0 && !p.adaptive_time_step &&
        std::abs(time - T) <= 1e-9 * dt_fixed)
      time = T;
    dt_previous = dt;
  }


  void
  ParticleSolver::advance_to(const double target)
  {
    // Beside the finite-element solver, which checks for SIGINT/SIGTERM
    // after each of its steps.
    while (time < target)
      {
        take_step(target);
        observe(time >= target);
      }
  }


  double
  ParticleSolver::current_time() const
  {
    return time;
  }


  ParticleRunSummary
  ParticleSolver::finish()
  {
    const auto &p = parameters.particles;
    if (last_row_step != step ||
        (p.output_interval > 0 && last_output_step != step))
      {
        std::vector<std::vector<double>> phi_r;
        const ParticlesRow row = statistics_row(step, time, dt_previous, phi_r);
        if (last_row_step != step)
          {
            check_row_is_finite(row);
            csv->write(row);
            summary.history.push_back(row);
          }
        if (p.output_interval > 0 && last_output_step != step)
          output->write(particles, phi_r, time);
      }
    summary.loop_seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - loop_start)
                             .count();
    summary.n_steps    = step;
    summary.final_time = time;
    summary.n_dropped  = n_dropped;
    ParticleOutput::write_final_ensemble(parameters.output.directory +
                                           "/ensemble_final.csv",
                                         particles);
    console << "kwfp: particles done: " << step << " steps to t = " << time
            << " in " << summary.loop_seconds << " s ("
            << (step * double(state.moments.n_particles)) /
                 std::max(summary.loop_seconds, 1e-9)
            << " particle-steps/s)";
    if (n_dropped > 0)
      console << ", " << n_dropped << " particle(s) dropped";
    console << std::endl;
    return summary;
  }


  ParticleRunSummary
  ParticleSolver::run(const bool resume_run)
  {
    const auto        &p = parameters.particles;
    const double       T = parameters.final_time;
    const unsigned int d = parameters.dimension;
    if (resume_run)
      read_shared_checkpoint(
        parameters.output.directory,
        make_checkpoint_header("particles", d, parameters_text, communicator),
        [this](CheckpointReader &in) { resume(in); },
        communicator);
    else
      start();
    CheckpointSchedule schedule(parameters.output.checkpoint_interval,
                                parameters.output.checkpoint_minutes);
    const bool         fixed = p.n_steps > 0 || !p.adaptive_time_step;
    while (fixed ? step < n_fixed : time < T)
      {
        // SIGINT/SIGTERM: a checkpoint, then the outputs as at the end.
        if (interruption_signal(communicator) != 0)
          {
            summary.interrupted = true;
            write_checkpoint_now();
            break;
          }
        take_step(fixed ? std::numeric_limits<double>::max() : T);
        observe(fixed ? step == n_fixed : time >= T);
        if ((fixed ? step < n_fixed : time < T) &&
            schedule.due(step, communicator))
          {
            write_checkpoint_now();
            schedule.written();
          }
      }
    return finish();
  }
} // namespace kwfp
