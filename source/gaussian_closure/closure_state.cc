#include <kwfp/gaussian_closure/closure_state.h>

#include <cmath>

namespace kwfp
{
  namespace
  {
    DenseMatrix
    symmetrized(const DenseMatrix &A)
    {
      DenseMatrix S(A.m(), A.n());
      for (unsigned int a = 0; a < A.m(); ++a)
        for (unsigned int b = 0; b < A.n(); ++b)
          S(a, b) = 0.5 * (A(a, b) + A(b, a));
      return S;
    }
  } // namespace


  ClosureState
  ClosureState::from_precision(const DenseVector &m, const DenseMatrix &P)
  {
    ClosureState s;
    s.mean       = m;
    s.precision  = symmetrized(P);
    s.covariance = symmetrized(spd_inverse(s.precision));
    s.cholesky   = cholesky_factor(s.covariance);
    return s;
  }


  ClosureState
  ClosureState::from_covariance(const DenseVector &m, const DenseMatrix &C)
  {
    ClosureState s;
    s.mean       = m;
    s.covariance = symmetrized(C);
    s.cholesky   = cholesky_factor(s.covariance);
    s.precision  = symmetrized(spd_inverse(s.covariance));
    return s;
  }


  ClosureDerivative
  ClosureDerivative::at(const ClosureState         &state,
                        const GaussianExpectations &e)
  {
    const unsigned int d = state.mean.size();
    ClosureDerivative  f;
    f.mean.reinit(d);
    state.covariance.vmult(f.mean, e.gradient);
    f.mean *= -1;
    f.precision.reinit(d, d);
    for (unsigned int a = 0; a < d; ++a)
      for (unsigned int b = 0; b < d; ++b)
        f.precision(a, b) = -2 * state.precision(a, b) + 2 * e.hessian(a, b);
    return f;
  }


  double
  closure_free_energy(const ClosureState &state, const double expected_phi)
  {
    const unsigned int d       = state.mean.size();
    double             log_det = 0; // ln det C = 2 sum ln L_aa
    for (unsigned int a = 0; a < d; ++a)
      log_det += 2 * std::log(state.cholesky(a, a));
    return expected_phi - 0.5 * (d * std::log(2 * M_PI * M_E) + log_det);
  }
} // namespace kwfp
