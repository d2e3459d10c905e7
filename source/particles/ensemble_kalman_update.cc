#include <kwfp/base/errors.h>
#include <kwfp/particles/ensemble_kalman_update.h>
#include <kwfp/particles/normal_batch.h>
#include <kwfp/particles/random_stream.h>

#include <deal.II/base/exceptions.h>

#include <array>
#include <cmath>
#include <cstring>

namespace kwfp
{
  namespace
  {
    /// dst = A B, or dst += A B when @p adding; nothing for an empty A.
    void
    multiply(const DenseMatrix &A,
             const DenseMatrix &B,
             DenseMatrix       &dst,
             const bool         adding = false)
    {
      if (A.m() == 0 || A.n() == 0)
        return;
      A.mmult(dst, B, adding);
    }

    /// dst = A^T B (A, B with the same rows); zero for empty blocks.
    void
    transpose_multiply(const DenseMatrix &A,
                       const DenseMatrix &B,
                       DenseMatrix       &dst)
    {
      dst.reinit(A.n(), B.n());
      if (A.m() == 0)
        return;
      A.Tmmult(dst, B);
    }

    /// Rows of @p A minus the row vector @p v.
    DenseMatrix
    subtract_row(const DenseMatrix &A, const DenseVector &v)
    {
      DenseMatrix B(A);
      for (unsigned int j = 0; j < B.m(); ++j)
        for (unsigned int i = 0; i < B.n(); ++i)
          B(j, i) -= v[i];
      return B;
    }

    /// A block of n x q standard normal numbers, row j from particle
    /// index[j]'s stream at @p step.
    DenseMatrix
    normal_block(const ParticleBlock &block,
                 const unsigned int   q,
                 const std::uint64_t  seed,
                 const std::uint64_t  step)
    {
      DenseMatrix Z(block.size(), q);
      if (block.size() > 0 && q > 0)
        standard_normals(seed,
                         RandomPurpose::dynamics_noise,
                         step,
                         block.index.data(),
                         block.size(),
                         q,
                         &Z(0, 0));
      return Z;
    }

    /// Whether every entry of @p A is finite: an OR over the exponent bits
    /// (all ones for inf and NaN), a loop without branches.
    bool
    all_finite(const DenseMatrix &A)
    {
      if (A.m() == 0 || A.n() == 0)
        return true;
      constexpr std::uint64_t exponent = 0x7FF0000000000000ull;
      const double *const     a        = &A(0, 0);
      const std::size_t       n        = std::size_t(A.m()) * A.n();
      std::uint64_t           bad      = 0;
      for (std::size_t k = 0; k < n; ++k)
        {
          std::uint64_t bits;
          std::memcpy(&bits, a + k, sizeof(bits));
          bad |= (bits & exponent) == exponent;
        }
      return bad == 0;
    }

    /// The data of the fused per-particle update of one block (row-major
    /// n x d arrays).
    struct FusedStep
    {
      std::size_t   n;
      unsigned int  d;
      const double *values; ///< grad Phi_R(u_j) (or the forward values)
      const double *Z;      ///< the particles' normal numbers
      const double *C;      ///< C, d x d
      const double *S;      ///< the noise factor, d x d
      const double *mean;   ///< the ensemble mean
      double        dt, sqrt_dt;
      bool          gradient_flow; ///< -C g (eks) or -g (langevin)
      bool          correction;    ///< the finite-ensemble correction
      double        aldi;          ///< its factor (d + 1)/J
      double       *U;             ///< the positions, updated in place
    };

