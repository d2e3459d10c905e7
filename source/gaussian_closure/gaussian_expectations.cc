#include <kwfp/base/errors.h>
#include <kwfp/gaussian_closure/gaussian_expectations.h>
#include <kwfp/potential/inverse_problem_potential.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace kwfp
{
  const NamedSelection<ExpectationForm> &
  expectation_form_selection()
  {
    static const NamedSelection<ExpectationForm> selection{
      {"gradient", ExpectationForm::gradient},
      {"Hessian", ExpectationForm::hessian},
      {"derivative-free", ExpectationForm::derivative_free},
      {"Kalman", ExpectationForm::kalman}};
    return selection;
  }


  void
  solve_lower_transpose(const DenseMatrix &L, DenseVector &x)
  {
    const unsigned int d = L.m();
    for (unsigned int i = d; i-- > 0;)
      {
        double s = x[i];
        for (unsigned int j = i + 1; j < d; ++j)
          s -= L(j, i) * x[j];
        x[i] = s / L(i, i);
      }
  }


  void
  solve_lower_transpose(const DenseMatrix &L, DenseMatrix &X)
  {
    const unsigned int d = L.m();
    for (unsigned int c = 0; c < X.n(); ++c)
      for (unsigned int i = d; i-- > 0;)
        {
          double s = X(i, c);
          for (unsigned int j = i + 1; j < d; ++j)
            s -= L(j, i) * X(j, c);
          X(i, c) = s / L(i, i);
        }
  }


  GaussianExpectation::GaussianExpectation(const Potential      &potential,
                                           StandardCubature      rule,
                                           const ExpectationForm form)
    : potential(potential)
    , cubature(std::move(rule))
    , expectation_form(form)
  {
    if (cubature.dimension() != potential.dimension())
      throw std::invalid_argument(
        "GaussianExpectation: the rule's dimension is not the potential's");
    if (form == ExpectationForm::hessian && !potential.has_hessian())
      throw std::invalid_argument(
        "GaussianExpectation: the potential has no Hessian");
    if (form == ExpectationForm::kalman)
      {
        const auto *inverse =
          dynamic_cast<const InverseProblemPotential *>(&potential);
        if (!inverse)
          throw std::invalid_argument(
            "GaussianExpectation: the Kalman form needs an inverse problem");
        problem = &inverse->inverse_problem();
      }
  }


  namespace
  {
    void
    check_finite(const double       value,
                 const char        *what,
                 const DenseMatrix &points,
                 const unsigned int k)
    {
      if (std::isfinite(value))
        return;
      std::vector<double> u(points.n());
      for (unsigned int a = 0; a < points.n(); ++a)
        u[a] = points(k, a);
      throw RunFailure(std::string(what) + " is not finite (" +
                       std::to_string(value) +
                       ") at the cubature node u = " + format_point(u));
    }

    /**
     * The derivative-free (Stein) form with nodes u_k = m + L xi_k and
     * @p phi = Phi_R(u_k): E[grad Phi_R] = L^{-T} E[(Phi_R - Phi_R(m)) xi],
     * E[Hess Phi_R] = L^{-T} E[(Phi_R - Phi_R(m)) (xi xi^T - I)] L^{-1}
     * (symmetrized), added to @p e. Subtracting Phi_R(m) leaves both exact
     * and removes the constant's round-off.
     */
    void
    add_stein_form(const Potential           &potential,
                   const StandardCubature    &cubature,
                   const DenseVector         &m,
                   const DenseMatrix         &L,
                   const std::vector<double> &phi,
                   GaussianExpectations      &e)
    {
      const unsigned int d = L.m();
      const double       phi_m =
        potential.value(dealii::make_array_view(m.begin(), m.end()));
      if (!std::isfinite(phi_m))
        throw RunFailure("Phi_R is not finite at the mean " +
                         format_point(std::vector<double>(m.begin(), m.end())));
      DenseMatrix Q(d, d);
      for (unsigned int k = 0; k < cubature.size(); ++k)
        {
          const double f = cubature.weights[k] * (phi[k] - phi_m);
          for (unsigned int a = 0; a < d; ++a)
            {
              const double xa = cubature.nodes(k, a);
              e.gradient[a] += f * xa;
              for (unsigned int b = 0; b <= a; ++b)
                Q(a, b) += f * (xa * cubature.nodes(k, b) - (a == b));
            }
        }
      for (unsigned int a = 0; a < d; ++a)
        for (unsigned int b = 0; b < a; ++b)
          Q(b, a) = Q(a, b);
      solve_lower_transpose(L, e.gradient);
      // L^{-T} Q L^{-1} = (L^{-T} (L^{-T} Q)^T)^T, Q symmetric
      solve_lower_transpose(L, Q);
      DenseMatrix X;
      X.copy_transposed(Q);
      solve_lower_transpose(L, X);
      for (unsigned int a = 0; a < d; ++a)
        for (unsigned int b = 0; b < d; ++b)
          e.hessian(a, b) = 0.5 * (X(a, b) + X(b, a));
    }
  } // namespace


  GaussianExpectations
  GaussianExpectation::evaluate(const DenseVector &m,
                                const DenseMatrix &C) const
  {
    const unsigned int d = potential.dimension();
    const unsigned int n = cubature.size();
    AssertDimension(m.size(), d);
    const DenseMatrix L = cholesky_factor(C); // throws if not SPD

    // the nodes u_k = m + L xi_k
    DenseMatrix points(n, d);
    for (unsigned int k = 0; k < n; ++k)
      for (unsigned int a = 0; a < d; ++a)
        {
          double s = m[a];
          for (unsigned int b = 0; b <= a; ++b)
            s += L(a, b) * cubature.nodes(k, b);
          points(k, a) = s;
        }

    if (expectation_form == ExpectationForm::kalman)
      return evaluate_kalman(m, L, points);
    GaussianExpectations e;
    e.gradient.reinit(d);
    e.hessian.reinit(d, d);
    std::vector<double> phi(n);
    DenseMatrix         gradients;
    bool                have_gradients = false;
    if (potential.prefers_one_batch())
      {
        // one batch (one call of an external forward model) for Phi_R and,
        // unless derivative-free, grad Phi_R at all the nodes
        if (expectation_form == ExpectationForm::derivative_free)
          potential.values(points, phi);
        else
          {
            potential.values_and_gradients(points, phi, gradients);
            have_gradients = true;
          }
      }
    else
      for (unsigned int k = 0; k < n; ++k)
        phi[k] = potential.value(
          dealii::make_array_view(&points(k, 0), &points(k, 0) + d));
    for (unsigned int k = 0; k < n; ++k)
      {
        check_finite(phi[k], "Phi_R", points, k);
        e.phi += cubature.weights[k] * phi[k];
      }

    if (expectation_form == ExpectationForm::derivative_free)
      {
        add_stein_form(potential, cubature, m, L, phi, e);
        return e;
      }

    if (!have_gradients)
      {
        gradients.reinit(n, d);
        potential.gradients(points, gradients);
      }
    for (unsigned int k = 0; k < n; ++k)
      for (unsigned int a = 0; a < d; ++a)
        {
          check_finite(gradients(k, a), "grad Phi_R", points, k);
          e.gradient[a] += cubature.weights[k] * gradients(k, a);
        }

    if (expectation_form == ExpectationForm::hessian)
      {
        for (unsigned int k = 0; k < n; ++k)
          {
            const DenseMatrix H = potential.hessian(
              dealii::make_array_view(&points(k, 0), &points(k, 0) + d));
            for (unsigned int a = 0; a < d; ++a)
              for (unsigned int b = 0; b < d; ++b)
                {
                  check_finite(H(a, b), "Hess Phi_R", points, k);
                  e.hessian(a, b) +=
                    cubature.weights[k] * 0.5 * (H(a, b) + H(b, a));
                }
          }
        return e;
      }

    // gradient form: E[Hess] = L^{-T} E[xi grad^T], symmetrized
    DenseMatrix S(d, d);
    for (unsigned int k = 0; k < n; ++k)
      for (unsigned int a = 0; a < d; ++a)
        {
          const double wx = cubature.weights[k] * cubature.nodes(k, a);
          if (wx != 0)
            for (unsigned int b = 0; b < d; ++b)
              S(a, b) += wx * gradients(k, b);
        }
    solve_lower_transpose(L, S);
    for (unsigned int a = 0; a < d; ++a)
      for (unsigned int b = 0; b < d; ++b)
        e.hessian(a, b) = 0.5 * (S(a, b) + S(b, a));
    return e;
  }


  GaussianExpectations
  GaussianExpectation::evaluate_kalman(const DenseVector &m,
                                       const DenseMatrix &L,
                                       const DenseMatrix &points) const
  {
    const unsigned int d = L.m(), n = cubature.size(), K = problem->n_data();
    DenseMatrix        G;
    problem->forward_model().evaluate_rows(points, G);
    GaussianExpectations e;
    e.gradient.reinit(d);
    e.hessian.reinit(d, d);
    DenseVector mean_G(K);
    for (unsigned int k = 0; k < n; ++k)
      {
        for (unsigned int i = 0; i < K; ++i)
          check_finite(G(k, i), "G", points, k);
        const double phi =
          problem->misfit(dealii::make_array_view(&G(k, 0), &G(k, 0) + K)) +
          problem->prior_term(
            dealii::make_array_view(&points(k, 0), &points(k, 0) + d));
        e.phi += cubature.weights[k] * phi;
        for (unsigned int i = 0; i < K; ++i)
          mean_G[i] += cubature.weights[k] * G(k, i);
      }
    // K = C^{-1} C^{uG} = L^{-T} E[xi (G - E[G])^T] (d x K)
    DenseMatrix gain(d, K);
    for (unsigned int k = 0; k < n; ++k)
      for (unsigned int a = 0; a < d; ++a)
        {
          const double wx = cubature.weights[k] * cubature.nodes(k, a);
          if (wx != 0)
            for (unsigned int i = 0; i < K; ++i)
              gain(a, i) += wx * (G(k, i) - mean_G[i]);
        }
    solve_lower_transpose(L, gain);
    // E[grad] = K Gamma^{-1} (E[G] - y) + Gamma_0^{-1} (m - m_0),
    // E[Hess] = K Gamma^{-1} K^T + Gamma_0^{-1}
    DenseVector residual(mean_G), weighted(K), dm(m);
    residual -= problem->data();
    problem->noise_precision().vmult(weighted, residual);
    gain.vmult(e.gradient, weighted);
    dm -= problem->prior_mean();
    problem->prior_precision().vmult_add(e.gradient, dm);
    DenseMatrix gain_weighted(d, K), H(d, d);
    gain.mmult(gain_weighted, problem->noise_precision());
    gain_weighted.mTmult(H, gain);
    H.add(1.0, problem->prior_precision());
    for (unsigned int a = 0; a < d; ++a)
      for (unsigned int b = 0; b < d; ++b)
        e.hessian(a, b) = 0.5 * (H(a, b) + H(b, a));
    return e;
  }


  unsigned int
  GaussianExpectation::evaluations_per_call() const
  {
    return cubature.size() +
           (expectation_form == ExpectationForm::derivative_free ? 1 : 0);
  }


  const StandardCubature &
  GaussianExpectation::rule() const
  {
    return cubature;
  }


  ExpectationForm
  GaussianExpectation::form() const
  {
    return expectation_form;
  }
} // namespace kwfp
