#include <kwfp/base/errors.h>
#include <kwfp/forward_model/external_forward_model.h>
#include <kwfp/gaussian_closure/rosenbrock_step.h>

#include <deal.II/lac/lapack_full_matrix.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <memory>
#include <string>

namespace kwfp
{
  namespace
  {
    bool
    all_finite(const DenseVector &v)
    {
      for (const double x : v)
        if (!std::isfinite(x))
          return false;
      return true;
    }


    bool
    all_finite(const DenseMatrix &A)
    {
      for (unsigned int a = 0; a < A.m(); ++a)
        for (unsigned int b = 0; b < A.n(); ++b)
          if (!std::isfinite(A(a, b)))
            return false;
      return true;
    }


    /// The stages of one component.
    struct Stages
    {
      std::unique_ptr<dealii::LAPACKFullMatrix<double>> W; ///< P + g h H, LU
      DenseVector                                       k1_m, k2_m;
      DenseMatrix                                       k1_P, k2_P;
    };


    /// Stage 1 of one component (W factored, k1, the stage state);
    /// returns why it failed, empty if it did not.
    std::string
    first_stage(const ClosureState         &y,
                const GaussianExpectations &e_n,
                const double                h,
                const double                gamma,
                const double                a,
                Stages                     &s,
                ClosureState               &stage)
    {
      const unsigned int d = y.mean.size();
      // W = P_n + gamma h H_n: (I + gamma h C_n H_n) = C_n W
      s.W = std::make_unique<dealii::LAPACKFullMatrix<double>>(d, d);
      for (unsigned int i = 0; i < d; ++i)
        for (unsigned int j = 0; j < d; ++j)
          (*s.W)(i, j) = y.precision(i, j) + gamma * h * e_n.hessian(i, j);
      try
        {
          s.W->compute_lu_factorization();
        }
      catch (const std::exception &)
        {
          return "P + gamma h H is singular";
        }
      // stage 1: k1_m = -W^{-1} g_n, k1_P = a F_P(y_n)
      const ClosureDerivative f_n = ClosureDerivative::at(y, e_n);
      s.k1_m                      = e_n.gradient;
      s.k1_m *= -1;
      s.W->solve(s.k1_m);
      s.k1_P = f_n.precision;
      s.k1_P *= a;
      if (!all_finite(s.k1_m) || !all_finite(s.k1_P))
        {
          return "the first stage is not finite";
        }
      DenseVector m_s(y.mean);
      m_s.add(h, s.k1_m);
      DenseMatrix P_s(y.precision);
      P_s.add(h, s.k1_P);
      try
        {
          stage = ClosureState::from_precision(m_s, P_s);
        }
      catch (const std::domain_error &)
        {
          return "the stage's covariance is not SPD";
        }
      return {};
    }


    /// Stage 2 of one component, its new state and the largest of
    /// @p error and its error estimates; returns why it failed, empty if
    /// it did not.
    std::string
    second_stage(const ClosureState         &y,
                 const ClosureState         &stage,
                 const GaussianExpectations &e_s,
                 const double                h,
                 const double                a,
                 Stages                     &s,
                 ClosureState               &new_state,
                 double                     &error)
    {
      const unsigned int d = y.mean.size();
      // stage 2: C_n W k2_m = F_m(s) - 2 k1_m, k2_P = a (F_P(s) - 2 k1_P)
      const ClosureDerivative f_s = ClosureDerivative::at(stage, e_s);
      DenseVector             rhs(f_s.mean);
      rhs.add(-2, s.k1_m);
      s.k2_m.reinit(d);
      y.precision.vmult(s.k2_m, rhs);
      s.W->solve(s.k2_m);
      s.k2_P = f_s.precision;
      s.k2_P.add(-2, s.k1_P);
      s.k2_P *= a;

      DenseVector m_new(y.mean);
      m_new.add(1.5 * h, s.k1_m, 0.5 * h, s.k2_m);
      DenseMatrix P_new(y.precision);
      P_new.add(1.5 * h, s.k1_P);
      P_new.add(0.5 * h, s.k2_P);
      if (!all_finite(m_new) || !all_finite(P_new))
        {
          return "the new state is not finite";
        }
      try
        {
          new_state = ClosureState::from_precision(m_new, P_new);
        }
      catch (const std::domain_error &)
        {
          return "the new covariance is not SPD";
        }

      // the error estimate h/2 (k1 + k2) in the norm of y_n
      DenseVector E_m(s.k1_m);
      E_m += s.k2_m;
      E_m *= 0.5 * h;
      DenseMatrix E_P(s.k1_P);
      E_P.add(1.0, s.k2_P);
      E_P *= 0.5 * h;
      const double mean_error = std::sqrt(y.precision.matrix_norm_square(E_m));
      DenseMatrix  LtE(d, d), LtEL(d, d);
      y.cholesky.Tmmult(LtE, E_P);
      LtE.mmult(LtEL, y.cholesky);
      error = std::max({error, mean_error, LtEL.frobenius_norm()});
      return {};
    }