    /**
     * u_j += dt (-C g_j + aldi (u_j - ubar)) + sqrt(dt) S^T z_j for every
     * particle of the block (g_j = grad Phi_R(u_j), C = I for langevin):
     * the arithmetic of the matrix form, up to the order of the sums inside
     * BLAS. D > 0: the dimension known at compile time.
     */
    template <int D>
    void
    fused_update(const FusedStep &s)
    {
      const unsigned int d = D > 0 ? D : s.d;
      for (std::size_t j = 0; j < s.n; ++j)
        {
          const double *g = s.values + j * d;
          const double *z = s.Z + j * d;
          double       *u = s.U + j * d;
          double        drift[Ensemble::max_direct_dimension],
            noise[Ensemble::max_direct_dimension];
          for (unsigned int i = 0; i < d; ++i)
            {
              double f;
              if (s.gradient_flow)
                {
                  double product = 0;
                  for (unsigned int k = 0; k < d; ++k)
                    product += g[k] * s.C[k * d + i];
                  f = -product;
                }
              else
                f = -g[i];
              if (s.correction)
                f += s.aldi * (u[i] - s.mean[i]);
              drift[i]       = f;
              double product = 0;
              for (unsigned int k = 0; k < d; ++k)
                product += z[k] * s.S[k * d + i];
              noise[i] = product;
            }
          for (unsigned int i = 0; i < d; ++i)
            {
              u[i] += s.dt * drift[i];
              u[i] += s.sqrt_dt * noise[i];
            }
        }
    }

    void
    append(std::vector<double> &out, const DenseMatrix &A)
    {
      out.insert(out.end(), A.begin(), A.end());
    }
  } // namespace


  EnsembleKalmanUpdate::EnsembleKalmanUpdate(
    const ParticleMethodSettings &settings,
    const Potential              *potential,
    const InverseProblem         *problem)
    : settings(settings)
    , potential(potential)
    , problem(problem)
  {
    if (uses_forward_model(settings.method) && problem == nullptr)
      throw InputError("Particles/Method",
                       "'" + to_string(settings.method) +
                         "' evaluates the forward map G: it needs "
                         "'Potential/Type = inverse problem'");
    if (!uses_forward_model(settings.method) && potential == nullptr)
      throw InputError("Particles/Method",
                       "'" + to_string(settings.method) +
                         "' needs the potential Phi_R");
  }


  std::vector<ParticleFailure>
  EnsembleKalmanUpdate::evaluate(const Ensemble &ensemble,
                                 EnsembleState  &state) const
  {
    const auto                  &blocks  = ensemble.blocks();
    const unsigned int           d       = ensemble.dimension();
    const bool                   forward = uses_forward_model(settings.method);
    const unsigned int           q       = forward ? problem->n_data() : d;
    std::vector<ParticleFailure> failures;
    state.values.resize(blocks.size());
    // All the rank's particles in one batch when calls are expensive (one
    // call of an external forward model per step); G and grad Phi_R are
    // pointwise, so this is the same as block by block.
    const bool one_batch = forward ?
                             problem->forward_model().prefers_one_batch() :
                             potential->prefers_one_batch();
    if (one_batch && blocks.size() > 1)
      {
        std::size_t n = 0;
        for (const auto &block : blocks)
          n += block.size();
        DenseMatrix all(n, d), all_values;
        std::size_t row = 0;
        for (const auto &block : blocks)
          for (unsigned int j = 0; j < block.size(); ++j, ++row)
            for (unsigned int a = 0; a < d; ++a)
              all(row, a) = block.positions(j, a);
        if (forward)
          problem->forward_model().evaluate_rows(all, all_values);
        else
          potential->gradients(all, all_values);
        row = 0;
        for (unsigned int b = 0; b < blocks.size(); ++b)
          {
            state.values[b].reinit(blocks[b].size(), q);
            for (unsigned int j = 0; j < blocks[b].size(); ++j, ++row)
              for (unsigned int k = 0; k < q; ++k)
                state.values[b](j, k) = all_values(row, k);
          }
      }
    else
      for (unsigned int b = 0; b < blocks.size(); ++b)
        {
          if (forward)
            problem->forward_model().evaluate_rows(blocks[b].positions,
                                                   state.values[b]);
          else
            potential->gradients(blocks[b].positions, state.values[b]);
        }
    for (unsigned int b = 0; b < blocks.size(); ++b)
      {
        const DenseMatrix &values = state.values[b];
        if (all_finite(values))
          continue;
        for (unsigned int j = 0; j < blocks[b].size(); ++j)
          for (unsigned int k = 0; k < q; ++k)
            if (!std::isfinite(values(j, k)))
              {
                failures.push_back({b, j, blocks[b].index[j]});
                break;
              }
      }
    return failures;
  }


