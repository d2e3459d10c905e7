#include <kwfp/base/errors.h>
#include <kwfp/gaussian_closure/rosenbrock_step.h>

#include <deal.II/lac/lapack_full_matrix.h>

#include <cmath>
#include <exception>
#include <memory>

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
        const unsigned int d = y[k].mean.size();
        // W = P_n + gamma h H_n: (I + gamma h C_n H_n) = C_n W
        s[k].W = std::make_unique<dealii::LAPACKFullMatrix<double>>(d, d);
        for (unsigned int i = 0; i < d; ++i)
          for (unsigned int j = 0; j < d; ++j)
            (*s[k].W)(i, j) =
              y[k].precision(i, j) + gamma * h * e_n[k].hessian(i, j);
        try
          {
            s[k].W->compute_lu_factorization();
          }
        catch (const std::exception &)
          {
            result.reason = "P + gamma h H is singular";
            return result;
          }
        // stage 1: k1_m = -W^{-1} g_n, k1_P = a F_P(y_n)
        const ClosureDerivative f_n = ClosureDerivative::at(y[k], e_n[k]);
        s[k].k1_m                   = e_n[k].gradient;
        s[k].k1_m *= -1;
        s[k].W->solve(s[k].k1_m);
        s[k].k1_P = f_n.precision;
        s[k].k1_P *= a;
        if (!all_finite(s[k].k1_m) || !all_finite(s[k].k1_P))
          {
            result.reason = "the first stage is not finite";
            return result;
          }
        DenseVector m_s(y[k].mean);
        m_s.add(h, s[k].k1_m);
        DenseMatrix P_s(y[k].precision);
        P_s.add(h, s[k].k1_P);
        try
          {
            stage[k] = ClosureState::from_precision(m_s, P_s);
          }
        catch (const std::domain_error &)
          {
            result.reason = "the stage's covariance is not SPD";
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
    catch (const RunFailure &e)
      {
        result.reason = std::string("at the stage: ") + e.what();
        return result;
      }

    result.states.resize(K);
    for (unsigned int k = 0; k < K; ++k)
      {
        const unsigned int d = y[k].mean.size();
        // stage 2: C_n W k2_m = F_m(s) - 2 k1_m, k2_P = a (F_P(s) - 2 k1_P)
        const ClosureDerivative f_s = ClosureDerivative::at(stage[k], e_s[k]);
        DenseVector             rhs(f_s.mean);
        rhs.add(-2, s[k].k1_m);
        s[k].k2_m.reinit(d);
        y[k].precision.vmult(s[k].k2_m, rhs);
        s[k].W->solve(s[k].k2_m);
        s[k].k2_P = f_s.precision;
        s[k].k2_P.add(-2, s[k].k1_P);
        s[k].k2_P *= a;

        DenseVector m_new(y[k].mean);
        m_new.add(1.5 * h, s[k].k1_m, 0.5 * h, s[k].k2_m);
        DenseMatrix P_new(y[k].precision);
        P_new.add(1.5 * h, s[k].k1_P);
        P_new.add(0.5 * h, s[k].k2_P);
        if (!all_finite(m_new) || !all_finite(P_new))
          {
            result.reason = "the new state is not finite";
            return result;
          }
        try
          {
            result.states[k] = ClosureState::from_precision(m_new, P_new);
          }
        catch (const std::domain_error &)
          {
            result.reason = "the new covariance is not SPD";
            return result;
          }

        // the error estimate h/2 (k1 + k2) in the norm of y_n
        DenseVector E_m(s[k].k1_m);
        E_m += s[k].k2_m;
        E_m *= 0.5 * h;
        DenseMatrix E_P(s[k].k1_P);
        E_P.add(1.0, s[k].k2_P);
        E_P *= 0.5 * h;
        const double mean_error =
          std::sqrt(y[k].precision.matrix_norm_square(E_m));
        DenseMatrix LtE(d, d), LtEL(d, d);
        y[k].cholesky.Tmmult(LtE, E_P);
        LtE.mmult(LtEL, y[k].cholesky);
        result.error =
          std::max({result.error, mean_error, LtEL.frobenius_norm()});
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
