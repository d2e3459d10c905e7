#include <kwfp/gaussian_closure/mixture_closure_model.h>

#include <cmath>
#include <limits>
#include <stdexcept>

namespace kwfp
{
  namespace
  {
    /// ln N(u; m, C) and v = P (u - m).
    double
    log_normal(const ClosureState                    &s,
               const dealii::ArrayView<const double> &u,
               DenseVector                           &v)
    {
      const unsigned int d = s.mean.size();
      // z = L^{-1} (u - m), |u - m|_C^2 = |z|^2
      DenseVector z(d);
      double      log_det = 0;
      for (unsigned int a = 0; a < d; ++a)
        {
          double r = u[a] - s.mean[a];
          for (unsigned int b = 0; b < a; ++b)
            r -= s.cholesky(a, b) * z[b];
          z[a] = r / s.cholesky(a, a);
          log_det += 2 * std::log(s.cholesky(a, a));
        }
      v.reinit(d);
      for (unsigned int a = 0; a < d; ++a)
        v[a] = u[a] - s.mean[a];
      const DenseVector diff(v);
      s.precision.vmult(v, diff);
      return -0.5 * (z.norm_sqr() + d * std::log(2 * M_PI) + log_det);
    }


    /**
     * psi_k = Phi_R + r_k of MixtureClosureModel, for the component
     * @p k of the mixture @p states.
     */
    class EffectivePotential : public Potential
    {
    public:
      EffectivePotential(const Potential                 &phi,
                         const std::vector<double>       &w,
                         const std::vector<ClosureState> &states,
                         const unsigned int               k)
        : phi(phi)
        , w(w)
        , states(states)
        , k(k)
      {}

      unsigned int
      dimension() const override
      {
        return phi.dimension();
      }

      double
      value(const dealii::ArrayView<const double> &u) const override
      {
        return phi.value(u) + remainder(u, nullptr, nullptr);
      }

      void
      gradient(const dealii::ArrayView<const double> &u,
               const dealii::ArrayView<double>       &g) const override
      {
        phi.gradient(u, g);
        DenseVector gr(dimension());
        remainder(u, &gr, nullptr);
        for (unsigned int a = 0; a < dimension(); ++a)
          g[a] += gr[a];
      }

      void
      gradients(const DenseMatrix &points, DenseMatrix &g) const override
      {
        phi.gradients(points, g);
        if (states.size() == 1)
          return;
        DenseVector gr(dimension());
        for (unsigned int i = 0; i < points.m(); ++i)
          {
            remainder(dealii::make_array_view(&points(i, 0),
                                              &points(i, 0) + dimension()),
                      &gr,
                      nullptr);
            for (unsigned int a = 0; a < dimension(); ++a)
              g(i, a) += gr[a];
          }
      }

      bool
      has_hessian() const override
      {
        return phi.has_hessian();
      }

      DenseMatrix
      hessian(const dealii::ArrayView<const double> &u) const override
      {
        DenseMatrix H = phi.hessian(u);
        DenseVector gr(dimension());
        DenseMatrix Hr(dimension(), dimension());
        remainder(u, &gr, &Hr);
        H.add(1.0, Hr);
        return H;
      }

      std::string
      description() const override
      {
        return phi.description() + " + ln(p / N_k)";
      }

    private:
      /// r_k(u), and its gradient and Hessian if asked.
      double
      remainder(const dealii::ArrayView<const double> &u,
                DenseVector                           *gradient,
                DenseMatrix                           *hessian) const
      {
        const unsigned int K = states.size();
        if (K == 1)
          return 0;
        const unsigned int       d = dimension();
        std::vector<double>      delta(K);
        std::vector<DenseVector> v(K);
        for (unsigned int j = 0; j < K; ++j)
          delta[j] = log_normal(states[j], u, v[j]);
        const double l_k = delta[k];
        double       top = -std::numeric_limits<double>::infinity();
        for (unsigned int j = 0; j < K; ++j)
          {
            delta[j] = std::log(w[j]) + delta[j] - l_k;
            top      = std::max(top, delta[j]);
          }
        double sum = 0;
        for (unsigned int j = 0; j < K; ++j)
          sum += std::exp(delta[j] - top);
        const double r = top + std::log(sum);
        if (gradient)
          {
            *gradient = 0;
            for (unsigned int j = 0; j < K; ++j)
              if (j != k)
                {
                  const double rho = std::exp(delta[j] - r);
                  for (unsigned int a = 0; a < d; ++a)
                    (*gradient)[a] += rho * (v[k][a] - v[j][a]);
                }
          }
        if (hessian)
          {
            for (unsigned int j = 0; j < K; ++j)
              if (j != k)
                {
                  const double rho = std::exp(delta[j] - r);
                  for (unsigned int a = 0; a < d; ++a)
                    for (unsigned int b = 0; b < d; ++b)
                      (*hessian)(a, b) +=
                        rho *
                        ((v[k][a] - v[j][a]) * (v[k][b] - v[j][b]) +
                         states[k].precision(a, b) - states[j].precision(a, b));
                }
            for (unsigned int a = 0; a < d; ++a)
              for (unsigned int b = 0; b < d; ++b)
                (*hessian)(a, b) -= (*gradient)[a] * (*gradient)[b];
          }
        return r;
      }