  void
  EnsembleKalmanUpdate::reduce(const Ensemble &ensemble,
                               EnsembleState  &state) const
  {
    state.moments = ensemble.moments();
    if (!uses_forward_model(settings.method))
      return;
    const auto        &blocks = ensemble.blocks();
    const unsigned int d = ensemble.dimension(), K = problem->n_data();
    const double       J = state.moments.n_particles;

    // Gbar
    std::vector<double> sums(blocks.size() * K, 0.0);
    for (unsigned int b = 0; b < blocks.size(); ++b)
      for (unsigned int j = 0; j < blocks[b].size(); ++j)
        for (unsigned int k = 0; k < K; ++k)
          sums[b * K + k] += state.values[b](j, k);
    const std::vector<double> G_sum = ensemble.sum_over_blocks(sums, K);
    state.forward_mean.reinit(K);
    for (unsigned int k = 0; k < K; ++k)
      state.forward_mean[k] = G_sum[k] / J;

    // C^{pu} = Gc^T E / J, and Gc^T Gc, R^T R for ||D||_F
    const unsigned int  m = K * d + 2 * K * K;
    std::vector<double> products;
    products.reserve(blocks.size() * m);
    DenseMatrix cross, GcGc, RR;
    for (unsigned int b = 0; b < blocks.size(); ++b)
      {
        const DenseMatrix E = ensemble.centered(b, state.moments.mean);
        const DenseMatrix Gc =
          subtract_row(state.values[b], state.forward_mean);
        const DenseMatrix R = subtract_row(state.values[b], problem->data());
        transpose_multiply(Gc, E, cross);
        transpose_multiply(Gc, Gc, GcGc);
        transpose_multiply(R, R, RR);
        append(products, cross);
        append(products, GcGc);
        append(products, RR);
      }
    const std::vector<double> total = ensemble.sum_over_blocks(products, m);
    state.cross_covariance.reinit(K, d);
    DenseMatrix A1(K, K), A2(K, K);
    for (unsigned int k = 0; k < K; ++k)
      {
        for (unsigned int i = 0; i < d; ++i)
          state.cross_covariance(k, i) = total[k * d + i] / J;
        for (unsigned int l = 0; l < K; ++l)
          {
            A1(k, l) = total[K * d + k * K + l];
            A2(k, l) = total[K * d + K * K + k * K + l];
          }
      }
    // ||D||_F^2 = tr(A1 Gamma^{-1} A2 Gamma^{-1}) / J^2
    DenseMatrix X(K, K), Y(K, K);
    A1.mmult(X, problem->noise_precision());
    A2.mmult(Y, problem->noise_precision());
    double trace = 0;
    for (unsigned int k = 0; k < K; ++k)
      for (unsigned int l = 0; l < K; ++l)
        trace += X(k, l) * Y(l, k);
    state.D_norm = std::sqrt(std::max(0.0, trace)) / J;
  }


  DenseMatrix
  EnsembleKalmanUpdate::noise_factor_transposed(const DenseMatrix &C) const
  {
    const unsigned int d = C.m();
    DenseMatrix        S(d, d);
    if (settings.noise == NoiseSquareRoot::cholesky)
      {
        DenseMatrix L;
        try
          {
            L = cholesky_factor(C);
          }
        catch (const std::domain_error &)
          {
            throw RunFailure(
              "the ensemble covariance C(U) is not positive definite, so "
              "'Particles/Noise square root = Cholesky' cannot factor it; "
              "the ensemble has collapsed or J <= d. Use 'symmetric' or "
              "'ensemble'.");
          }
        S.copy_transposed(L);
      }
    else
      {
        // C is symmetric positive semi-definite
        S = symmetric_square_root(C);
      }
    S *= std::sqrt(2.0);
    return S;
  }


