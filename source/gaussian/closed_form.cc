#include <kwfp/gaussian/closed_form.h>

#include <deal.II/base/exceptions.h>

#include <boost/numeric/odeint.hpp>

#include <cmath>

namespace kwfp
{
  namespace
  {
    std::vector<double>
    pack(const Gaussian &g)
    {
      const unsigned int  d = g.dimension();
      std::vector<double> x(d + d * d);
      for (unsigned int i = 0; i < d; ++i)
        x[i] = g.mean()[i];
      for (unsigned int i = 0; i < d; ++i)
        for (unsigned int j = 0; j < d; ++j)
          x[d + i * d + j] = g.covariance()(i, j);
      return x;
    }
  } // namespace


  GaussianClosedForm::GaussianClosedForm(const Gaussian           &initial,
                                         const Gaussian           &stationary,
                                         const DiffusionMatrixType type,
                                         const DenseMatrix        &fixed_matrix)
    : d(initial.dimension())
    , u_0(stationary.mean())
    , B_inverse(spd_inverse(stationary.covariance()))
    , type(type)
    , fixed_matrix(fixed_matrix)
    , initial_state(pack(initial))
    , state(initial_state)
    , time(0)
  {}


  void
  GaussianClosedForm::right_hand_side(const std::vector<double> &x,
                                      std::vector<double>       &dxdt) const
  {
    DenseMatrix S(d, d), P(d, d);
    for (unsigned int i = 0; i < d; ++i)
      for (unsigned int j = 0; j < d; ++j)
        S(i, j) = x[d + i * d + j];
    switch (type)
      {
        case DiffusionMatrixType::kalman_wasserstein:
          P = S;
          break;
        case DiffusionMatrixType::wasserstein:
          P = identity_matrix(d);
          break;
        case DiffusionMatrixType::fixed:
          P = fixed_matrix;
          break;
      }
    DenseMatrix PB(d, d), PBS(d, d);
    P.mmult(PB, B_inverse); // P B^{-1}
    PB.mmult(PBS, S);       // P B^{-1} S
    for (unsigned int i = 0; i < d; ++i)
      {
        double dm = 0;
        for (unsigned int j = 0; j < d; ++j)
          dm -= PB(i, j) * (x[j] - u_0[j]);
        dxdt[i] = dm;
        // (P B^{-1} S)^T = S B^{-1} P since P, B, S are symmetric.
        for (unsigned int j = 0; j < d; ++j)
          dxdt[d + i * d + j] = -PBS(i, j) - PBS(j, i) + 2 * P(i, j);
      }
  }


  Gaussian
  GaussianClosedForm::at(const double t)
  {
    Assert(t >= 0 && std::isfinite(t),
           dealii::ExcMessage("the closed form starts at t = 0"));
    namespace odeint = boost::numeric::odeint;
    if (t < time)
      {
        state = initial_state;
        time  = 0;
      }
    if (t > time)
      {
        auto stepper = odeint::make_controlled(
          1e-12, 1e-12, odeint::runge_kutta_dopri5<std::vector<double>>());
        odeint::integrate_adaptive(
          stepper,
          [this](const std::vector<double> &x,
                 std::vector<double>       &dxdt,
                 double) { right_hand_side(x, dxdt); },
          state,
          time,
          t,
          std::min(1e-3, t - time));
        time = t;
      }
    DenseVector m(d);
    DenseMatrix S(d, d);
    for (unsigned int i = 0; i < d; ++i)
      {
        m[i] = state[i];
        for (unsigned int j = 0; j < d; ++j)
          S(i, j) = 0.5 * (state[d + i * d + j] + state[d + j * d + i]);
      }
    return Gaussian(m, S);
  }
} // namespace kwfp