      const Potential                 &phi;
      const std::vector<double>       &w;
      const std::vector<ClosureState> &states;
      const unsigned int               k;
    };
  } // namespace


  const NamedSelection<MixtureWeightFlow> &
  mixture_weight_flow_selection()
  {
    static const NamedSelection<MixtureWeightFlow> selection{
      {"fixed", MixtureWeightFlow::fixed},
      {"Fisher-Rao", MixtureWeightFlow::fisher_rao}};
    return selection;
  }


  MixtureClosureModel::MixtureClosureModel(const Potential           &potential,
                                           const std::vector<double> &weights,
                                           const StandardCubature    &rule,
                                           const ExpectationForm      form,
                                           const MixtureWeightFlow    flow)
    : potential(potential)
    , w(weights)
    , rule(rule)
    , form(form)
    , flow(flow)
  {
    double sum = 0;
    for (const double x : w)
      {
        if (!(x > 0) || !std::isfinite(x))
          throw std::invalid_argument(
            "MixtureClosureModel: the weights must be positive");
        sum += x;
      }
    if (w.empty())
      throw std::invalid_argument("MixtureClosureModel: no component");
    for (double &x : w)
      x /= sum;
  }


  unsigned int
  MixtureClosureModel::n_components() const
  {
    return w.size();
  }


  std::vector<GaussianExpectations>
  MixtureClosureModel::evaluate(const std::vector<ClosureState> &states) const
  {
    std::vector<double> weights_now(states.size());
    for (unsigned int k = 0; k < states.size(); ++k)
      weights_now[k] = states[k].weight;
    std::vector<GaussianExpectations> e;
    for (unsigned int k = 0; k < states.size(); ++k)
      {
        const EffectivePotential  psi(potential, weights_now, states, k);
        const GaussianExpectation expectation(psi, rule, form);
        e.push_back(expectation.evaluate(states[k].mean, states[k].covariance));
      }
    return e;
  }


  double
  MixtureClosureModel::free_energy(
    const std::vector<ClosureState>         &states,
    const std::vector<GaussianExpectations> &e) const
  {
    double f = 0;
    for (unsigned int k = 0; k < states.size(); ++k)
      f += states[k].weight * closure_free_energy(states[k], e[k].phi);
    return f;
  }


  unsigned int
  MixtureClosureModel::evaluations_per_call() const
  {
    return w.size() *
           (rule.size() + (form == ExpectationForm::derivative_free ? 1 : 0));
  }


  const std::vector<double> &
  MixtureClosureModel::weights() const
  {
    return w;
  }


  std::vector<double>
  MixtureClosureModel::initial_weights() const
  {
    return w;
  }


  bool
  MixtureClosureModel::weights_evolve() const
  {
    return flow == MixtureWeightFlow::fisher_rao;
  }


  double
  mixture_log_density(const std::vector<double>             &weights,
                      const std::vector<ClosureState>       &states,
                      const dealii::ArrayView<const double> &u)
  {
    std::vector<double> l(states.size());
    double              top = -std::numeric_limits<double>::infinity();
    DenseVector         v;
    for (unsigned int j = 0; j < states.size(); ++j)
      {
        l[j] = std::log(weights[j]) + log_normal(states[j], u, v);
        top  = std::max(top, l[j]);
      }
    double sum = 0;
    for (const double x : l)
      sum += std::exp(x - top);
    return top + std::log(sum);
  }


  std::pair<DenseVector, DenseMatrix>
  mixture_moments(const std::vector<double>       &weights,
                  const std::vector<ClosureState> &states)
  {
    const unsigned int d = states[0].mean.size();
    DenseVector        m(d);
    for (unsigned int k = 0; k < states.size(); ++k)
      m.add(weights[k], states[k].mean);
    DenseMatrix C(d, d);
    for (unsigned int k = 0; k < states.size(); ++k)
      for (unsigned int a = 0; a < d; ++a)
        for (unsigned int b = 0; b < d; ++b)
          C(a, b) += weights[k] *
                     (states[k].covariance(a, b) +
                      (states[k].mean[a] - m[a]) * (states[k].mean[b] - m[b]));
    return {m, C};
  }
} // namespace kwfp