  void
  EnsembleKalmanUpdate::advance(Ensemble            &ensemble,
                                const EnsembleState &state,
                                const double         dt,
                                const std::uint64_t  step) const
  {
    const unsigned int d      = ensemble.dimension();
    const auto         method = settings.method;
    Assert(dt > 0, dealii::ExcMessage("the time step must be positive"));
    AssertDimension(state.values.size(), ensemble.blocks().size());
    AssertDimension(state.moments.covariance.m(), d);
    StepFactors factors = step_factors(ensemble, state, dt);
    factors.dt          = dt;
    factors.step        = step;
    const bool fused    = !matrix_form_only && d <= max_fused_dimension &&
                       !has_prior_term(method) && factors.has_noise &&
                       factors.noise_factor.m() == d &&
                       (method == ParticleMethod::eks_gradient ||
                        method == ParticleMethod::langevin);
    if (fused)
      advance_fused(ensemble, state, factors);
    else
      advance_blocks(ensemble, state, factors);
  }


  EnsembleKalmanUpdate::StepFactors
  EnsembleKalmanUpdate::step_factors(const Ensemble      &ensemble,
                                     const EnsembleState &state,
                                     const double         dt) const
  {
    const unsigned int d      = ensemble.dimension();
    const double       J      = state.moments.n_particles;
    const DenseMatrix &C      = state.moments.covariance;
    const auto         method = settings.method;
    const bool         prior  = has_prior_term(method);
    // d x d and K x d factors shared by all blocks
    StepFactors  f;
    DenseMatrix &W = f.W; // Gamma^{-1} C^{pu}
    if (uses_forward_model(method))
      {
        W.reinit(problem->n_data(), d);
        problem->noise_precision().mmult(W, state.cross_covariance);
      }
    DenseMatrix &prior_factor = f.prior_factor;
    DenseVector &prior_shift  = f.prior_shift;
    if (prior)
      {
        prior_factor.reinit(d, d);
        if (method == ParticleMethod::eks)
          problem->prior_precision().mmult(prior_factor, C);
        else
          prior_factor = problem->prior_precision();
        prior_shift.reinit(d);
        prior_factor.Tvmult(prior_shift, problem->prior_mean());
      }
    // (I + dt prior_factor)^{-1}, prior_factor = (C Gamma_0^{-1})^T
    DenseMatrix &implicit_inverse = f.implicit_inverse;
    if (prior && settings.split_step)
      {
        implicit_inverse = identity_matrix(d);
        implicit_inverse.add(dt, prior_factor);
        implicit_inverse.gauss_jordan();
      }

    // noise: rows z_j^T noise_factor, q normal numbers per particle
    unsigned int &q                   = f.q;
    DenseMatrix  &noise_factor        = f.noise_factor;
    DenseMatrix  &ensemble_deviations = f.ensemble_deviations;
    q                                 = d;
    f.has_noise                       = method != ParticleMethod::eki_opt;
    if (method == ParticleMethod::eks || method == ParticleMethod::eks_gradient)
      {
        if (settings.noise == NoiseSquareRoot::ensemble)
          {
            // sqrt(2/J) (U - ubar)^T z, z in R^J
            ensemble_deviations = ensemble.gather();
            for (unsigned int j = 0; j < ensemble_deviations.m(); ++j)
              for (unsigned int i = 0; i < d; ++i)
                ensemble_deviations(j, i) =
                  std::sqrt(2.0 / J) *
                  (ensemble_deviations(j, i) - state.moments.mean[i]);
            q = ensemble_deviations.m();
          }
        else
          noise_factor = noise_factor_transposed(C);
      }
    else if (method == ParticleMethod::eki)
      {
        // C^{up} Gamma^{-1} L z = C^{up} L^{-T} z: rows z^T L^{-1} C^{pu}
        DenseMatrix L_inverse(problem->noise_cholesky());
        L_inverse.gauss_jordan();
        q = problem->n_data();
        noise_factor.reinit(q, d);
        L_inverse.mmult(noise_factor, state.cross_covariance);
      }
    else if (f.has_noise)
      {
        noise_factor = identity_matrix(d);
        noise_factor *= std::sqrt(2.0);
      }

    f.aldi = (d + 1) / J;
    return f;
  }