    /**
     * The weights exp(l_k) / sum_j exp(l_j) of the log-weights @p l into
     * the states' weights; false if one is not positive and finite (an
     * underflow).
     */
    bool
    set_weights(const std::vector<double> &l, std::vector<ClosureState> &states)
    {
      double top = -std::numeric_limits<double>::infinity();
      for (const double x : l)
        top = std::max(top, x);
      double sum = 0;
      for (unsigned int k = 0; k < l.size(); ++k)
        {
          states[k].weight = std::exp(l[k] - top);
          sum += states[k].weight;
        }
      for (ClosureState &s : states)
        {
          s.weight /= sum;
          if (!(s.weight > 0) || !std::isfinite(s.weight))
            return false;
        }
      return true;
    }
  } // namespace


  RosenbrockStepResult
  rosenbrock_step(const ClosureModel                      &model,
                  const std::vector<ClosureState>         &y,
                  const std::vector<GaussianExpectations> &e_n,
                  const double                             h)
  {
    const unsigned int        K     = y.size();
    const double              gamma = rosenbrock_gamma;
    const double              a     = 1.0 / (1.0 + 2.0 * gamma * h);
    RosenbrockStepResult      result;
    std::vector<Stages>       s(K);
    std::vector<ClosureState> stage(K);

    for (unsigned int k = 0; k < K; ++k)
      {
        result.reason = first_stage(y[k], e_n[k], h, gamma, a, s[k], stage[k]);
        if (!result.reason.empty())
          return result;
        stage[k].weight = y[k].weight;
      }

    // The weights: ROS2 in l_k = ln w_k with J = -I,
    // (1 + gamma h) k1_l = G(y_n), (1 + gamma h) k2_l = G(stage) - 2 k1_l,
    // G_k = -(F_k - sum_j w_j F_j) (fisher_rao_log_weight_rates()). J = -I is
    // the Jacobian of G near a target the mixture matches with separated
    // components (F_k = ln(w_k / pi_k) + const there); any J keeps the
    // second order (a W-method). Positivity and sum 1: the weights of a
    // stage and of y_{n+1} are w_k = exp(l_k) / sum_j exp(l_j), positive
    // whatever the step, summing to 1 to round-off. This normalization
    // changes nothing else: G depends on l only through these w (it is
    // invariant under l -> l + c), so a step from l + c is the step from l
    // plus c, and the normalized weights are those of ROS2 applied to
    // the un-normalized l, i.e. to dw_k/dt = -w_k (F_k - sum_j w_j F_j)
    // with sum_k w_k = 1 kept exactly along the exact flow.
    const bool          evolve = model.weights_evolve();
    const double        b      = 1.0 / (1.0 + gamma * h);
    std::vector<double> l(K), k1_l(K), l_s(K);
    if (evolve)
      {
        const std::vector<double> G_n = fisher_rao_log_weight_rates(y, e_n);
        for (unsigned int k = 0; k < K; ++k)
          {
            l[k]    = std::log(y[k].weight);
            k1_l[k] = b * G_n[k];
            l_s[k]  = l[k] + h * k1_l[k];
          }
        if (!set_weights(l_s, stage))
          {
            result.reason = "a weight at the stage underflowed";
            return result;
          }
      }

    std::vector<GaussianExpectations> e_s;
    try
      {
        e_s = model.evaluate(stage);
      }
    catch (const std::domain_error &)
      {
        result.reason = "a covariance at the stage is not SPD";
        return result;
      }
    catch (const ExternalCommandFailure &)
      {
        throw; // the command failed: not a reason to shorten the step
      }
    catch (const RunFailure &e)
      {
        result.reason = std::string("at the stage: ") + e.what();
        return result;
      }

    result.states.resize(K);
    for (unsigned int k = 0; k < K; ++k)
      {
        result.reason = second_stage(
          y[k], stage[k], e_s[k], h, a, s[k], result.states[k], result.error);
        if (!result.reason.empty())
          return result;
        result.states[k].weight = y[k].weight;
      }
    if (evolve)
      {
        const std::vector<double> G_s = fisher_rao_log_weight_rates(stage, e_s);
        std::vector<double>       l_new(K), E_l(K);
        double                    mean_E = 0;
        for (unsigned int k = 0; k < K; ++k)
          {
            const double k2_l = b * (G_s[k] - 2 * k1_l[k]);
            l_new[k]          = l[k] + 1.5 * h * k1_l[k] + 0.5 * h * k2_l;
            E_l[k]            = 0.5 * h * (k1_l[k] + k2_l);
            mean_E += y[k].weight * E_l[k];
          }
        if (!set_weights(l_new, result.states))
          {
            result.reason = "a weight underflowed";
            return result;
          }
        // the error estimate of the weights in the Fisher-Rao norm at y_n,
        // |dw|^2 = sum_k dw_k^2 / w_k = sum_k w_k (dl_k - sum_j w_j dl_j)^2
        // (a shift of l changes no weight)
        double weight_error = 0;
        for (unsigned int k = 0; k < K; ++k)
          weight_error += y[k].weight * std::pow(E_l[k] - mean_E, 2);
        result.error = std::max(result.error, std::sqrt(weight_error));
      }
    result.valid = std::isfinite(result.error);
    if (!result.valid)
      result.reason = "the error estimate is not finite";
    return result;
  }


  RosenbrockStepResult
  rosenbrock_step(const GaussianExpectation  &expectation,
                  const ClosureState         &state,
                  const GaussianExpectations &at_start,
                  const double                h)
  {
    const GaussianClosureModel model(expectation);
    return rosenbrock_step(model, {state}, {at_start}, h);
  }
} // namespace kwfp