  void
  EnsembleKalmanUpdate::advance_fused(Ensemble            &ensemble,
                                      const EnsembleState &state,
                                      const StepFactors   &factors) const
  {
    auto              &blocks       = ensemble.blocks();
    const unsigned int d            = ensemble.dimension();
    const DenseMatrix &C            = state.moments.covariance;
    const DenseMatrix &noise_factor = factors.noise_factor;
    const double       aldi         = factors.aldi;
    const double       dt           = factors.dt;
    const auto         method       = settings.method;
    // Per particle: u += dt (-C g + aldi (u - ubar)) + sqrt(dt) S z,
    // with g = grad Phi_R(u) (C = I for langevin) and z the particle's
    // normal numbers: the arithmetic of the products below, up to the
    // order of the sums inside BLAS.
    const bool   gradient_flow = method == ParticleMethod::eks_gradient;
    const double sqrt_dt       = std::sqrt(dt);
    std::array<double, max_fused_dimension * max_fused_dimension> Cv, Sv;
    std::array<double, max_fused_dimension>                       mean;
    for (unsigned int k = 0; k < d; ++k)
      {
        mean[k] = state.moments.mean[k];
        for (unsigned int i = 0; i < d; ++i)
          {
            Cv[k * d + i] = C(k, i);
            Sv[k * d + i] = noise_factor(k, i);
          }
      }
    for (unsigned int b = 0; b < blocks.size(); ++b)
      {
        ParticleBlock &block = blocks[b];
        if (block.size() == 0)
          continue;
        // the block's normal numbers into reused scratch (no zeroing)
        noise_scratch.resize(std::size_t(block.size()) * d);
        standard_normals(settings.seed,
                         RandomPurpose::dynamics_noise,
                         factors.step,
                         block.index.data(),
                         block.size(),
                         d,
                         noise_scratch.data());
        const FusedStep fused_step{block.size(),
                                   d,
                                   &state.values[b](0, 0),
                                   noise_scratch.data(),
                                   Cv.data(),
                                   Sv.data(),
                                   mean.data(),
                                   dt,
                                   sqrt_dt,
                                   gradient_flow,
                                   settings.finite_ensemble_correction,
                                   aldi,
                                   &block.positions(0, 0)};
        switch (d)
          {
            case 1:
              fused_update<1>(fused_step);
              break;
            case 2:
              fused_update<2>(fused_step);
              break;
            case 3:
              fused_update<3>(fused_step);
              break;
            case 4:
              fused_update<4>(fused_step);
              break;
            default:
              fused_update<0>(fused_step);
          }
      }
  }


  void
  EnsembleKalmanUpdate::advance_blocks(Ensemble            &ensemble,
                                       const EnsembleState &state,
                                       const StepFactors   &factors) const
  {
    auto              &blocks              = ensemble.blocks();
    const unsigned int d                   = ensemble.dimension();
    const DenseMatrix &C                   = state.moments.covariance;
    const auto         method              = settings.method;
    const bool         prior               = has_prior_term(method);
    const bool         implicit_prior      = prior && settings.split_step;
    const double       aldi                = factors.aldi;
    const double       dt                  = factors.dt;
    const DenseMatrix &W                   = factors.W;
    const DenseMatrix &prior_factor        = factors.prior_factor;
    const DenseVector &prior_shift         = factors.prior_shift;
    const DenseMatrix &implicit_inverse    = factors.implicit_inverse;
    const DenseMatrix &noise_factor        = factors.noise_factor;
    const DenseMatrix &ensemble_deviations = factors.ensemble_deviations;
    const unsigned int q                   = factors.q;
    const bool         has_noise           = factors.has_noise;
    DenseMatrix        F, product;
    for (unsigned int b = 0; b < blocks.size(); ++b)
      {
        ParticleBlock     &block = blocks[b];
        const unsigned int n     = block.size();
        if (n == 0)
          continue;
        F.reinit(n, d);
        product.reinit(n, d);
        const DenseMatrix &values = state.values[b];
        switch (method)
          {
            case ParticleMethod::eks_gradient:
              multiply(values, C, product);
              F.add(-1.0, product);
              break;
            case ParticleMethod::langevin:
              F.add(-1.0, values);
              break;
            default:
              multiply(subtract_row(values, problem->data()), W, product);
              F.add(-1.0, product);
          }
        if (prior && !implicit_prior)
          {
            multiply(subtract_row(block.positions, problem->prior_mean()),
                     prior_factor,
                     product);
            F.add(-1.0, product);
          }
        if (settings.finite_ensemble_correction)
          F.add(aldi, ensemble.centered(b, state.moments.mean));

        // the deterministic part
        DenseMatrix &U = block.positions;
        U.add(dt, F);
        if (implicit_prior)
          {
            for (unsigned int j = 0; j < n; ++j)
              for (unsigned int i = 0; i < d; ++i)
                U(j, i) += dt * prior_shift[i];
            // u* = (I + dt C Gamma_0^{-1})^{-1} rhs; as rows
            // rhs^T (I + dt Gamma_0^{-1} C)^{-1} = rhs^T implicit_inverse
            DenseMatrix rhs(U);
            rhs.mmult(U, implicit_inverse);
          }
        if (!has_noise)
          continue;
        const DenseMatrix Z =
          normal_block(block, q, settings.seed, factors.step);
        if (settings.noise == NoiseSquareRoot::ensemble &&
            ensemble_deviations.m() > 0)
          multiply(Z, ensemble_deviations, product);
        else
          multiply(Z, noise_factor, product);
        U.add(std::sqrt(dt), product);
      }
  }


  void
  EnsembleKalmanUpdate::use_matrix_form_only(const bool matrix_form_only)
  {
    this->matrix_form_only = matrix_form_only;
  }


  std::vector<std::vector<double>>
  EnsembleKalmanUpdate::potential_values(const Ensemble      &ensemble,
                                         const EnsembleState &state) const
  {
    const auto                      &blocks = ensemble.blocks();
    const unsigned int               d      = ensemble.dimension();
    std::vector<std::vector<double>> phi(blocks.size());
    for (unsigned int b = 0; b < blocks.size(); ++b)
      {
        if (!uses_forward_model(settings.method) &&
            potential->prefers_one_batch())
          {
            // one batch per block (Potential::values())
            potential->values(blocks[b].positions, phi[b]);
            continue;
          }
        phi[b].resize(blocks[b].size());
        for (unsigned int j = 0; j < blocks[b].size(); ++j)
          {
            const dealii::ArrayView<const double> u(&blocks[b].positions(j, 0),
                                                    d);
            if (uses_forward_model(settings.method))
              phi[b][j] = problem->misfit(dealii::ArrayView<const double>(
                            &state.values[b](j, 0), problem->n_data())) +
                          problem->prior_term(u);
            else
              phi[b][j] = potential->value(u);
          }
      }
    return phi;
  }


  std::vector<std::vector<double>>
  EnsembleKalmanUpdate::misfit_values(const EnsembleState &state) const
  {
    std::vector<std::vector<double>> phi(state.values.size());
    for (unsigned int b = 0; b < state.values.size(); ++b)
      for (unsigned int j = 0; j < state.values[b].m(); ++j)
        phi[b].push_back(problem->misfit(dealii::ArrayView<const double>(
          &state.values[b](j, 0), problem->n_data())));
    return phi;
  }
} // namespace kwfp
